import { archiveOps, snapshotOps } from '../engines/registry.js';
import type { ProgressSink, SnapshotOps, StoredBytesCheck } from '../engines/types.js';
import type { Target } from '../target/types.js';
import type { StoredBackup } from './files.js';
import type { Manifest } from './manifest.js';
import { newSnapshotName, snapshotMarker } from './snapshot-naming.js';
import { describeSnapshot, newSnapshotId, recordSafetyCopy } from './snapshot-store.js';
import { stepBoundary } from './step-boundary.js';
import type { BackupStore } from './store.js';
import { formatBytes } from '../cli/progress.js';

/** Room to spare beyond the two copies: the restored one may come out larger than the one it replaces (no bloat, but fresh indexes). */
const HEADROOM = 1.25;

/** A dump's note says why the replaced database could not be kept; a kept one needs none (the result names it as a snapshot on the server). */
export type SafetyCopyPlan = { kind: 'keep'; ops: SnapshotOps } | { kind: 'dump'; note: string | null };

/**
 * How a file restore keeps the state it replaces: the replaced database
 * itself (renamed, connections refused) where the server can hold both,
 * else a dump first, as before. Pure.
 */
export function chooseSafetyCopy(room: { freeBytes: number | null; databaseBytes: number } | null, reasonWithout: string | null): 'keep' | string {
  if (reasonWithout) return reasonWithout;
  if (!room) return 'the server could not be asked';
  if (room.freeBytes === null) return "the server's free space cannot be seen from here";
  const needed = room.databaseBytes * HEADROOM;
  if (room.freeBytes < needed) return `the server has ${formatBytes(room.freeBytes)} free and keeping both copies needs about ${formatBytes(needed)}`;
  return 'keep';
}

export async function planSafetyCopy(target: Target): Promise<SafetyCopyPlan> {
  const found = await snapshotOps(target.engine);
  if (!('ops' in found)) return { kind: 'dump', note: null };
  // Both questions at once (each its own connection); the room only counts where a copy is possible at all.
  const [unavailable, room] = await Promise.all([found.ops.unavailable(target), found.ops.room(target).catch(() => null)]);
  const choice = chooseSafetyCopy(room, unavailable);
  if (choice === 'keep') return { kind: 'keep', ops: found.ops };
  return { kind: 'dump', note: `safety copy: a file backup first, because ${choice}` };
}

/**
 * Restore a file backup and keep the database it replaces as the safety
 * copy, a snapshot like any other. Its name is recorded as a safety copy
 * before the restore starts: a kill after the swap leaves it to be adopted
 * by the next run, never dropped.
 */
export async function restoreKeepingReplaced(
  store: BackupStore,
  target: Target,
  backup: StoredBackup,
  file: string,
  ops: SnapshotOps,
  load: { progress?: ProgressSink; check?: StoredBytesCheck } = {},
): Promise<Manifest | null> {
  const createdAt = new Date();
  const id = newSnapshotId(store, target, createdAt);
  const name = newSnapshotName();
  const marker = snapshotMarker({ id, database: target.database, createdAt: createdAt.toISOString() });
  const forget = recordSafetyCopy(target, name, backup.manifest.id);
  const archive = await archiveOps(target.engine);
  stepBoundary('file-restore:recorded');
  try {
    await archive.restore(target, file, load.progress, { keepReplaced: { name, marker }, ...(load.check ? { check: load.check } : {}) });
  } catch (error) {
    forget();
    throw error;
  }
  stepBoundary('file-restore:restored');
  let safety: Manifest | null = null;
  if (await ops.exists(target, name)) {
    safety = await describeSnapshot(store, target, {
      id,
      name,
      createdAt,
      method: 'the replaced database itself, renamed',
      serverVersion: backup.manifest.serverVersion,
      sizeBytes: null,
      request: { trigger: `pre-restore (before restoring ${backup.manifest.id})`, label: null },
    });
  }
  stepBoundary('file-restore:described');
  forget();
  return safety;
}
