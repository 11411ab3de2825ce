import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { isDbsafeError } from '../../errors.js';
import { liveErrors } from '../../safety/live-messages.js';
import type { Target } from '../../target/types.js';
import type { EnvironmentMarker, LiveOps, ServerFacts } from '../types.js';

/**
 * Where the marker lives. MariaDB 10.5+ stores it in the database COMMENT
 * (ALTER DATABASE … COMMENT): a dump without --databases writes no CREATE
 * DATABASE statement, so it does not carry the comment into another database.
 * MySQL has no database comment: there the marker is a one-row table,
 * which a dump does carry (documented in README; re-mark after restoring).
 */
export const MARKER_TABLE = 'dbsafe_environment';
const MARKER_IN_COMMENT = /dbsafe\.environment=(production|development)/;
const CONNECT_TIMEOUT_MS = 5000;

export type MarkerStore = 'comment' | 'table';

/** MariaDB from 10.5 has database comments; anything else (MySQL, older MariaDB) gets the table. Pure. */
export function markerStoreFor(serverVersion: string): MarkerStore {
  const mariadb = /^(\d+)\.(\d+)\.\d+.*MariaDB/i.exec(serverVersion);
  if (!mariadb) return 'table';
  const [major, minor] = [Number(mariadb[1]), Number(mariadb[2])];
  return major > 10 || (major === 10 && minor >= 5) ? 'comment' : 'table';
}

/** The comment with dbsafe's marker set, keeping whatever else the comment said. Pure. */
export function commentWithMarker(comment: string, marker: EnvironmentMarker): string {
  const stamp = `dbsafe.environment=${marker}`;
  if (MARKER_IN_COMMENT.test(comment)) return comment.replace(MARKER_IN_COMMENT, stamp);
  return comment.trim() === '' ? stamp : `${comment.trim()}; ${stamp}`;
}

function sslOption(target: Target): mysql.ConnectionOptions['ssl'] {
  const mode = target.tls.mode?.toLowerCase();
  if (!mode || mode === 'disabled' || mode === 'false' || mode === 'preferred') return undefined;
  const verify = mode === 'verify_ca' || mode === 'verify_identity' || mode === 'verify-ca' || mode === 'verify-full';
  return { rejectUnauthorized: verify, ca: target.tls.rootCert ? readFileSync(target.tls.rootCert, 'utf8') : undefined };
}

function translate(target: Target, error: unknown): Error {
  if (isDbsafeError(error)) return error;
  const { code, message } = error as { code?: string; message?: string };
  const detail = code ? `${code}: ${message}` : (message ?? String(error));
  if (code === 'ER_BAD_DB_ERROR') return liveErrors.missingDatabase(target);
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR' || code === 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR') return liveErrors.authentication(target, code);
  if (code === 'ER_TABLEACCESS_DENIED_ERROR' || code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR') return liveErrors.markerPermission(target, detail);
  if (code && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENOENT|ECONNRESET|PROTOCOL_CONNECTION_LOST)$/.test(code)) return liveErrors.unreachable(target, code);
  return liveErrors.other(target, detail);
}

/** A driver connection to `target`'s server; `database` null: none chosen (the snapshot adapter names every object in full). */
export async function openConnection(target: Target, options: { database?: string | null; multipleStatements?: boolean } = {}): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection({
      host: target.socket ? undefined : (target.host ?? 'localhost'),
      socketPath: target.socket,
      port: target.port,
      user: target.user ?? 'root',
      password: target.password,
      database: options.database === null ? undefined : (options.database ?? target.database),
      ssl: sslOption(target),
      connectTimeout: CONNECT_TIMEOUT_MS,
      multipleStatements: options.multipleStatements ?? false,
      // dbsafe's queries are many, small and mostly of a shape seen once: a row parser generated and compiled for each costs more than it saves.
      disableEval: true,
    });
  } catch (error) {
    throw translate(target, error);
  }
}

async function withConnection<T>(target: Target, work: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  let connection: mysql.Connection | undefined;
  try {
    connection = await openConnection(target);
    return await work(connection);
  } catch (error) {
    throw translate(target, error);
  } finally {
    await connection?.end().catch(() => undefined);
  }
}

type Row = Record<string, unknown>;

async function rows(connection: mysql.Connection, sql: string, values: unknown[] = []): Promise<Row[]> {
  const [result] = await connection.query(sql, values);
  return result as Row[];
}

/** Replication status needs the REPLICATION CLIENT privilege; without it, read_only (set on replicas) still speaks. */
async function isReplica(connection: mysql.Connection): Promise<boolean> {
  for (const statement of ['SHOW REPLICA STATUS', 'SHOW SLAVE STATUS']) {
    try {
      return (await rows(connection, statement)).length > 0;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR') return false;
      if (code !== 'ER_PARSE_ERROR') throw error;
    }
  }
  return false;
}

async function readMarker(connection: mysql.Connection, store: MarkerStore): Promise<EnvironmentMarker | null> {
  const found: string[] = [];
  if (store === 'comment') {
    const schema = await rows(connection, 'SELECT SCHEMA_COMMENT AS comment FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()');
    const match = MARKER_IN_COMMENT.exec(String(schema[0]?.comment ?? ''));
    if (match) found.push(match[1]!);
  }
  // The table is read on every server: a MySQL-marked database moved to MariaDB keeps saying what it is.
  const table = await rows(connection, 'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [MARKER_TABLE]);
  if (table.length > 0) found.push(...(await rows(connection, `SELECT environment FROM \`${MARKER_TABLE}\``)).map((r) => String(r.environment)));
  if (found.includes('production')) return 'production';
  return found.includes('development') ? 'development' : null;
}

export const live: LiveOps = {
  probe: (target) =>
    withConnection(target, async (connection): Promise<ServerFacts> => {
      const [info] = await rows(connection, 'SELECT VERSION() AS version');
      const version = String(info?.version ?? '');
      const flags = await rows(
        connection,
        "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('read_only', 'super_read_only', 'innodb_read_only', 'transaction_read_only', 'tx_read_only')",
      );
      const readOnly = flags.some((row) => String(row.Value).toUpperCase() === 'ON' || row.Value === '1');
      const standby = await isReplica(connection);
      return {
        serverVersion: `${/mariadb/i.test(version) ? 'MariaDB' : 'MySQL'} ${version.split('-')[0]}`,
        standby,
        readOnly: readOnly || standby,
        marker: await readMarker(connection, markerStoreFor(version)),
      };
    }),
  writeMarker: (target, marker) =>
    withConnection(target, async (connection) => {
      const [info] = await rows(connection, 'SELECT VERSION() AS version');
      if (markerStoreFor(String(info?.version ?? '')) === 'comment') {
        const [schema] = await rows(connection, 'SELECT SCHEMA_COMMENT AS comment FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()');
        await connection.query(`ALTER DATABASE ${connection.escapeId(target.database)} COMMENT = ?`, [commentWithMarker(String(schema?.comment ?? ''), marker)]);
        // A table left by an earlier MySQL-style marker would contradict the comment.
        await connection.query(`DROP TABLE IF EXISTS \`${MARKER_TABLE}\``);
        return;
      }
      await connection.query(`CREATE TABLE IF NOT EXISTS \`${MARKER_TABLE}\` (id TINYINT PRIMARY KEY, environment VARCHAR(16) NOT NULL, marked_at DATETIME NOT NULL)`);
      await connection.query(`REPLACE INTO \`${MARKER_TABLE}\` (id, environment, marked_at) VALUES (1, ?, NOW())`, [marker]);
    }),
};
