import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { describeLocation } from '../../target/describe.js';
import type { Target } from '../../target/types.js';

/** Messages of the MySQL/MariaDB snapshot adapter; each names the cause and the fix. */
export const mysqlSnapshotMessages = {
  remote: (target: Target) =>
    `the server ${describeLocation(target)} is not on this machine, and a snapshot would take that server's disk without anyone there knowing (allow it by running the database locally, or use --mode dump)`,
  noSchemaComments: (version: string) =>
    `the server (${version}) has no database comments to mark a snapshot database with (MariaDB 10.5 or later has them; MySQL does not)`,
  noPrivilege: (currentUser: string, missing: readonly string[]) => {
    const at = currentUser.lastIndexOf('@');
    const user = at < 0 ? `'${currentUser}'` : `'${currentUser.slice(0, at)}'@'${currentUser.slice(at + 1)}'`;
    return `user ${user} lacks the global privilege${missing.length === 1 ? '' : 's'} ${missing.join(', ')} a snapshot needs (it creates a database beside this one and copies tables, views, triggers, routines and events into it); grant them with GRANT ${missing.join(', ')} ON *.* TO ${user}`;
  },
  sourceMissing: (target: Target, database: string) =>
    new DbsafeError(
      'snapshot-missing',
      `The database ${database} is not on ${describeLocation(target)} (or is not a complete snapshot). Nothing was touched; restore a file backup from \`dbsafe list\` instead.`,
      ExitCode.failure,
    ),
  copyFailed: (target: Target, database: string, detail: string) =>
    new DbsafeError(
      'snapshot-copy-failed',
      `Copying ${database} on ${describeLocation(target)} into a snapshot failed (${detail}). Nothing was changed in ${database} and the partial copy was dropped. If another session held a table locked, let it finish and try again, or use --mode dump.`,
      ExitCode.failure,
    ),
} as const;
