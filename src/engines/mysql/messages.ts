import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { describeLocation, describeOrigin } from '../../target/describe.js';
import type { Target } from '../../target/types.js';

/** Privileges that let a user create objects for another DEFINER: MariaDB's SET USER, MySQL's SET_USER_ID and SET_ANY_DEFINER (SUPER in both, older). */
const DEFINER_PRIVILEGES = /SET USER|SET_USER_ID|SET_ANY_DEFINER/i;

/**
 * A dump whose views, routines, triggers or events belong to another user
 * (`DEFINER=root@…`) loads only for a user allowed to create objects for
 * others. The server names the privileges it wants (error 1227), or the
 * definer that does not exist on this server (error 1449). Pure.
 */
export function definerProblem(detail: string): { kind: 'privilege'; privileges: string[]; definer: string | null } | { kind: 'missing-user'; definer: string } | null {
  const missing = /The user specified as a definer \(([^)]*)\) does not exist/i.exec(detail);
  if (missing) return { kind: 'missing-user', definer: missing[1]! };
  const wanted = /you need \(at least one of\) the (.+?) privilege\(s\)/i.exec(detail);
  if (!wanted) return null;
  const definer = /DEFINER\s*=\s*(`[^`]*`@`[^`]*`|'[^']*'@'[^']*'|\S+@\S+)/i.exec(detail)?.[1] ?? null;
  if (!DEFINER_PRIVILEGES.test(wanted[1]!) && definer === null) return null;
  return { kind: 'privilege', privileges: wanted[1]!.split(/\s*,\s*|\s+or\s+/i), definer };
}

function serverError(detail: string): string {
  return /ERROR \d+ \([0-9A-Z]+\)[^\n]*/.exec(detail)?.[0].trim().replace(/\s+-+\s*$/, '') ?? detail;
}

/** The message for a DEFINER the loading user cannot recreate, or null when `detail` is another failure. */
function definerRefused(target: Target, detail: string, afterwards: string): DbsafeError | null {
  const problem = definerProblem(detail);
  if (!problem) return null;
  const user = target.user ?? '(default)';
  const where = describeLocation(target);
  if (problem.kind === 'missing-user') {
    return new DbsafeError(
      'mysql-definer-missing',
      `The backup has views, routines, triggers or events owned by ${problem.definer}, a user that does not exist on ${where} (${serverError(detail)}). ${afterwards} Create that user on this server (CREATE USER ${problem.definer} …), or restore on the server the backup came from.`,
    );
  }
  const grantable = problem.privileges.find((p) => DEFINER_PRIVILEGES.test(p)) ?? problem.privileges[0] ?? 'SET USER';
  return new DbsafeError(
    'mysql-definer-privilege',
    `The backup has views, routines, triggers or events owned by another user (DEFINER=${problem.definer ?? 'another user'}), and user "${user}" may not create objects for another user on ${where}: that needs the ${problem.privileges.join(' or ')} privilege (${serverError(detail)}). It is a privilege of the restoring user, not a problem of the server version or of the backup. ${afterwards} Run it as a user that has the privilege (the one that took the backup, or root), or grant it: GRANT ${grantable} ON *.* TO '${target.user ?? 'user'}'@'%'; (MariaDB calls it SET USER, SUPER before 10.5.2; MySQL SET_USER_ID, SET_ANY_DEFINER from 8.2).`,
  );
}

