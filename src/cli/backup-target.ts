import { loadProjectContext, type ProjectContext } from '../config/context.js';
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
export function backupCommandSetting(flagUrl?: string): BackupCommandSetting {
  const context = loadProjectContext({ cwd: process.cwd(), env: process.env, flagUrl });
  return { context, store: backupStoreFor(context), target: context.targets.primary };
}

export function requireTarget(setting: BackupCommandSetting): Target {
  if (!setting.target) throw storeMessages.noTarget(setting.context.targets.problems[0]?.message);
  return setting.target;
}
