import type { CompressionSetting } from '../engines/compression-setting.js';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { type Readable, Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AgeOpenError, decryptAgeFile, newAgeFile, openAgeFile } from '../encryption/age.js';
import { AgePayloadError, agePayloadEncryptor } from '../encryption/age-stream.js';
import { gpgDecrypt, requireGpg, startGpgEncryption } from '../encryption/gpg.js';
import { publicKeyMessages as say } from '../encryption/public-key-messages.js';
import { loadAgeIdentities, type NewBackupEncryption } from '../encryption/public-keys.js';
import type { ArchiveOps, BackupFacts, BackupOutput, ProgressSink } from '../engines/types.js';
import type { Target } from '../target/types.js';
import { removeOnExit, type StoredBackup } from './files.js';
import { isPublicKeyEncryption, type PublicKeyEncryption } from './manifest.js';
import { partialName } from './naming.js';
import type { BackupStore } from './store.js';

/**
 * Backups encrypted to public keys (age or gpg). A dump the engine streams
 * is encrypted on its way to the disk: its plaintext is never written. An
 * engine that must write a file itself (SQLite's backup API) writes it in a
 * private directory (0700, the file 0600, named as a temporary so that a
 * killed run's next start removes it), where it is checked, encrypted and
 * removed at once. Reading back decrypts into such a directory too.
 */

type Sealing = Exclude<NewBackupEncryption, null>;

interface Digest {
  sha256: string;
  size: number;
}

function hashingTap(onBytes?: ProgressSink): { tap: Transform; digest: () => Digest } {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      hash.update(chunk);
      size += chunk.length;
      onBytes?.(size);
      done(null, chunk);
    },
  });
  return { tap, digest: () => ({ sha256: hash.digest('hex'), size }) };
}

/** Encrypt everything written into `input` into `sink`, ready before the engine starts (age's header is made here). */
async function prepareEncryption(sealing: Sealing): Promise<(sink: Writable) => { input: Writable; done: Promise<void> }> {
  if (sealing.format === 'gpg') {
    const gpg = requireGpg();
    return (sink) => startGpgEncryption(gpg, sealing.recipients, sink);
  }
  const { prefix, key } = await newAgeFile(sealing.recipients);
  return (sink) => {
    const input = agePayloadEncryptor(prefix, key);
    return { input, done: pipeline(input, sink) };
  };
}

/** A private directory (0700) for plaintext, removed when the process exits and by the next run if it was killed. */
async function privateDirectory(storeDir: string, purpose: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = path.join(storeDir, partialName(`${purpose}.private`, process.pid));
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { mode: 0o700 });
  const forget = removeOnExit(dir);
  return {
    dir,
    remove: async () => {
      await fs.rm(dir, { recursive: true, force: true });
      forget();
    },
  };
}

/**
 * Run the engine's backup into `sealedPath`, encrypted for `sealing`. Returns
 * the engine's facts, the sha256 and size of the file as stored, and the
 * manifest's encryption record.
 */
export async function writeSealedBackup(
  archive: ArchiveOps,
  target: Target,
  sealing: Sealing,
  paths: { storeDir: string; id: string; sealedPath: string; compression?: CompressionSetting },
  progress?: ProgressSink,
): Promise<{ facts: BackupFacts; stored: Digest; encryption: PublicKeyEncryption }> {
  const encrypt = await prepareEncryption(sealing);
  const plain = hashingTap(progress);
  const stored = hashingTap();
  // plaintext → plain.tap → encryption → stored.tap → the backup file
  const encryptInto = (source: Readable | null): Promise<void> => {
    const written = pipeline(stored.tap, createWriteStream(paths.sealedPath, { mode: 0o600, flags: 'wx' }));
    const { input, done } = encrypt(stored.tap);
    const fed = source ? pipeline(source, plain.tap, input) : pipeline(plain.tap, input);
    // The encryption's own failure (gpg refusing a recipient) explains the others (a broken pipe).
    return Promise.allSettled([done, fed, written]).then((results) => {
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    });
  };
  const scratch = await privateDirectory(paths.storeDir, paths.id);
  let streaming: Promise<void> | null = null;
  const output: BackupOutput = {
    path: path.join(scratch.dir, `plain.${archive.extension}`),
    stream() {
      streaming = encryptInto(null);
      streaming.catch(() => undefined);
      return plain.tap;
    },
  };
  try {
    let facts: BackupFacts;
    try {
      facts = await archive.backup(target, output, { compression: paths.compression });
    } catch (error) {
      // A failed encryption or write (gpg refusing a recipient, a full disk) explains the engine's broken pipe better than the engine can.
      const pipelineError = streaming ? await (streaming as Promise<void>).then(() => null, (failure: unknown) => failure) : null;
      throw pipelineError ?? error;
    }
    const checked = streaming === null;
    if (streaming) await streaming;
    else {
      // The engine wrote its file: check it while it is plaintext, then encrypt it and remove it.
      await archive.checkArchive(output.path, target);
      await encryptInto(createReadStream(output.path));
      await fs.rm(output.path, { force: true });
    }
    const plainDigest = plain.digest();
    return {
      facts,
      stored: stored.digest(),
      encryption: { algorithm: sealing.format, recipients: sealing.recipients, plainSha256: plainDigest.sha256, plainSize: plainDigest.size, checkedBeforeEncryption: checked },
    };
  } finally {
    await scratch.remove();
  }
}

