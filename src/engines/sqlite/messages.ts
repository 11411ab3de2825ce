import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { describeOrigin } from '../../target/describe.js';
import type { Target } from '../../target/types.js';
import { describeHolders, type FileHolder } from './holders.js';

/** Every message the SQLite engine shows: what happened, then how to fix it. */
export const sqliteMessages = {
  noSuchFile(target: Target): DbsafeError {
    return new DbsafeError(
      'sqlite-no-file',
      `The SQLite database ${target.database} (from ${describeOrigin(target.origin)}) does not exist, so there is nothing to back up. Create the database first, or correct the path in ${describeOrigin(target.origin)}.`,
      ExitCode.backupFailed,
    );
  },

  backupFailed(target: Target, detail: string): DbsafeError {
    if (/database is locked|busy/i.test(detail)) {
      return new DbsafeError(
        'sqlite-locked',
        `Another process kept ${target.database} locked for writing for too long, so no consistent copy could be read (${detail}). Finish or stop that process (a long migration, an open transaction) and back up again.`,
        ExitCode.backupFailed,
      );
    }
    return new DbsafeError(
      'sqlite-backup-failed',
      `sqlite3 could not back up ${target.database}: ${detail}. Check that the file is a SQLite database and readable by you, and that the backup directory has free space.`,
      ExitCode.backupFailed,
    );
  },

  notADatabase(file: string, reason: string): DbsafeError {
    return new DbsafeError(
      'sqlite-archive-invalid',
      `${file} is not a usable SQLite backup: ${reason}. It cannot be restored; pick another backup (dbsafe list) — a damaged or short file usually means the disk filled or the copy was interrupted.`,
    );
  },

  restoreFailed(target: Target, detail: string): DbsafeError {
    if (/database is locked|busy/i.test(detail)) {
      return new DbsafeError(
        'sqlite-locked',
        `Another process kept ${target.database} locked for writing, so the restore could not start (${detail}); the database was not changed. Stop the application or finish its transaction, then restore again.`,
      );
    }
    return new DbsafeError(
      'sqlite-restore-failed',
      `sqlite3 could not restore into ${target.database}: ${detail}. The restore runs as one transaction, so the database was left as it was. Check that the file and its directory are writable by you, then restore again.`,
    );
  },

  fileInUse(database: string, holders: readonly FileHolder[]): DbsafeError {
    return new DbsafeError(
      'sqlite-in-use',
      `${database} is open in ${describeHolders(holders)}, so it was not replaced (a process holding the old file would go on writing into it after the swap). The database was left as it was. Stop ${holders.length === 1 ? 'that process' : 'those processes'} (your app server, a sqlite3 shell, a database GUI), then run the command again.`,
    );
  },

  settleFailed(database: string, detail: string): DbsafeError {
    return new DbsafeError(
      'sqlite-in-use',
      `${database} could not be closed cleanly before it was replaced (${detail}), so it was left as it was. Stop whatever has it open (your app server, a sqlite3 shell, a database GUI), then run the command again.`,
    );
  },
};
