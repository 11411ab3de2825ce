import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import type pg from 'pg';
import type { Target } from '../../target/types.js';
import { pgToolFileFor } from './binaries.js';
import { libpqEnvironment, quoteIdent, quoteLiteral, withConnection, withMaintenanceConnection } from './connection.js';
import { postgresMessages } from './messages.js';
import { processStartTime, recordScratchDatabase, scratchRecordFile } from '../scratch-database.js';

export interface ServerVersion {
  major: number;
  /** "15.20" */
  version: string;
}

async function readServerVersion(client: pg.Client): Promise<ServerVersion> {
  const result = await client.query<{ num: string; version: string }>(
    "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version",
  );
  const row = result.rows[0]!;
  return { major: Math.floor(Number(row.num) / 10000), version: row.version.split(' ')[0]! };
}

/** Asked of the target database itself, so a wrong name or password fails here with a clear message. */
export function serverVersionOf(target: Target): Promise<ServerVersion> {
  return withConnection(target, target.database, readServerVersion);
}

/** Asked of the maintenance database: a restore may recreate a target that no longer exists. */
export function serverVersionOfServer(target: Target): Promise<ServerVersion> {
  return withMaintenanceConnection(target, readServerVersion);
}

/**
 * CREATE DATABASE `name`, empty (template0), with the encoding and locale of
 * `like` when it exists, so text sorts and compares as it did.
 */