function explainAgeFailure(file: string, identityFile: string, recipients: string[], error: unknown): unknown {
  if (error instanceof AgeOpenError) {
    if (error.problem === 'no-matching-identity') return say.wrongIdentity(file, identityFile, recipients);
    if (error.problem === 'not-age') return say.notAge(file);
    return say.damaged(file, 'its age header is damaged');
  }
  if (error instanceof AgePayloadError) return say.damaged(file, error.problem === 'truncated' ? 'it is cut short (the last part of the file is missing)' : 'a part of it fails its authentication check (bytes were changed)');
  return error;
}

/** Decrypt `backup` into `sink`, proving the plaintext is the one the manifest recorded. */
async function decryptInto(store: BackupStore, backup: StoredBackup, encryption: PublicKeyEncryption, sink: Writable): Promise<void> {
  const plain = hashingTap();
  const into = async (run: (writable: Writable) => Promise<void>) => {
    const done = pipeline(plain.tap, sink);
    try {
      await run(plain.tap);
    } catch (error) {
      plain.tap.destroy();
      await done.catch(() => undefined);
      throw error;
    }
    await done;
  };
  if (encryption.algorithm === 'gpg') {
    await into((writable) => gpgDecrypt(backup.file, writable));
  } else {
    const loaded = await loadAgeIdentities(store.publicKeys);
    if (!loaded) throw say.noIdentity(backup.file, encryption.recipients);
    await into((writable) => decryptAgeFile(backup.file, loaded.identities, writable)).catch((error: unknown) => {
      throw explainAgeFailure(backup.file, loaded.file, encryption.recipients, error);
    });
  }
  const digest = plain.digest();
  if (digest.sha256 !== encryption.plainSha256 || digest.size !== encryption.plainSize) throw say.plainMismatch(backup.file);
}

/** Can this backup be read with what the user gave (identity, gpg)? Reads only the age header; a clear error before anything is asked or changed. */
export async function assertSealedReadable(store: BackupStore, backup: StoredBackup): Promise<void> {
  const encryption = backup.manifest.encryption;
  if (!isPublicKeyEncryption(encryption) || encryption.algorithm !== 'age') return;
  const loaded = await loadAgeIdentities(store.publicKeys);
  if (!loaded) throw say.noIdentity(backup.file, encryption.recipients);
  await openAgeFile(backup.file, loaded.identities).catch((error: unknown) => {
    throw explainAgeFailure(backup.file, loaded.file, encryption.recipients, error);
  });
}

/** Run `work` on the plaintext of an age or gpg backup: a 0600 file in a private directory, removed afterwards whatever happens. */
export async function withPlainSealedArchive<T>(store: BackupStore, backup: StoredBackup, work: (file: string) => Promise<T>): Promise<T> {
  const encryption = backup.manifest.encryption;
  if (!isPublicKeyEncryption(encryption)) throw new Error('not an age or gpg backup');
  const scratch = await privateDirectory(store.dir, backup.manifest.id);
  try {
    const plain = path.join(scratch.dir, backup.manifest.file.slice(0, -encryption.algorithm.length - 1));
    await decryptInto(store, backup, encryption, createWriteStream(plain, { mode: 0o600, flags: 'wx' }));
    return await work(plain);
  } finally {
    await scratch.remove();
  }
}
