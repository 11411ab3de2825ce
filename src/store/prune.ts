import { deleteBackup, listBackups, type StoredBackup } from './files.js';
import { acquireDatabaseLock } from './lock.js';
import { newestFirst } from './manifest.js';
import { storeMessages } from './messages.js';
import { planRetention, type KeepReason, type RetentionPlan } from './rotation.js';
import { retentionPolicy, type BackupStore } from './store.js';

/** Every backup, newest first, with why rotation keeps it (empty: the next rotation deletes it). */
export async function backupsWithReasons(store: BackupStore): Promise<Array<StoredBackup & { kept: KeepReason[] }>> {
  const backups = await listBackups(store);
  const plan = planRetention(
    backups.map((b) => b.manifest),
    retentionPolicy(store),
  );
  return backups.map((backup) => ({ ...backup, kept: plan.kept.get(backup.manifest.id) ?? [] }));
}

/** `dbsafe prune`: apply the retention policy now (after changing it); returns what was (or would be) deleted. */
export async function pruneBackups(store: BackupStore, options: { dryRun: boolean }): Promise<{ plan: RetentionPlan; deleted: StoredBackup[] }> {
  const backups = await listBackups(store);
  const plan = planRetention(
    backups.map((b) => b.manifest),
    retentionPolicy(store),
  );
  const doomed = new Set(plan.deleted);
  const deleted = backups.filter((b) => doomed.has(b.manifest));
  if (!options.dryRun) for (const backup of deleted) await deleteBackup(backup);
  return { plan, deleted };
}

/**
 * `dbsafe forget ID`: delete one backup on purpose, labelled or not — but
 * never the newest good backup of its database (take another one first).
 */
export async function forgetBackup(store: BackupStore, id: string): Promise<StoredBackup> {
  const backups = await listBackups(store);
  const backup = backups.find((b) => b.manifest.id === id || b.manifest.file === id);
  if (!backup) throw storeMessages.unknownBackup(id);
  const { database, engine, location } = backup.manifest;
  const newestGood = backups
    .map((b) => b.manifest)
    .filter((m) => m.verified && m.database === database && m.engine === engine && m.location === location)
    .sort(newestFirst)[0];
  if (newestGood === backup.manifest) throw storeMessages.forgetNewestGood(backup.manifest.id, database);
  const release = await acquireDatabaseLock(store.dir, database, { waitMs: store.lockWaitMs, purpose: `forget ${backup.manifest.id}` });
  try {
    await deleteBackup(backup);
  } finally {
    await release();
  }
  return backup;
}
