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
    backup.snapshot
      ? `snapshot of ${database} → ${backup.id} (${backup.kept ?? 'on the server'}, ${seconds(backup.durationMs)}; dbsafe undo or dbsafe restore ${backup.id} brings it back)`
      : `backed up ${database} → ${path.relative(cwd, backup.file) || backup.file} (${formatBytes(backup.sizeBytes)}, ${seconds(backup.durationMs)})`,
  alreadyBackedUp: (database: string, pid: number): string => `${database} already backed up by the enclosing dbsafe run (pid ${pid}); checked only`,
  outsideProject: (cwd: string): string =>
    `${cwd} is not inside a project (no dbsafe.config.json, package.json or git repository in it or above it), so dbsafe has nowhere to keep the backup and did not run the command. Run it from your project's directory, or create dbsafe.config.json (it may hold just {}) where the backups should live.`,
  nothingToBackUp: (database: string): string => `nothing to back up: database ${database} does not exist yet`,
  backedUpByAgentHook: (database: string, hook: { backupId: string }): string =>
    `${database} already backed up by the agent hook for this command (${hook.backupId}); checked only`,
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
  commandNotFound: (command: string): string =>
    command.includes('/')
      ? `${command}: No such file or directory. Nothing was checked, backed up or run; check the path.`
      : `${command}: command not found. Nothing was checked, backed up or run: install ${command}, or check the spelling (dbsafe looked on PATH, as your shell does).`,
  agentLineOnStdin: (): string => 'dbsafe guard --agent reads the agent’s command line from stdin (the agent hook pipes it in); it is not meant to be typed. Use dbsafe guard or dbsafe run -- CMD instead.',
  unknownAgent: (agent: string, known: readonly string[]): string => `dbsafe guard --agent ${agent}: unknown agent; use one of ${known.join(', ')}.`,
  backupFailed: (message: string): string => `backup failed, so the command was not run: ${message}`,
  restored: (database: string, backup: BackupTaken, ms: number): string => `--restore-after: restored ${database} from ${backup.id} (${seconds(ms)})`,
  restoreFailed: (database: string, backup: BackupTaken, message: string): string =>
    `--restore-after: restoring ${database} from ${backup.id} failed: ${message}\nThe backup is intact at ${backup.file}; restore it with: dbsafe restore ${backup.id}`,
  auditFailed: (file: string, message: string): string =>
    `warning: could not write the audit log ${file} (${message}). Fix its permissions; the command itself was not affected.`,
};
