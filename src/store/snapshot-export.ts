import { recordScratchDatabase } from '../engines/scratch-database.js';
import type { Target } from '../target/types.js';
import type { StoredBackup } from './files.js';
import type { Manifest } from './manifest.js';
import { restoreCopyName, snapshotMarker } from './snapshot-naming.js';
import { snapshotMessages } from './snapshot-messages.js';
import { onSameServer, requireSnapshotOps } from './snapshot-store.js';
import type { BackupStore } from './store.js';
import { takeBackupHoldingLock } from './take-backup.js';

/**
 * Turn snapshot `backup` into a verified file backup of the same database
 * (it then survives losing the server): a private copy of the snapshot is
 * made, dumped by the engine's own tool, and dropped. The snapshot itself
 * never accepts a connection. The caller holds the database's lock.
 */
export async function exportSnapshotHoldingLock(store: BackupStore, target: Target, backup: StoredBackup): Promise<Manifest> {
  const snapshot = backup.manifest.snapshot;
  if (!snapshot) throw snapshotMessages.notASnapshot(backup.manifest.id);
  if (!onSameServer(backup.manifest, target)) throw snapshotMessages.otherServer(backup.manifest.id, backup.manifest.location);
  const ops = await requireSnapshotOps(target, backup.manifest.id);
  if (!(await ops.exists(target, snapshot.database))) throw snapshotMessages.missing(backup.manifest.id, snapshot.database, backup.manifest.location);
  const copy = restoreCopyName(snapshot.database);
  const forget = recordScratchDatabase(target, copy, `export of snapshot ${backup.manifest.id}`);
  try {
    await ops.copy(target, snapshot.database, copy, snapshotMarker({ id: backup.manifest.id, database: target.database, createdAt: backup.manifest.createdAt }));
  } catch (error) {
    forget();
    throw error;
  }
  try {
    const source = (await ops.openForReading(target, copy)) ?? { ...target, database: copy };
    return await takeBackupHoldingLock(store, target, {
      trigger: `export of snapshot ${backup.manifest.id} (taken ${backup.manifest.createdAt}, ${backup.manifest.trigger})`,
      label: backup.manifest.label,
      source,
    });
  } finally {
    // The drop takes the record over.
    await ops.drop(target, copy);
  }
}
