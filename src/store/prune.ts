import { deleteBackup, listBackups, type StoredBackup } from './files.js';
import { acquireDatabaseLock } from './lock.js';
import { newestFirst } from './manifest.js';
import { storeMessages } from './messages.js';
import { planRetention, type KeepReason, type RetentionPlan } from './rotation.js';
import { retentionPolicy, type BackupStore } from './store.js';
import { describeLocation } from '../target/describe.js';
import type { Target } from '../target/types.js';

function sameServer(backup: StoredBackup, target: Target): boolean {
  return backup.manifest.engine === target.engine && backup.manifest.location === describeLocation(target);
}

/** Delete a backup; a snapshot's database too, which needs a target on its server. */
async function removeBackup(backup: StoredBackup, target: Target | null): Promise<void> {
  if (!backup.manifest.snapshot) return deleteBackup(backup);
  const { snapshotMessages } = await import('./snapshot-messages.js');
  if (!target || !sameServer(backup, target)) throw snapshotMessages.otherServer(backup.manifest.id, backup.manifest.location);
  const { dropSnapshot, requireSnapshotOps } = await import('./snapshot-store.js');
  await dropSnapshot(target, backup, await requireSnapshotOps(target, backup.manifest.id));
}

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
export async function pruneBackups(store: BackupStore, options: { dryRun: boolean; target?: Target | null }): Promise<{ plan: RetentionPlan; deleted: StoredBackup[] }> {
  const backups = await listBackups(store);
  const plan = planRetention(
    backups.map((b) => b.manifest),
    retentionPolicy(store),
  );
  const doomed = new Set(plan.deleted);
  // A snapshot lives on its server: pruned only by a command whose database is on that server.
  const deleted = backups.filter((b) => doomed.has(b.manifest) && (!b.manifest.snapshot || (options.target && sameServer(b, options.target))));
  if (!options.dryRun) for (const backup of deleted) await removeBackup(backup, options.target ?? null);
  return { plan, deleted };
}

/**
 * `dbsafe forget ID`: delete one backup on purpose, labelled or not — but
 * never the newest good backup of its database (take another one first).
 */
export async function forgetBackup(store: BackupStore, id: string, target: Target | null = null): Promise<StoredBackup> {
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
    await removeBackup(backup, target);
  } finally {
    await release();
  }
  return backup;
}
