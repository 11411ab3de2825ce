import path from 'node:path';
import { formatBytes } from '../cli/progress.js';
import type { BackupTaken } from './steps.js';


const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** What `dbsafe run` and `dbsafe guard` say. */
export const runMessages = {
  usage: (): string => 'dbsafe run needs a command to run. Example: dbsafe run -- npm test',
  noBackupToRestore: (): string =>
    '--restore-after needs the backup that --no-backup skips. Drop one of the two: dbsafe run --restore-after -- <command>',
  backedUp: (database: string, backup: BackupTaken, cwd: string): string =>
    `backed up ${database} → ${path.relative(cwd, backup.file) || backup.file} (${formatBytes(backup.sizeBytes)}, ${seconds(backup.durationMs)})`,
  alreadyBackedUp: (database: string, pid: number): string => `${database} already backed up by the enclosing dbsafe run (pid ${pid}); checked only`,
  backupSkipped: (database: string): string => `--no-backup: ${database} checked, not backed up`,
  refusedHeader: (operation: 'run' | 'guard', command: string): string =>
    operation === 'run' ? `refused: ${command} was not run.` : 'refused: nothing was backed up, and the command this guard protects must not run.',
  overrideHeader: (operation: 'run' | 'guard', command: string): string =>
    `override: ${operation === 'run' ? command : 'a guarded command'} ran once under a consent given with dbsafe allow. It was refused for:`,
  withinOverride: (pid: number): string => `checked within the enclosing dbsafe run (pid ${pid}), which runs under a one-off consent`,
  overrideUsed: (code: string): string => `running once under the consent given with dbsafe allow ${code} (recorded in the audit log)`,
  noTarget: (): string =>
    'no database found for this project, so dbsafe cannot check or back it up (fail closed). Set DATABASE_URL (or DB_CONNECTION/DB_DATABASE…), name the variable with "target" in the dbsafe configuration, or pass --url.',
  configUnusable: (message: string): string => `${message}\nNothing was run: dbsafe refuses to guess when its configuration cannot be read (fail closed).`,
  checkFailed: (message: string): string =>
    `the production check could not complete (${message}), so nothing was run (fail closed). Run dbsafe check to see the problem.`,
  backupFailed: (message: string): string => `backup failed, so the command was not run: ${message}`,
  restored: (database: string, backup: BackupTaken, ms: number): string => `--restore-after: restored ${database} from ${backup.id} (${seconds(ms)})`,
  restoreFailed: (database: string, backup: BackupTaken, message: string): string =>
    `--restore-after: restoring ${database} from ${backup.id} failed: ${message}\nThe backup is intact at ${backup.file}; restore it with: dbsafe restore ${backup.id}`,
  auditFailed: (file: string, message: string): string =>
    `warning: could not write the audit log ${file} (${message}). Fix its permissions; the command itself was not affected.`,
};
