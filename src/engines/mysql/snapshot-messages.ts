import { userInfo } from 'node:os';
import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { describeLocation } from '../../target/describe.js';
import type { Target } from '../../target/types.js';

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

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
  rowsCopied: (why: string) =>
    `${why}, so a snapshot would copy the rows (INSERT … SELECT under LOCK TABLES … READ): slower than mariadb-dump, and writers wait until it is done`,
  rowsAskedFor: 'DBSAFE_MYSQL_SNAPSHOT_COPY=logical asks for rows to be copied instead of the tables\' files',
  dataDirectoryRemote: "the server is not on this machine, so dbsafe cannot copy the tables' files in its data directory",
  dataDirectoryInContainer: "the server's data directory is inside a container, where dbsafe cannot copy the tables' files",
  dataDirectoryUnknown: 'the server does not say where its data directory is',
  dataDirectoryUnwritable: (dir: string, code: string) =>
    `dbsafe runs as ${currentUser()}, which cannot write the server's data directory ${dir} (${code}; the server's own user, or root, can)`,
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