/** Every message the MySQL/MariaDB engine shows: what happened, then how to fix it. */
export const mysqlMessages = {
  clientFailed(target: Target, during: string, detail: string): DbsafeError {
    const where = describeLocation(target);
    const origin = describeOrigin(target.origin);
    if (/Access denied for user .*\(using password/i.test(detail)) {
      return new DbsafeError(
        'mysql-access-denied',
        `The MySQL/MariaDB server at ${where} refused user "${target.user ?? '(default)'}" while ${during}: ${detail}. Check the user name and password in ${origin}, and that the user may use database "${target.database}".`,
      );
    }
    if (/Access denied|command denied|insufficient privileges|you need \(at least one of\)/i.test(detail)) {
      return new DbsafeError(
        'mysql-privileges',
        `User "${target.user ?? '(default)'}" lacks a privilege dbsafe needs while ${during} on ${where}: ${detail}. Grant it; verifying and restoring also create scratch databases, for example: GRANT ALL ON \`dbsafe\\_verify\\_%\`.* TO '${target.user ?? 'user'}'@'%'.`,
      );
    }
    if (/Unknown database/i.test(detail)) {
      return new DbsafeError(
        'mysql-unknown-database',
        `Database "${target.database}" does not exist on ${where} (${detail}). Create it, or point ${origin} at an existing database.`,
      );
    }
    if (/Can't connect|Unknown (MySQL|MariaDB) server host|Lost connection|Connection refused/i.test(detail)) {
      return new DbsafeError('mysql-unreachable', `The MySQL/MariaDB server at ${where} cannot be reached (${detail}). Start the server, or correct the host and port in ${origin}.`);
    }
    return new DbsafeError('mysql-client-failed', `The MySQL/MariaDB client failed while ${during} on ${where}: ${detail}. Fix the cause the server gave and run the command again.`);
  },

  noDatabaseName(target: Target): DbsafeError {
    return new DbsafeError(
      'mysql-no-database',
      `The MySQL/MariaDB target from ${describeOrigin(target.origin)} names no database, so there is nothing to back up or restore. Add the database name to it (mysql://user@host:3306/app_dev).`,
      ExitCode.usage,
    );
  },

  clientOlderThanServer(program: { name: string; version: string; flavour: string }, server: { version: string; flavour: string }): string {
    const serverName = `${server.flavour === 'mariadb' ? 'MariaDB' : 'MySQL'} ${server.version}`;
    return `${program.name} ${program.version} (${program.flavour === 'mariadb' ? 'MariaDB' : 'MySQL'}) does not match the server, ${serverName}. Install the client of the server's release, or run the server in a container: dbsafe then uses the tools inside it.`;
  },

  dumpFailed(tool: string, detail: string): DbsafeError {
    return new DbsafeError(
      'mysql-dump-failed',
      `${tool} did not finish the backup: ${detail}. The partial file was removed. Fix the cause above (privileges such as EVENT, SHOW VIEW and TRIGGER are needed for a full dump) and run the backup again.`,
      ExitCode.backupFailed,
    );
  },

  notADump(file: string, reason: string): DbsafeError {
    return new DbsafeError(
      'mysql-archive-invalid',
      `${file} is not a complete MySQL/MariaDB dump: ${reason}. It cannot be restored; pick another backup (dbsafe list) — a dump cut short usually means the disk filled or the backup was interrupted.`,
    );
  },

  scratchLoadFailed(target: Target, detail: string): DbsafeError {
    const definer = definerRefused(target, detail, `The restore stopped in a scratch database, so "${target.database}" was not touched.`);
    if (definer) return definer;
    return new DbsafeError(
      'mysql-restore-refused',
      `The backup did not load into a scratch database on ${describeLocation(target)} (${detail}), so "${target.database}" was not touched. This server cannot load that dump as it is: restore an older backup (dbsafe list), or use a server of the version that wrote it.`,
    );
  },

  verifyLoadFailed(target: Target, detail: string): DbsafeError {
    const definer = definerRefused(target, detail, 'The test restore could not run, so the backup is neither proven good nor bad.');
    if (definer) return definer;
    return new DbsafeError(
      'mysql-verify-failed',
      `The backup did not load into a scratch database on ${describeLocation(target)} (${detail}), so it cannot be trusted for a restore on this server. Take a new backup (dbsafe backup) and keep this one only as a last resort.`,
    );
  },

  swapFailed(target: Target, detail: string): DbsafeError {
    return new DbsafeError(
      'mysql-restore-incomplete',
      `Swapping the restored tables into "${target.database}" failed (${detail}). The tables were not exchanged (RENAME TABLE is all-or-nothing), but the triggers and views of "${target.database}" may already be dropped. If another session held a table locked, let it finish, then restore again — the safety backup dbsafe took just before the restore is the newest one in dbsafe list.`,
    );
  },

  targetLoadFailed(target: Target, detail: string): DbsafeError {
    const definer = definerRefused(target, detail, `The restored tables are in "${target.database}", but its triggers, routines, events or views are not: restore again once this is fixed (the safety backup taken just before is the newest in dbsafe list).`);
    if (definer) return definer;
    return new DbsafeError(
      'mysql-restore-incomplete',
      `The restored tables are in "${target.database}", but creating its triggers, routines, events or views failed (${detail}): "${target.database}" is only partly restored. Fix the cause and restore again — the safety backup dbsafe took just before the restore is the newest one in dbsafe list.`,
    );
  },
};
