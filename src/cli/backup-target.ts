import { loadCommandContext, type ProjectContext } from '../config/context.js';
import { backupStoreFor, type BackupStore } from '../store/store.js';
import { storeMessages } from '../store/messages.js';
import type { Target } from '../target/types.js';

export interface BackupCommandSetting {
  context: ProjectContext;
  store: BackupStore;
  /** The database guarded commands use (PRODUCT.md "Which database"), or null when none is named. */
  target: Target | null;
}

/** The project, its backup store and its database, for backup/list/restore/verify. */
export async function backupCommandSetting(flagUrl?: string): Promise<BackupCommandSetting> {
  const context = await loadCommandContext({ cwd: process.cwd(), env: process.env, flagUrl });
  return { context, store: backupStoreFor(context), target: context.targets.primary };
}

export function requireTarget(setting: BackupCommandSetting): Target {
  if (!setting.target) throw storeMessages.noTarget(setting.context.targets.problems[0]?.message);
  return setting.target;
}

/**
 * Backup and restore run only where `dbsafe check` would say safe (every
 * database the project names, live checks included): a restore replaces a
 * database, and a backup copies its data onto this machine.
 */
export async function refuseUnlessSafe(context: ProjectContext, operation: 'restore' | 'backup', database: string): Promise<void> {
  const { assessProject } = await import('../safety/assess.js');
  const { verdict } = await assessProject(context);
  if (verdict.verdict !== 'safe') throw storeMessages.refusedByCheck(operation, database, verdict, verdict.exitCode === 0 ? 3 : verdict.exitCode);
}
