import { promises as fs } from 'node:fs';
import path from 'node:path';
import { decryptedDigest, decryptFile, encryptFile, readEncryptionHeader } from '../encryption/files.js';
import { ALGORITHM_NAME, type HeaderParse } from '../encryption/format.js';
import { loadBackupKey, type BackupKey } from '../encryption/key.js';
import { DAMAGE_DETAILS, encryptionMessages as say } from '../encryption/messages.js';
import { DecryptionError } from '../encryption/streams.js';
import { removeOnExit, type StoredBackup } from './files.js';
import { isPublicKeyEncryption, type Manifest } from './manifest.js';
import { ENCRYPTED_EXTENSION, partialName } from './naming.js';
import type { BackupStore } from './store.js';

/**
 * Encrypted backups in the store: which key new backups get, and the
 * plaintext of an encrypted backup as a private temporary file that never
 * outlives the work done on it.
 */

export function isEncrypted(manifest: Manifest): boolean {
  return manifest.encryption !== undefined;
}

/** The key new backups are encrypted with, or null when the configuration does not ask for encryption. */
export async function keyForNewBackups(store: BackupStore): Promise<BackupKey | null> {
  if (!store.keys?.encryptNewBackups) return null;
  return loadBackupKey(store.keys);
}

function headerProblem(file: string, parsed: Exclude<HeaderParse, { ok: true }>): Error {
  if (parsed.problem === 'unknown-version' || parsed.problem === 'unknown-algorithm') return say.newerFormat(file);
  return say.damaged(file, DAMAGE_DETAILS[parsed.problem]);
}

function explainDecryption(file: string, key: BackupKey, error: unknown): unknown {
  if (!(error instanceof DecryptionError)) return error;
  if (error.problem === 'wrong-key') return say.wrongKey(file, error.keyId ?? '?', key.keyId, key.source);
  if (error.problem === 'unknown-version' || error.problem === 'unknown-algorithm') return say.newerFormat(file);
  return say.damaged(file, DAMAGE_DETAILS[error.problem]);
}

/**
 * The key that reads an encrypted backup, checked against the key id in the
 * file's header: no key or the wrong key is a clear error before anything
 * is decrypted, let alone restored. Reads only the header.
 */
export async function keyToRead(store: BackupStore, backup: StoredBackup): Promise<BackupKey> {
  const parsed = await readEncryptionHeader(backup.file);
  if (!parsed.ok) throw headerProblem(backup.file, parsed);
  const key = store.keys ? await loadBackupKey(store.keys) : null;
  if (!key) throw say.noKey(backup.file);
  if (parsed.header.keyId !== key.keyId) throw say.wrongKey(backup.file, parsed.header.keyId, key.keyId, key.source);
  return key;
}

/** No key, the wrong key, no identity or the wrong identity for an encrypted backup: a clear error before anything is asked or changed. */
export async function assertReadable(store: BackupStore, backup: StoredBackup): Promise<void> {
  if (!isEncrypted(backup.manifest)) return;
  if (isPublicKeyEncryption(backup.manifest.encryption)) return (await import('./sealed.js')).assertSealedReadable(store, backup);
  await keyToRead(store, backup);
}

/**
 * Run `work` on the plaintext archive of `backup`: the file itself when it
 * is not encrypted; otherwise a complete, authenticated decryption in a 0600
 * temporary file in the backup directory, removed afterwards whatever
 * happens (error, Ctrl-C, a second Ctrl-C through process exit, and by the
 * next run's partial clean-up should the process be killed outright).
 */
export async function withPlainArchive<T>(store: BackupStore, backup: StoredBackup, work: (file: string) => Promise<T>): Promise<T> {
  if (!isEncrypted(backup.manifest)) return work(backup.file);
  if (isPublicKeyEncryption(backup.manifest.encryption)) return (await import('./sealed.js')).withPlainSealedArchive(store, backup, work);
  const key = await keyToRead(store, backup);
  const plainName = `${backup.manifest.file.slice(0, -ENCRYPTED_EXTENSION.length - 1)}.decrypted`;
  const plain = path.join(store.dir, partialName(plainName, process.pid));
  const forget = removeOnExit(plain);
  try {
    await fs.rm(plain, { force: true });
    await decryptFile(backup.file, plain, key.key).catch((error: unknown) => {
      throw explainDecryption(backup.file, key, error);
    });
    return await work(plain);
  } finally {
    await fs.rm(plain, { force: true });
    forget();
  }
}

/**
 * Encrypt a verified plaintext archive into `destination`, and prove the
 * file decrypts back to exactly that archive before it may count. Returns
 * the sha256 and size of the file as stored, and the manifest's record.
 */
export async function sealArchive(
  plain: string,
  destination: string,
  key: BackupKey,
  expectedPlain: { sha256: string; size: number },
): Promise<{ sha256: string; size: number; encryption: NonNullable<Manifest['encryption']> }> {
  const forget = removeOnExit(destination);
  try {
    const { plain: read, stored } = await encryptFile(plain, destination, key.key);
    const back = await decryptedDigest(destination, key.key).catch(() => null);
    if (read.sha256 !== expectedPlain.sha256 || back?.sha256 !== expectedPlain.sha256 || back.size !== expectedPlain.size) throw say.roundTripFailed(destination);
    return { ...stored, encryption: { algorithm: ALGORITHM_NAME, keyId: key.keyId } };
  } finally {
    forget();
  }
}
