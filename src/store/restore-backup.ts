import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { archiveOps } from '../engines/registry.js';
import type { ProgressSink, StoredBytesCheck, TableCounts } from '../engines/types.js';
import { describeLocation } from '../target/describe.js';
import { ENGINE_LABELS, type Target } from '../target/types.js';
import { hashFile, listBackups, readBackupAt, type StoredBackup } from './files.js';
import { acquireDatabaseLock } from './lock.js';
import type { Manifest } from './manifest.js';
import { storeMessages } from './messages.js';
import { backupDatabaseName } from './naming.js';
import { prepareBackupDir, type BackupStore } from './store.js';
import { rotate, takeBackupHoldingLock } from './take-backup.js';
import { withPlainArchive } from './encrypted.js';
import type { CopyMode } from './copy-mode.js';

export { listBackups } from './files.js';

/**
 * The backup a user means: "latest" (or nothing) is the newest backup of the
 * target's database; an id from `dbsafe list`; or a path to a backup file
 * with its manifest beside it.
 */
export async function findBackup(store: BackupStore, selector: string | undefined, target: Target | null): Promise<StoredBackup> {
  const backups = await listBackups(store);
  if (!selector || selector === 'latest') {
    const database = target ? backupDatabaseName(target) : null;
    const sameDatabase = backups.filter((b) => !target || (b.manifest.database === database && b.manifest.engine === target.engine));
    // A backup of the same name from this very server wins over one copied from elsewhere.
    const match = (target && sameDatabase.find((b) => b.manifest.location === describeLocation(target))) ?? sameDatabase[0];
    if (!match) throw storeMessages.noBackups(database);
    return match;
  }
  const byId = backups.find((b) => b.manifest.id === selector || b.manifest.file === selector);
  if (byId) return byId;
  if (selector.includes(path.sep) || selector.includes('.')) {
    const file = path.resolve(selector);
    const atPath = await readBackupAt(file);
    if (atPath) return atPath;
    if (existsSync(file)) throw storeMessages.noManifest(file);
  }
  throw storeMessages.unknownBackup(selector);
}

/** The file still is what the manifest recorded (size and sha256): checked before anything is touched. */
export async function verifyChecksum(backup: StoredBackup, progress?: ProgressSink): Promise<void> {
  const actual = await hashFile(backup.file, progress).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw storeMessages.fileMissing(backup.file);
    throw error;
  });
  assertRecorded(backup, actual);
}

function assertRecorded(backup: StoredBackup, actual: { sha256: string; size: number }): void {
  if (actual.sha256 !== backup.manifest.sha256 || actual.size !== backup.manifest.size) {
    throw storeMessages.checksumMismatch(
      backup.file,
      backup.manifest.sha256,
      actual.sha256,
      `${actual.size} bytes on disk, ${backup.manifest.size} recorded`,
    );
  }
}

/**
 * Can the checksum of `backup` be proved while it is restored, by the
 * engine's one read of the file, rather than by a read of its own first?
 * Where the replaced database is kept rather than dumped first (a dump of
 * the current state must not be made for a backup that turns out damaged),
 * for a plain file backup (an encrypted one is decrypted and authenticated
 * in full first; a snapshot's descriptor is tiny). Pure.
 */
export function checksumProvedDuringRestore(backup: Pick<StoredBackup, 'manifest'>, mode: CopyMode | undefined): boolean {
  return mode !== undefined && mode !== 'dump' && !backup.manifest.snapshot && !backup.manifest.encryption;
}

/**
 * What can be told without reading the file: it is there and has the
 * recorded size (a truncated file fails here, before anything is touched).
 * The sha256 is proved as the restore reads it (storedBytesCheck).
 */
export async function verifySize(backup: StoredBackup): Promise<void> {
  const size = await stat(backup.file).then(
    (found) => found.size,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw storeMessages.fileMissing(backup.file);
      throw error;
    },
  );
  // Damaged: the full checksum then names both sums in the error.
  if (size !== backup.manifest.size) await verifyChecksum(backup);
}

