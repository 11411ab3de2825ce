import { statfs } from 'node:fs/promises';
import type pg from 'pg';
import type { BlockingSession, SnapshotFacts, SnapshotOps } from '../types.js';
import type { Target } from '../../target/types.js';
import { pgToolFileFor } from './binaries.js';
import { countTablesOn } from './archive.js';
import { connect, libpqEnvironment, quoteIdent, quoteLiteral, withMaintenanceConnection } from './connection.js';
import { dropDatabaseInBackground, serverVersionOfServer, swapDatabaseNames, type ServerVersion } from './databases.js';
import { postgresSnapshotMessages } from './snapshot-messages.js';
import { scratchRecordFile } from '../scratch-database.js';
import { shellCopy, startDetachedCopy } from '../standby-copy.js';

/** PostgreSQL 15 chose WAL_LOG by default; FILE_COPY is faster for a whole database (NOTES.md: 2.2 s against 3.7 s for 456 MB). */
function copyStatement(server: ServerVersion, from: string, to: string): string {
  const strategy = server.major >= 15 ? ' STRATEGY FILE_COPY' : '';
  return `CREATE DATABASE ${quoteIdent(to)} TEMPLATE ${quoteIdent(from)}${strategy} ALLOW_CONNECTIONS false`;
}

async function describeMethod(client: pg.Client, server: ServerVersion): Promise<string> {
  if (server.major < 15) return 'CREATE DATABASE … TEMPLATE';
  // PostgreSQL 18 can clone files (reflinks) for FILE_COPY where the filesystem allows.
  const clone = await client.query<{ method: string | null }>("SELECT current_setting('file_copy_method', true) AS method");
  return clone.rows[0]?.method === 'clone' ? 'CREATE DATABASE … TEMPLATE, STRATEGY FILE_COPY (file_copy_method = clone)' : 'CREATE DATABASE … TEMPLATE, STRATEGY FILE_COPY';
}

async function mark(client: pg.Client, name: string, marker: string): Promise<void> {
  await client.query(`COMMENT ON DATABASE ${quoteIdent(name)} IS ${quoteLiteral(marker)}`);
}

/** "source database … is being accessed by other users": a session arrived between the check and the copy. */
function sourceBusy(error: unknown): boolean {
  return (error as { code?: string }).code === '55006';
}

async function sessionsOn(client: pg.Client, database: string): Promise<BlockingSession[]> {
  const rows = await client.query<{ pid: number; application: string; client: string | null; since: Date | null }>(
    `SELECT pid, application_name AS application, client_addr::text AS client, backend_start AS since
     FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() ORDER BY backend_start`,
    [database],
  );
  return rows.rows.map((row) => ({
    id: String(row.pid),
    application: row.application || '(no application name)',
    client: row.client ?? 'local socket',
    since: row.since ? row.since.toISOString() : null,
  }));
}

/**
 * Make `to` from `from` in a detached psql, so the caller does not wait. The
 * name is recorded with the shell's pid as its owner: if it dies before the
 * copy committed, the next run drops whatever is left. Once psql has finished
 * the shell removes the record either way: a copy that committed belongs to
 * its snapshot, and a CREATE DATABASE that failed made nothing (it may have
 * failed because another dbsafe's copy of the same name got there first,
 * which must not then be taken for a leftover).
 */
async function copyInBackground(target: Target, psql: string, server: ServerVersion, from: string, to: string, marker: string): Promise<boolean> {
  const prepared = libpqEnvironment(target, 'postgres');
  const record = scratchRecordFile(target, to);
  const script =
    '"$0" --no-psqlrc --quiet --no-password -v ON_ERROR_STOP=1 -d postgres -c "$1" -c "$2" >/dev/null; status=$?; rm -f "$3"; [ -z "$DBSAFE_PASSFILE_DIR" ] || rm -rf -- "$DBSAFE_PASSFILE_DIR"; exit $status';
  const args = [psql, copyStatement(server, from, to), `COMMENT ON DATABASE ${quoteIdent(to)} IS ${quoteLiteral(marker)}`, record];
  const env = { ...process.env, ...prepared.env, PGDATABASE: 'postgres', DBSAFE_PASSFILE_DIR: prepared.passfileDir ?? '' };
  return startDetachedCopy(target, to, shellCopy(script, args, env), prepared);
}

/**
 * Rows per table of snapshot `name`, counted on one connection of dbsafe's
 * own while nobody else can use it. A database refusing connections cannot
 * be read at all, so for the moment this connection opens: CONNECT is
 * revoked from PUBLIC (it stays revoked: a template copy does not inherit
 * it, so restores are unaffected), connections are allowed, dbsafe
 * connects, and connections are refused again — in that order, the window
 * is the milliseconds of one connection start, and only the snapshot's
 * owner (dbsafe's own user) or a superuser could use it. Any other session
 * found on it afterwards is ended before counting, and the count runs in
 * one read-only repeatable-read transaction. A copy to count would be safe
 * too, but costs a whole copy of the database each time.
 */
