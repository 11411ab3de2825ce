import { isDbsafeError } from '../errors.js';
import { snapshotOps } from '../engines/registry.js';
import type { Target } from '../target/types.js';
import { decideCopy, type CopyMode } from './copy-mode.js';
import { acquireDatabaseLock } from './lock.js';
import type { Manifest } from './manifest.js';
import { backupDatabaseName } from './naming.js';
import { snapshotMessages } from './snapshot-messages.js';
import { takeSnapshotHoldingLock } from './snapshot-store.js';
import { prepareBackupDir, type BackupStore } from './store.js';
import { rotate, takeBackupHoldingLock, type BackupRequest } from './take-backup.js';
import { redactCommandLine } from '../redact.js';

export interface CopyRequest extends BackupRequest {
  mode: CopyMode;
  /** End sessions that block a snapshot (the person's consent). */
  terminateConnections?: boolean;
  /** Told, in one line each, which way was taken and why. */
  say?: (line: string) => void;
}

/**
 * Protect `target` before a command: a snapshot on its server where the mode
 * and the server allow it, a verified file backup otherwise, saying which and
 * why. Holds the database's lock throughout; rotation runs last.
 */
export async function takeProtectiveCopy(store: BackupStore, target: Target, request: CopyRequest): Promise<Manifest> {
  await prepareBackupDir(store);
  const release = await acquireDatabaseLock(store.dir, backupDatabaseName(target), {
    waitMs: store.lockWaitMs,
    purpose: `backup (${redactCommandLine(request.trigger)})`,
  });
  let manifest: Manifest;
  try {
    manifest = await takeHoldingLock(store, target, request);
    if (request.rotate !== false) await rotate(store, target);
  } finally {
    await release();
  }
  // Outside the lock, as after `takeBackup`: an upload never holds up another dbsafe process, and never fails the command.
  if (store.offsite && !manifest.snapshot) await (await import('../offsite/sync.js')).uploadAfterBackup(store);
  return manifest;
}

async function takeHoldingLock(store: BackupStore, target: Target, request: CopyRequest): Promise<Manifest> {
  const dump = () => takeBackupHoldingLock(store, target, { ...request, rotate: false });
  if (request.mode === 'dump') return dump();
  const found = await snapshotOps(target.engine);
  const ops = 'ops' in found ? found.ops : null;
  const decision = decideCopy({
    unsupported: 'unsupported' in found ? found.unsupported : null,
    unavailable: ops ? await ops.unavailable(target) : null,
    blockers: ops ? await ops.blockingSessions(target) : [],
    mayTerminate: request.terminateConnections === true,
  });
  if (decision.kind === 'dump') {
    request.say?.(snapshotMessages.fellBack(decision.reason === 'blocked' ? snapshotMessages.blocked(target.database, decision.blockers) : decision.why));
    return dump();
  }
  if (decision.terminate.length > 0) {
    request.say?.(snapshotMessages.terminating(target.database, decision.terminate));
    await ops!.terminateSessions(target, decision.terminate);
  }
  try {
    return await takeSnapshotHoldingLock(store, target, request, ops!);
  } catch (error) {
    // A session that arrived between the check and the copy: the file backup still protects the command.
    if (!isDbsafeError(error) || error.code !== 'snapshot-source-busy') throw error;
    request.say?.(snapshotMessages.fellBack(error.message));
    return dump();
  }
}