/** The checksum of `backup` proved from the bytes a restore reads (see RestoreOptions.check). */
export function storedBytesCheck(backup: StoredBackup): StoredBytesCheck {
  const hash = createHash('sha256');
  let size = 0;
  let actual: { sha256: string; size: number } | null = null;
  return {
    update(chunk) {
      hash.update(chunk);
      size += chunk.length;
    },
    settle() {
      actual ??= { sha256: hash.digest('hex'), size };
      assertRecorded(backup, actual);
    },
  };
}

export function assertSameEngine(backup: StoredBackup, target: Target): void {
  if (backup.manifest.engine !== target.engine) {
    throw storeMessages.engineMismatch(backup.manifest.id, ENGINE_LABELS[backup.manifest.engine], ENGINE_LABELS[target.engine]);
  }
}

/**
 * Take `target`'s lock for a restore, waiting for another dbsafe process
 * (a backup being written, a guarded run) to finish: a restore picks its
 * backup only once it holds the lock, so "latest" is the newest backup then.
 * `onWait` is told once if it has to wait. Returns the release function.
 */
export async function lockForRestore(store: BackupStore, target: Target, onWait?: (holder: string) => void): Promise<() => Promise<void>> {
  await prepareBackupDir(store);
  return acquireDatabaseLock(store.dir, backupDatabaseName(target), { waitMs: store.lockWaitMs, purpose: 'restore', onWait });
}

export interface RestoreResult {
  restored: Manifest;
  /** The backup (or, for a snapshot restore, the renamed database itself) of the state the restore replaced; null when the database did not exist. */
  safetyBackup: Manifest | null;
  /** Which way the safety copy was kept, and why, when there was a choice. */
  note?: string;
}

/**
 * Restore `backup` into `target`: refuse another engine's backup, prove the
 * checksum, back up the current state (trigger "pre-restore"), then let the
 * engine restore exactly and, where it can, all-or-nothing. Where the
 * replaced database is kept as the safety copy and the engine checks the
 * stored bytes as it loads them, the checksum is proved by that one read,
 * before the restored database is put in place (checksumProvedDuringRestore).
 * The database's lock is held throughout (taken here, or by the caller with
 * lockForRestore and `lockHeld`), so no scheduled backup or guarded run
 * interleaves. The production gate is the caller's job and must run before this.
 */
export async function restoreBackup(
  store: BackupStore,
  target: Target,
  backup: StoredBackup,
  options: { progress?: ProgressSink; checksumVerified?: boolean; lockHeld?: boolean; mode?: CopyMode } = {},
): Promise<RestoreResult> {
  assertSameEngine(backup, target);
  await prepareBackupDir(store);
  const release = options.lockHeld
    ? async () => undefined
    : await acquireDatabaseLock(store.dir, backupDatabaseName(target), { waitMs: store.lockWaitMs, purpose: `restore of ${backup.manifest.id}` });
  try {
    const inStream = !options.checksumVerified && checksumProvedDuringRestore(backup, options.mode);
    if (!options.checksumVerified) await (inStream ? verifySize(backup) : verifyChecksum(backup));
    // Proved by a read of its own where the restore cannot prove it (the engine does not check as it loads, or a dump of the current state comes first).
    const proveFirst = async () => {
      if (inStream) await verifyChecksum(backup);
    };
    if (backup.manifest.snapshot) {
      const { requireSnapshotOps, restoreSnapshotHoldingLock } = await import('./snapshot-store.js');
      const { safetyCopy, note } = await restoreSnapshotHoldingLock(store, target, backup, await requireSnapshotOps(target, backup.manifest.id));
      await rotate(store, target);
      return { restored: backup.manifest, safetyBackup: safetyCopy, ...(note ? { note } : {}) };
    }
    // A restore killed after its swap left the database it replaced: adopted as a snapshot (listed, undoable) before anything else.
    await (await import('./snapshot-store.js')).tidySnapshotLeftovers(store, target);
    // An encrypted backup is decrypted (and fully authenticated) before the safety backup and before the database is touched.
    return await withPlainArchive(store, backup, async (file) => {
      const archive = await archiveOps(target.engine);
      // Outside "dump" mode, a server that can hold both keeps the replaced database as the safety copy: no second dump.
      if (options.mode && options.mode !== 'dump') {
        const { planSafetyCopy, restoreKeepingReplaced } = await import('./restore-keeping.js');
        const plan = await planSafetyCopy(target);
        if (plan.kind === 'keep') {
          const check = inStream && archive.checksInStream ? storedBytesCheck(backup) : undefined;
          if (!check) await proveFirst();
          const safetyCopy = await restoreKeepingReplaced(store, target, backup, file, plan.ops, { progress: options.progress, check });
          await rotate(store, target);
          return { restored: backup.manifest, safetyBackup: safetyCopy };
        }
        await proveFirst();
        const safetyBackup = await takeBackupHoldingLock(store, target, { trigger: 'pre-restore', label: `before restoring ${backup.manifest.id}`, progress: options.progress, rotate: false });
        await archive.restore(target, file, options.progress);
        await rotate(store, target);
        return { restored: backup.manifest, safetyBackup, ...(plan.note ? { note: plan.note } : {}) };
      }
      await proveFirst();
      const safetyBackup = await takeBackupHoldingLock(store, target, { trigger: 'pre-restore', label: `before restoring ${backup.manifest.id}`, progress: options.progress, rotate: false });
      await archive.restore(target, file, options.progress);
      await rotate(store, target);
      return { restored: backup.manifest, safetyBackup };
    });
  } finally {
    await release();
  }
}

