import { promises as fs } from 'node:fs';
import path from 'node:path';
import { archiveOps } from '../engines/registry.js';
import { isDbsafeError } from '../errors.js';
import { hashFile, type StoredBackup } from '../store/files.js';
import { backupDatabaseName } from '../store/naming.js';
import { listBackups } from '../store/restore-backup.js';
import type { BackupStore } from '../store/store.js';
import type { Target } from '../target/types.js';
import { withPlainArchive } from '../store/encrypted.js';
import { isPublicKeyEncryption, type Manifest } from '../store/manifest.js';
import { AGE_MAGIC } from '../encryption/age.js';
import type { BackupSummary, HealthFacts, IntegrityFact } from './judge.js';

/** Errors that mean the engine's tool could not run, not that the archive is bad. */
const TOOL_PROBLEMS = new Set(['tool-missing', 'postgres-client-too-old']);

async function integrityOf(store: BackupStore, backup: StoredBackup): Promise<IntegrityFact> {
  let actual: string;
  try {
    actual = (await hashFile(backup.file)).sha256;
  } catch (error) {
    return { checksum: 'unreadable', reason: (error as Error).message };
  }
  if (actual !== backup.manifest.sha256) return { checksum: 'mismatch', actual, recorded: backup.manifest.sha256 };
  // The machine taking age backups may hold only the recipients: a well-formed age file with the right checksum is all it can tell.
  if (isPublicKeyEncryption(backup.manifest.encryption) && backup.manifest.encryption.algorithm === 'age' && !store.publicKeys?.identity) {
    const head = await fs.open(backup.file, 'r').then(
      async (handle) => {
        const { buffer, bytesRead } = await handle.read(Buffer.alloc(AGE_MAGIC.length), 0, AGE_MAGIC.length, 0).finally(() => handle.close());
        return buffer.subarray(0, bytesRead).toString('latin1');
      },
      () => '',
    );
    return head === AGE_MAGIC ? { checksum: 'match', archive: { ok: true, notDecrypted: true } } : { checksum: 'match', archive: { ok: false, reason: 'it does not start with an age header', cannotCheck: false } };
  }
  try {
    const archive = await archiveOps(backup.manifest.engine);
    // An encrypted backup is decrypted into a private temporary file, checked, and the plaintext removed.
    await withPlainArchive(store, backup, (file) => archive.checkArchive(file));
    return { checksum: 'match', archive: { ok: true } };
  } catch (error) {
    if (!isDbsafeError(error)) throw error;
    // No key, the wrong key, a key file refused: the backup cannot be checked here, which is not damage.
    const keyProblem = error.code.startsWith('encryption-') && error.code !== 'encryption-round-trip-failed';
    return {
      checksum: 'match',
      archive: keyProblem ? { ok: false, reason: error.message, cannotCheck: true, keyProblem: true } : { ok: false, reason: error.message, cannotCheck: TOOL_PROBLEMS.has(error.code) },
    };
  }
}

/**
 * Read what `dbsafe health` judges: the backups of `target`'s database in the
 * store (the name and engine backups are filed under), and for the newest
 * its size on disk, checksum and whether the engine's tool reads it.
 * Reads files only; never connects to the database.
 */
export async function gatherHealthFacts(
  store: BackupStore,
  target: Target,
  maxAge: { seconds: number; text: string },
  now = Date.now(),
): Promise<{ facts: HealthFacts; newest: StoredBackup | null; newestSnapshot: StoredBackup | null }> {
  const database = backupDatabaseName(target);
  const all = (await listBackups(store)).filter((b) => b.manifest.database === database && b.manifest.engine === target.engine);
  // A snapshot's file is only its descriptor: the checks below are about files that survive losing the server.
  const backups = all.filter((b) => !b.manifest.snapshot);
  const snapshots = all.filter((b) => b.manifest.snapshot);
  const newest = backups[0] ?? null;
  const facts: HealthFacts = {
    database,
    engine: target.engine,
    backupDir: path.relative(process.cwd(), store.dir) || store.dir,
    now,
    maxAgeSeconds: maxAge.seconds,
    maxAgeText: maxAge.text,
    backups: backups.map(({ manifest: m }) => summary(m)),
    snapshots: snapshots.map(({ manifest: m }) => summary(m)),
    newest: newest
      ? {
          sizeOnDisk: await fs.stat(newest.file).then((stat) => stat.size, () => 0),
          integrity: await integrityOf(store, newest),
        }
      : null,
    ...(store.offsite ? { offsite: await offsiteFacts(store) } : {}),
  };
  return { facts, newest, newestSnapshot: snapshots[0] ?? null };
}

function summary(m: Manifest): BackupSummary {
  return { id: m.id, createdAt: m.createdAt, size: m.size, trigger: m.trigger };
}

/** The last upload to each configured remote, from the backup directory's record (health never touches the network). */
async function offsiteFacts(store: BackupStore): Promise<NonNullable<HealthFacts['offsite']>> {
  const [{ offsiteRemotes }, { readOffsiteState }] = await Promise.all([import('../offsite/sync.js'), import('../offsite/state.js')]);
  const state = readOffsiteState(store.dir);
  return offsiteRemotes(store.offsite).map(({ name }) => {
    const last = state[name];
    return last ? { remote: name, at: last.at, ok: last.ok, ...(last.error ? { error: last.error } : {}), missing: last.missing } : { remote: name, at: null, ok: false, missing: [] };
  });
}
