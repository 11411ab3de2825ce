import { isDbsafeError } from '../errors.js';
import { snapshotOps } from '../engines/registry.js';
import type { BlockingSession } from '../engines/types.js';
import type { Target } from '../target/types.js';
import { decideCopy, fallbackIsSaid, shouldAskToTerminate, type CopyMode } from './copy-mode.js';
import type { Manifest } from './manifest.js';
import { snapshotMessages } from './snapshot-messages.js';
import { takeSnapshotHoldingLock } from './snapshot-store.js';
import type { BackupStore } from './store.js';
import { rotate, takeBackupHoldingLock, underDatabaseLock, type BackupRequest } from './take-backup.js';

export interface CopyRequest extends BackupRequest {
  mode: CopyMode;
  /** End sessions that block a snapshot (the person's consent). */
  terminateConnections?: boolean;
  /**
   * Ask the person whether to end the sessions that block a snapshot; given
   * only where a person is at a terminal and no agent is involved.
   */
  askToTerminate?: (database: string, sessions: readonly BlockingSession[]) => Promise<boolean>;
  /** Told, in one line each, which way was taken and why. */
  say?: (line: string) => void;
}

/**
 * Protect `target` before a command: a snapshot on its server where the mode
 * and the server allow it, a verified file backup otherwise, saying which and
 * why. Holds the database's lock throughout; rotation runs last.
 */
export async function takeProtectiveCopy(store: BackupStore, target: Target, request: CopyRequest): Promise<Manifest> {
  return underDatabaseLock(store, target, request.trigger, async () => {
    const manifest = await takeHoldingLock(store, target, request);
    if (request.rotate !== false) await rotate(store, target);
    return manifest;
  });
}

async function takeHoldingLock(store: BackupStore, target: Target, request: CopyRequest): Promise<Manifest> {
  const dump = () => takeBackupHoldingLock(store, target, { ...request, rotate: false });
  if (request.mode === 'dump') return dump();
  const found = await snapshotOps(target.engine);
  const ops = 'ops' in found ? found.ops : null;
  // Independent questions (each its own connection), asked at once.
  const [unavailable, blockers, slow] = ops
    ? await Promise.all([ops.unavailable(target), ops.blockingSessions(target), ops.slowCopy ? ops.slowCopy(target) : null])
    : [null, [], null];
  const conditions = {
    unsupported: 'unsupported' in found ? found.unsupported : null,
    unavailable,
    blockers,
    mayTerminate: request.terminateConnections === true,
    mayAsk: request.askToTerminate !== undefined,
    slow,
    mode: request.mode,
  };
  if (shouldAskToTerminate(conditions)) conditions.mayTerminate = await request.askToTerminate!(target.database, conditions.blockers);
  const decision = decideCopy(conditions);
  if (decision.kind === 'dump') {
    if (fallbackIsSaid(request.mode, decision)) request.say?.(snapshotMessages.fellBack(decision.reason === 'blocked' ? snapshotMessages.blocked(target.database, decision.blockers) : decision.why));
    return dump();
  }
  if (decision.slow) request.say?.(snapshotMessages.slowSnapshot(decision.slow));
  if (decision.terminate.length > 0) {
    request.say?.(snapshotMessages.terminating(target.database, decision.terminate, request.terminateConnections === true ? '--terminate-connections' : 'you said yes'));
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