/** What verify found: the tables and rows it counted; for a snapshot, whether they were compared with the counts recorded when it was taken. */
export type VerifyResult = TableCounts & { snapshot?: { rowsCompared: true } | { rowsCompared: false; why: 'not-recorded' | 'engine' } };

/**
 * Checksum, then (decrypted when encrypted) a real restore into a throw-away
 * database: table and row counts prove the backup is usable. A snapshot is
 * proved by its database being on the server and, where its manifest
 * recorded them, by its rows per table counted now being those recorded.
 */
export async function verifyBackup(store: BackupStore, target: Target, backup: StoredBackup, progress?: ProgressSink): Promise<VerifyResult> {
  assertSameEngine(backup, target);
  await verifyChecksum(backup, progress);
  if (backup.manifest.snapshot) {
    const { onSameServer, requireSnapshotOps, snapshotPresent } = await import('./snapshot-store.js');
    const { snapshotMessages } = await import('./snapshot-messages.js');
    // Its database is looked for on its own server only: a database of that name elsewhere proves nothing.
    if (!onSameServer(backup.manifest, target)) throw snapshotMessages.otherServer(backup.manifest.id, backup.manifest.location);
    const ops = await requireSnapshotOps(target, backup.manifest.id);
    if (!(await snapshotPresent(target, backup, ops))) {
      throw snapshotMessages.missing(backup.manifest.id, backup.manifest.snapshot.database, backup.manifest.location);
    }
    const recorded = backup.manifest.snapshot.tableRows;
    if (!recorded || !ops.tableRows) return { tables: [], snapshot: { rowsCompared: false, why: recorded ? 'engine' : 'not-recorded' } };
    // Counting holds a connection to the snapshot, which a restore copying it would trip over: under the database's lock.
    const release = await acquireDatabaseLock(store.dir, backupDatabaseName(target), { waitMs: store.lockWaitMs, purpose: `verify of ${backup.manifest.id}` });
    const now = await ops.tableRows(target, backup.manifest.snapshot.database).finally(release);
    const { compareTableRows } = await import('./snapshot-rows.js');
    const differences = compareTableRows(recorded, now);
    if (differences.length > 0) throw snapshotMessages.rowsDiffer(backup.manifest.id, backup.manifest.snapshot.database, differences);
    return { tables: Object.entries(now).map(([name, rows]) => ({ name, rows })), snapshot: { rowsCompared: true } };
  }
  const archive = await archiveOps(target.engine);
  return withPlainArchive(store, backup, async (file) => {
    await archive.checkArchive(file, target);
    return archive.scratchRestore(target, file);
  });
}