export async function createDatabaseLike(target: Target, name: string, like: string | null): Promise<void> {
  await withMaintenanceConnection(target, async (client) => {
    const source = like
      ? (await client.query<{ encoding: string; collate: string; ctype: string }>(
          'SELECT pg_encoding_to_char(encoding) AS encoding, datcollate AS collate, datctype AS ctype FROM pg_database WHERE datname = $1',
          [like],
        )).rows[0]
      : undefined;
    const options = source
      ? ` ENCODING ${quoteLiteral(source.encoding)} LC_COLLATE ${quoteLiteral(source.collate)} LC_CTYPE ${quoteLiteral(source.ctype)}`
      : '';
    await client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0${options}`);
  });
}

export async function dropDatabase(target: Target, name: string): Promise<void> {
  await withMaintenanceConnection(target, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/**
 * Drop `name` from a detached `dropdb`, without waiting for it. On PostgreSQL
 * 15 and older DROP DATABASE forces an immediate checkpoint, and right after a
 * restore that checkpoint writes out the whole restored database (about 1 s
 * per 500 MB) although the restore is already complete. The copy dropped here
 * is unreachable (renamed, connections refused). Its scratch record passes to
 * the detached process, which forgets it once the drop succeeded; if the
 * drop fails, the record's owner is gone and the next restore or verify on
 * this server drops it. When dropdb cannot be started the drop happens here.
 */
export async function dropDatabaseInBackground(target: Target, name: string, server: ServerVersion): Promise<void> {
  const dropdb = await pgToolFileFor('dropdb', server).catch(() => null);
  const record = scratchRecordFile(target, name);
  if (dropdb) {
    // The password travels in a private password file (libpqEnvironment), never in the arguments or the
    // environment; dropdb outlives this call, so the shell removes that file once dropdb has finished. It
    // waits for one line on stdin: by then the scratch record names it as the owner, so a run in between
    // does not take the database for one left behind.
    const prepared = libpqEnvironment(target, 'postgres');
    const script = 'read _; "$0" --if-exists --force --no-password "$1"; status=$?; [ "$status" -ne 0 ] || rm -f "$2"; [ -z "$DBSAFE_PASSFILE_DIR" ] || rm -rf -- "$DBSAFE_PASSFILE_DIR"; exit $status';
    const child = spawn('/bin/sh', ['-c', script, dropdb, name, record], {
      env: { ...process.env, ...prepared.env, DBSAFE_PASSFILE_DIR: prepared.passfileDir ?? '' },
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    // The error listener stays attached: an error after the spawn must not crash dbsafe.
    const started = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.on('error', () => resolve(false));
    });
    if (started && child.pid !== undefined) {
      prepared.handOver();
      recordScratchDatabase(target, name, 'restore: the database it replaced, being dropped', { pid: child.pid, processStart: processStartTime(child.pid) });
      child.stdin?.end('\n');
      child.unref();
      return;
    }
    prepared.remove();
  }
  await dropDatabase(target, name);
  rmSync(record, { force: true });
}

/**
 * Database-level settings (ALTER DATABASE … SET, e.g. the dbsafe.environment
 * marker) belong to the database, not to its dump: carry the current ones
 * over to the restored copy so a restore never erases a marker.
 */
export async function carryDatabaseSettings(client: pg.Client, from: string, to: string): Promise<void> {
  const settings = await client.query<{ role: string | null; setconfig: string[] }>(
    `SELECT r.rolname AS role, s.setconfig FROM pg_db_role_setting s
     JOIN pg_database d ON d.oid = s.setdatabase LEFT JOIN pg_roles r ON r.oid = s.setrole WHERE d.datname = $1`,
    [from],
  );
  for (const row of settings.rows) {
    for (const entry of row.setconfig) {
      const at = entry.indexOf('=');
      const name = entry.slice(0, at).split('.').map(quoteIdent).join('.');
      const subject = row.role ? `ROLE ${quoteIdent(row.role)} IN DATABASE ${quoteIdent(to)}` : `DATABASE ${quoteIdent(to)}`;
      await client.query(`ALTER ${subject} SET ${name} = ${quoteLiteral(entry.slice(at + 1))}`);
    }
  }
}

/**
 * Put `incoming` in the place of the existing database `live`, which becomes
 * `retired`: settings carried over, sessions on `live` ended and new ones
 * refused, then both renames (and `alsoInTransaction`) in one transaction, so
 * the name always points at a whole database; retried while a session slips
 * in. Null when done, else the last error (`live` accepts connections again).
 */
export async function swapDatabaseNames(
  client: pg.Client,
  names: { live: string; incoming: string; retired: string },
  alsoInTransaction: () => Promise<void> = async () => undefined,
): Promise<string | null> {
  const { live, incoming, retired } = names;
  await carryDatabaseSettings(client, live, incoming);
  await client.query(`ALTER DATABASE ${quoteIdent(live)} ALLOW_CONNECTIONS false`);
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [live]);
    try {
      await client.query('BEGIN');
      await client.query(`ALTER DATABASE ${quoteIdent(live)} RENAME TO ${quoteIdent(retired)}`);
      await client.query(`ALTER DATABASE ${quoteIdent(incoming)} RENAME TO ${quoteIdent(live)}`);
      await alsoInTransaction();
      await client.query('COMMIT');
      return null;
    } catch (error) {
      lastError = error;
      await client.query('ROLLBACK').catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
    }
  }
  await client.query(`ALTER DATABASE ${quoteIdent(live)} ALLOW_CONNECTIONS true`).catch(() => undefined);
  return lastError instanceof Error ? lastError.message : String(lastError);
}

/**
 * Give the restored database `staging` the target's name. Sessions on the
 * target are ended and new ones refused first; both renames happen in one
 * transaction, so the name always points at a whole database (with the
 * old one's `retiredComment`, when given, in the same transaction). Returns
 * the name the old database now has, or null when there was none.
 */
export async function swapInRestoredDatabase(target: Target, staging: string, retired: string, retiredComment?: string): Promise<string | null> {
  return withMaintenanceConnection(target, async (client) => {
    const exists = (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.database])).rowCount === 1;
    if (!exists) {
      await client.query(`ALTER DATABASE ${quoteIdent(staging)} RENAME TO ${quoteIdent(target.database)}`);
      return null;
    }
    const comment = async () => {
      if (retiredComment !== undefined) await client.query(`COMMENT ON DATABASE ${quoteIdent(retired)} IS ${quoteLiteral(retiredComment)}`);
    };
    const failure = await swapDatabaseNames(client, { live: target.database, incoming: staging, retired }, comment);
    if (failure === null) return retired;
    throw postgresMessages.swapFailed(target, failure);
  });
}
