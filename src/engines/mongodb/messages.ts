import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { describeLocation, describeOrigin } from '../../target/describe.js';
import type { Target } from '../../target/types.js';

/** Every message the MongoDB engine shows: what happened, then how to fix it. */
export const mongoMessages = {
  noDatabaseName(target: Target): DbsafeError {
    return new DbsafeError(
      'mongodb-no-database',
      `The MongoDB connection string from ${describeOrigin(target.origin)} names no database, so dbsafe does not know what to back up or restore. Add it to the path: mongodb://user@host:27017/app_dev.`,
      ExitCode.usage,
    );
  },

  toolFailed(target: Target, tool: string, during: string, detail: string, exitCode: 1 | 4 = ExitCode.failure): DbsafeError {
    const where = describeLocation(target);
    const origin = describeOrigin(target.origin);
    if (/Authentication failed|AuthenticationFailed|auth error|Unauthorized/i.test(detail)) {
      return new DbsafeError(
        'mongodb-auth',
        `The MongoDB server at ${where} refused user "${target.user ?? '(none)'}" while ${during} (${tool}: ${detail}). Check the user name, password and authSource in ${origin}.`,
        exitCode,
      );
    }
    if (/server selection|no reachable servers|connection refused|timed out|connect/i.test(detail)) {
      return new DbsafeError('mongodb-unreachable', `The MongoDB server at ${where} cannot be reached while ${during} (${tool}: ${detail}). Start the server, or correct the host and port in ${origin}.`, exitCode);
    }
    return new DbsafeError('mongodb-tool-failed', `${tool} failed while ${during} on ${where}: ${detail}. Fix the cause the tool gave and run the command again.`, exitCode);
  },

  notAnArchive(file: string, reason: string): DbsafeError {
    return new DbsafeError(
      'mongodb-archive-invalid',
      `${file} is not a complete mongodump archive: ${reason}. It cannot be restored; pick another backup (dbsafe list) — an archive cut short usually means the disk filled or the backup was interrupted.`,
    );
  },

  scratchLoadFailed(target: Target, detail: string): DbsafeError {
    return new DbsafeError(
      'mongodb-restore-refused',
      `The archive did not load into a scratch database on ${describeLocation(target)} (${detail}), so "${target.database}" was not touched. Restore an older backup (dbsafe list), or use a server of the version that wrote this one.`,
    );
  },

  verifyLoadFailed(target: Target, detail: string): DbsafeError {
    return new DbsafeError(
      'mongodb-verify-failed',
      `The archive did not load into a scratch database on ${describeLocation(target)} (${detail}), so it cannot be trusted for a restore. Take a new backup (dbsafe backup) and keep this one only as a last resort.`,
    );
  },

  targetLoadFailed(target: Target, detail: string): DbsafeError {
    return new DbsafeError(
      'mongodb-restore-incomplete',
      `Restoring into "${target.database}" failed part-way (${detail}), after the archive had loaded completely into a scratch database: "${target.database}" is now only partly restored. Fix the cause and restore again — the safety backup dbsafe took just before is the newest one in dbsafe list.`,
    );
  },
};
