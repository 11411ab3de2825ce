import { PassThrough, type Writable } from 'node:stream';
import { runTool } from '../engines/tools.js';
import { findOnPath } from '../executable.js';
import { publicKeyMessages as say } from './public-key-messages.js';

/**
 * gpg as the encryption of new backups, for teams that already have a
 * keyring: the plaintext streams through `gpg --encrypt` into the backup
 * file, and `gpg --decrypt` reads it back with whatever secret key the
 * user's gpg (GNUPGHOME) holds. Recipients come from the configuration,
 * never from a command line of the user's.
 */

/** The gpg binary on PATH; a clear error naming the package when there is none. */
export function requireGpg(): string {
  const gpg = findOnPath('gpg');
  if (!gpg) throw say.gpgMissing();
  return gpg;
}

/** Arguments of an encryption to `recipients` from stdin to stdout. Pure. */
export function gpgEncryptArgs(recipients: readonly string[]): string[] {
  return ['--batch', '--no-tty', '--quiet', '--yes', '--trust-model', 'always', '--encrypt', ...recipients.flatMap((r) => ['--recipient', r]), '--output', '-'];
}

/** Start encrypting into `sink`: write the plaintext into `input`; `done` settles once gpg exited and `sink` is finished. */
export function startGpgEncryption(program: string, recipients: readonly string[], sink: Writable): { input: Writable; done: Promise<void> } {
  const input = new PassThrough();
  const done = runTool({ program, args: gpgEncryptArgs(recipients), stdin: input, stdout: sink }).then((result) => {
    if (result.code !== 0) throw say.gpgEncryptFailed([...recipients], result.stderr);
  });
  return { input, done };
}

/** Decrypt `file` into `sink`; the output is complete (and authenticated by gpg's MDC) only when this resolves. */
export async function gpgDecrypt(file: string, sink: Writable): Promise<void> {
  const result = await runTool({ program: requireGpg(), args: ['--batch', '--no-tty', '--quiet', '--decrypt', '--', file], stdout: sink });
  if (result.code !== 0) throw say.gpgDecryptFailed(file, result.stderr);
}
