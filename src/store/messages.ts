import { DbsafeError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { KeepReason } from './rotation.js';
import { printable } from '../printable.js';

/** Every message the backup store shows; each names the cause and the fix. */
export const storeMessages = {
  diskFull: (dir: string) =>
    new DbsafeError(
      'disk-full',
      `The disk holding ${dir} is full (ENOSPC): the backup could not be written. The partial file was removed and older backups are intact. Free some space (or set "backupDir" in dbsafe.config.json to a larger disk) and run the backup again.`,
      ExitCode.failure,
    ),
  writeFailed: (dir: string, cause: string) =>
    new DbsafeError(
      'backup-write-failed',
      `The backup could not be written to ${dir}: ${cause}. The partial file was removed and older backups are intact. Check that the directory is writable, then run the backup again.`,
      ExitCode.failure,
    ),
  emptyBackup: (tool: string) =>
    new DbsafeError(
      'backup-empty',
      `${tool} produced an empty backup, so it was discarded. Run \`dbsafe backup --verbose\` to see the tool's output, and check that the database exists and the user may read it.`,
      ExitCode.failure,
    ),
  dirUnignorable: (dir: string) =>
    new DbsafeError(
      'backup-dir-unignorable',
      `The backup directory ${dir} cannot be kept out of git: it holds the project or its whole repository (or a rule of yours re-includes it), so a \`git add\` would commit your database copies. Nothing was written. Set "backupDir" in dbsafe.config.json to a directory of its own, e.g. "backups".`,
      ExitCode.failure,
    ),
  dirUnusable: (dir: string, cause: string) =>
    new DbsafeError(
      'backup-dir-unusable',
      `The backup directory ${dir} cannot be used: ${cause}. Fix its permissions, or set "backupDir" in dbsafe.config.json to a directory you own.`,
      ExitCode.failure,
    ),
  lockTimeout: (database: string, holder: string, seconds: number) =>
    new DbsafeError(
      'backup-locked',
      `Another dbsafe process (${holder}) is backing up or restoring ${database}, and it did not finish within ${seconds} s. Wait for it to finish (see \`ps -p <pid>\`) and run this again; if that process is gone, the lock is cleared automatically.`,
      ExitCode.failure,
    ),
  waitingForLock: (database: string, holder: string) => `Waiting for another dbsafe process (${printable(holder)}) to finish with ${printable(database)}…\n`,
  noBackups: (database: string | null) =>
    new DbsafeError(
      'no-backups',
      database
        ? `There is no backup of ${database} yet. Take one with \`dbsafe backup\`, or pass a backup id from \`dbsafe list\`.`
        : 'There are no backups yet. Take one with `dbsafe backup`.',
      ExitCode.failure,
    ),
  unknownBackup: (selector: string) =>
    new DbsafeError(
      'unknown-backup',
      `No backup matches "${printable(selector)}". Pass an id shown by \`dbsafe list\`, the path of a backup file that has its .json manifest beside it, or "latest".`,
      ExitCode.usage,
    ),
  noManifest: (file: string) =>
    new DbsafeError(
      'backup-without-manifest',
      `${printable(file)} has no valid dbsafe manifest beside it, so its checksum cannot be verified and dbsafe will not restore it. Restore a backup listed by \`dbsafe list\`, or copy the file together with its .json manifest.`,
      ExitCode.usage,
    ),
  fileMissing: (file: string) =>
    new DbsafeError(
      'backup-file-missing',
      `The backup file ${printable(file)} is missing although its manifest exists. Nothing was changed. Pick another backup from \`dbsafe list\`.`,
      ExitCode.failure,
    ),
  checksumMismatch: (file: string, expected: string, actual: string, sizes: string) =>
    new DbsafeError(
      'backup-corrupt',
      `The backup file ${printable(file)} is damaged: its sha256 is ${actual.slice(0, 12)}… but the manifest recorded ${expected.slice(0, 12)}… (${sizes}). Nothing was changed in the database. Pick another backup from \`dbsafe list\`.`,
      ExitCode.failure,
    ),
  engineMismatch: (id: string, backupEngine: string, targetEngine: string) =>
    new DbsafeError(
      'backup-engine-mismatch',
      `Backup ${printable(id)} is a ${backupEngine} backup, but the target database is ${targetEngine}. Nothing was changed. Restore a ${targetEngine} backup (see \`dbsafe list\`), or point dbsafe at the right database with --url.`,
      ExitCode.usage,
    ),
  noTarget: (detail?: string) =>
    new DbsafeError(
      'no-database',
      `${detail ? `${detail} ` : ''}No usable database is configured for this project. Set DATABASE_URL (or the DB_* variables) in the environment or .env, or pass --url.`,
      ExitCode.usage,
    ),
  needsYes: (what: string) =>
    new DbsafeError(
      'confirmation-needed',
      `${printable(what)} replaces the database's current contents and there is no terminal to confirm on. Pass --yes to confirm (a safety backup of the current state is taken first).`,
      ExitCode.refused,
    ),
  refusedByCheck: (
    operation: 'restore' | 'backup',
    database: string,
    verdict: { verdict: 'safe' | 'refused' | 'error'; reasons: ReadonlyArray<{ message: string; fix: string | null }> },
    exitCode: ExitCodeValue,
  ) => {
    const subject = `${operation === 'restore' ? 'Restore into' : 'Backup of'} ${database}`;
    const why =
      verdict.verdict === 'refused'
        ? `refused: ${operation === 'restore' ? "it replaces the database's contents" : 'dbsafe backs up development databases only'}, and \`dbsafe check\` does not judge this project safe`
        : 'did not start: dbsafe could not confirm the database is a development database';
    const tail = verdict.verdict === 'refused' ? '--yes does not override this; fix the cause above' : 'Fix the cause above';
    return new DbsafeError(
      `${operation}-refused`,
      `${subject} ${why}:\n${verdict.reasons.map((r) => `  - ${r.message}${r.fix ? ` ${r.fix}` : ''}`).join('\n')}\nNothing was changed. ${tail} (run \`dbsafe check\` for details).`,
      exitCode,
    );
  },
  outsideProject: (cwd: string) =>
    new DbsafeError(
      'outside-project',
      `${cwd} is not inside a project (no dbsafe.config.json, package.json or git repository in it or above it), so dbsafe has nowhere to keep the backup. Nothing was backed up. Run it from your project's directory, or create dbsafe.config.json (it may hold just {}) where the backups should live.`,
      ExitCode.usage,
    ),
  forgetNewestGood: (id: string, database: string) =>
    new DbsafeError(
      'forget-newest-backup',
      `${id} is the newest good backup of ${database}, and dbsafe never deletes that one. Nothing was deleted. Take a newer backup first (\`dbsafe backup\`), then forget this one.`,
      ExitCode.refused,
    ),
  declined: () => new DbsafeError('restore-declined', 'Restore cancelled; nothing was changed.', ExitCode.failure),
} as const;

/** Why `dbsafe list` keeps a backup, in a few words. */
export function keepReasonText(reason: KeepReason): string {
  switch (reason.why) {
    case 'newest':
      return `newest ${reason.count}`;
    case 'newest-good':
      return 'newest good backup';
    case 'before':
      return reason.kind === 'migration' ? 'newest before a migration, seed or reset' : `newest before a ${reason.kind} command`;
    case 'labelled':
      return `labelled "${reason.label}" (dbsafe forget ID removes it)`;
    case 'daily':
      return `newest of ${reason.day}`;
    case 'weekly':
      return `newest of week ${reason.week}`;
  }
}

/** The reasons to show for one backup: the newest-N reason only when nothing more specific applies. */
export function keptBecause(reasons: readonly KeepReason[]): string {
  if (reasons.length === 0) return 'deleted at the next rotation';
  const specific = reasons.filter((r) => r.why !== 'newest' && r.why !== 'newest-good');
  const shown = specific.length > 0 ? specific : [reasons.find((r) => r.why === 'newest') ?? reasons[0]!];
  return shown.map(keepReasonText).join('; ');
}

export const pruneMessages = {
  deleted: (id: string) => `deleted ${id}`,
  wouldDelete: (id: string) => `would delete ${id}`,
  nothing: (dir: string) => `Nothing to prune in ${dir}: every backup is kept (see \`dbsafe list\` for why).`,
  forgotten: (id: string) => `Deleted backup ${id}.`,
} as const;
