import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { describeLocation } from '../../target/describe.js';
import type { Target } from '../../target/types.js';

/** Messages of the PostgreSQL snapshot adapter; each names the cause and the fix. */
export const postgresSnapshotMessages = {
  noPrivilege: (user: string) =>
    `user "${user}" may not copy this database on the server (it needs to be a superuser, or own the database and have CREATEDB)`,
  sourceBusy: (target: Target) =>
    new DbsafeError(
      'snapshot-source-busy',
      `A session connected to ${target.database} on ${describeLocation(target)} while dbsafe copied it, and PostgreSQL refuses to copy a database in use. Close it, or pass --terminate-connections.`,
      ExitCode.failure,
    ),
  missing: (target: Target, name: string) =>
    new DbsafeError(
      'snapshot-missing',
      `The snapshot database ${name} is no longer on ${describeLocation(target)} (dropped by hand, or the server was rebuilt). Snapshots live on the server and do not survive losing it; restore a file backup from \`dbsafe list\` instead.`,
      ExitCode.failure,
    ),
  swapFailed: (target: Target, reason: string) =>
    new DbsafeError(
      'snapshot-swap-failed',
      `The snapshot could not take the place of ${target.database} on ${describeLocation(target)}: ${reason}. The database was left as it was. Close the applications connected to it and run the command again.`,
      ExitCode.failure,
    ),
} as const;