async function countSnapshotRows(target: Target, name: string): Promise<Record<string, number>> {
  const client = await withMaintenanceConnection(target, async (maintenance) => {
    await maintenance.query('BEGIN');
    await maintenance.query(`REVOKE CONNECT ON DATABASE ${quoteIdent(name)} FROM PUBLIC`);
    await maintenance.query(`ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS true`);
    await maintenance.query('COMMIT');
    let own: pg.Client;
    try {
      own = await connect(target, name);
    } finally {
      await maintenance.query(`ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS false`);
    }
    try {
      const ownPid = (await own.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const others = await maintenance.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> $2', [name, ownPid]);
      for (const other of others.rows) await maintenance.query('SELECT pg_terminate_backend($1::int)', [other.pid]);
    } catch (error) {
      await own.end().catch(() => undefined);
      throw error;
    }
    return own;
  });
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const counts = await countTablesOn(client);
    await client.query('COMMIT');
    return Object.fromEntries(counts.tables.map((table) => [table.name, table.rows]));
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const snapshot: SnapshotOps = {
  async unavailable(target) {
    return withMaintenanceConnection(target, async (client) => {
      const row = await client.query<{ allowed: boolean; user: string }>(
        `SELECT r.rolsuper OR (r.rolcreatedb AND d.datdba = r.oid) AS allowed, r.rolname AS user
         FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = $1`,
        [target.database],
      );
      const first = row.rows[0];
      if (!first) return null; // No such database: the file backup path says so in its own words.
      return first.allowed ? null : postgresSnapshotMessages.noPrivilege(first.user);
    });
  },

  blockingSessions: (target) => withMaintenanceConnection(target, (client) => sessionsOn(client, target.database)),

  async terminateSessions(target, sessions) {
    await withMaintenanceConnection(target, async (client) => {
      for (const session of sessions) await client.query('SELECT pg_terminate_backend($1::int)', [Number(session.id)]);
      // pg_terminate_backend returns before the backend is gone: wait until none is left (bounded).
      for (let attempt = 0; attempt < 50 && (await sessionsOn(client, target.database)).some((s) => sessions.some((t) => t.id === s.id)); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
  },

  async create(target, name, marker): Promise<SnapshotFacts> {
    const server = await serverVersionOfServer(target);
    return withMaintenanceConnection(target, async (client) => {
      try {
        await client.query(copyStatement(server, target.database, name));
      } catch (error) {
        if (sourceBusy(error)) throw postgresSnapshotMessages.sourceBusy(target);
        throw error;
      }
      await mark(client, name, marker);
      const size = await client.query<{ size: string }>('SELECT pg_database_size($1) AS size', [name]);
      // The snapshot exists now: a count that fails leaves verify a presence check, never a snapshot without its manifest.
      const tableRows = await countSnapshotRows(target, name).catch(() => undefined);
      return { method: await describeMethod(client, server), serverVersion: `PostgreSQL ${server.version}`, sizeBytes: Number(size.rows[0]!.size), ...(tableRows ? { tableRows } : {}) };
    });
  },

  async copy(target, from, to, marker) {
    const server = await serverVersionOfServer(target);
    await withMaintenanceConnection(target, async (client) => {
      await client.query(copyStatement(server, from, to));
      await mark(client, to, marker);
    });
  },

  async prepareCopyInBackground(target, from, to, marker) {
    const server = await serverVersionOfServer(target);
    const psql = await pgToolFileFor('psql', server).catch(() => null);
    return async () => (psql ? copyInBackground(target, psql, server, from, to, marker) : false);
  },

  async swapIn(target, standby, safetyCopy, marker) {
    await withMaintenanceConnection(target, async (client) => {
      const live = (await client.query<{ owner: string }>('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [target.database])).rows[0];
      if (!live) {
        await client.query(`ALTER DATABASE ${quoteIdent(standby)} RENAME TO ${quoteIdent(target.database)}`);
        await client.query(`ALTER DATABASE ${quoteIdent(target.database)} ALLOW_CONNECTIONS true`);
        await client.query(`COMMENT ON DATABASE ${quoteIdent(target.database)} IS NULL`);
        return;
      }
      // Database-level settings (the dbsafe.environment marker) are not copied by a template copy: swapDatabaseNames carries them.
      // In the same transaction the new live database takes the old one's owner and opens, and the safety copy is marked as it appears.
      const failure = await swapDatabaseNames(client, { live: target.database, incoming: standby, retired: safetyCopy }, async () => {
        await client.query(`ALTER DATABASE ${quoteIdent(target.database)} OWNER TO ${quoteIdent(live.owner)}`);
        await client.query(`ALTER DATABASE ${quoteIdent(target.database)} ALLOW_CONNECTIONS true`);
        await client.query(`COMMENT ON DATABASE ${quoteIdent(target.database)} IS NULL`);
        await mark(client, safetyCopy, marker);
      });
      if (failure === null) return;
      throw postgresSnapshotMessages.swapFailed(target, failure);
    });
  },

  async openForReading(target, name) {
    await withMaintenanceConnection(target, (client) => client.query(`ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS true`));
  },

  async room(target) {
    return withMaintenanceConnection(target, async (client) => {
      const size = await client.query<{ size: string }>('SELECT pg_database_size($1) AS size', [target.database]);
      const databaseBytes = Number(size.rows[0]?.size ?? 0);
      // Readable only for a superuser (or pg_read_all_settings) on a server whose files are on this machine.
      const dir = await client.query<{ dir: string | null }>("SELECT current_setting('data_directory', true) AS dir").catch(() => null);
      const where = dir?.rows[0]?.dir;
      const stats = where ? await statfs(where).catch(() => null) : null;
      return { freeBytes: stats ? stats.bavail * stats.bsize : null, databaseBytes };
    });
  },

  exists: (target, name) =>
    withMaintenanceConnection(target, async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1),

  tableRows: countSnapshotRows,

  async drop(target, name) {
    const server = await serverVersionOfServer(target);
    // DROP DATABASE forces a checkpoint on PostgreSQL 15 and older: off the caller's path, as after a restore.
    await dropDatabaseInBackground(target, name, server);
  },
};
