import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { pgDriver } from './driver.js';
import { isDbsafeError } from '../../errors.js';
import { liveErrors } from '../../safety/live-messages.js';
import type { Target } from '../../target/types.js';
import type { EnvironmentMarker, LiveOps, ServerFacts } from '../types.js';
import { driverPassword } from './connection.js';

/**
 * The marker is a per-database setting: ALTER DATABASE … SET dbsafe.environment.
 * pg_dump writes database-level settings only with --create (PostgreSQL 11+),
 * so a plain dump restored into another database does not carry it, while
 * anyone reaching this server (an SSH tunnel included) sees it.
 * It is read from pg_db_role_setting rather than current_setting(), so a
 * client's PGOPTIONS='-c dbsafe.environment=…' cannot mask it.
 *
 * Since PostgreSQL 15 only a superuser (or a role granted SET on the
 * parameter) may store a custom setting, so a database owner that is not a
 * superuser (managed services) gets the same stamp in the database COMMENT,
 * which pg_dump also writes only with --create. Both places are read.
 */
const MARKER_SETTING = 'dbsafe.environment';
const MARKER_IN_COMMENT = /dbsafe\.environment=(production|development)/;

/** The comment with dbsafe's marker set, keeping whatever else it said. Pure. */
export function commentWithMarker(comment: string, marker: EnvironmentMarker): string {
  const stamp = `${MARKER_SETTING}=${marker}`;
  if (MARKER_IN_COMMENT.test(comment)) return comment.replace(MARKER_IN_COMMENT, stamp);
  return comment.trim() === '' ? stamp : `${comment.trim()}; ${stamp}`;
}

const CONNECT_TIMEOUT_MS = 5000;

function sslOption(target: Target): pg.ClientConfig['ssl'] {
  const mode = target.tls.mode?.toLowerCase();
  if (!mode || mode === 'disable' || mode === 'false') return undefined;
  const verify = mode === 'verify-ca' || mode === 'verify-full';
  return { rejectUnauthorized: verify, ca: target.tls.rootCert ? readFileSync(target.tls.rootCert, 'utf8') : undefined };
}

function clientFor(target: Target): pg.Client {
  return new pgDriver.Client({
    host: target.socket ?? target.host,
    port: target.port,
    user: target.user,
    password: driverPassword(target, target.database),
    database: target.database,
    ssl: sslOption(target),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'dbsafe',
  });
}

function translate(target: Target, error: unknown): Error {
  if (isDbsafeError(error)) return error;
  const { code, message } = error as { code?: string; message?: string };
  const detail = code ? `${code}: ${message}` : (message ?? String(error));
  if (code === '3D000') return liveErrors.missingDatabase(target);
  if (code === '28P01' || code === '28000') return liveErrors.authentication(target, detail);
  if (code === '42501') return liveErrors.markerPermission(target, detail);
  if (code && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENOENT|ECONNRESET)$/.test(code)) return liveErrors.unreachable(target, code);
  if (/timeout|terminated unexpectedly/i.test(message ?? '')) return liveErrors.unreachable(target, message ?? 'timeout');
  return liveErrors.other(target, detail);
}

async function withClient<T>(target: Target, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = clientFor(target);
  // An error event after connect (server shut down) must not crash the process; the query rejects instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await work(client);
  } catch (error) {
    throw translate(target, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function markerOf(settings: string[], comment: string): EnvironmentMarker | null {
  const values = settings.map((s) => s.slice(MARKER_SETTING.length + 1));
  const inComment = MARKER_IN_COMMENT.exec(comment);
  if (inComment) values.push(inComment[1]!);
  if (values.includes('production')) return 'production';
  if (values.includes('development')) return 'development';
  return null;
}

async function currentComment(client: pg.Client): Promise<string> {
  const result = await client.query<{ comment: string | null }>(
    "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = current_database()",
  );
  return result.rows[0]?.comment ?? '';
}

async function writeComment(client: pg.Client, database: string, comment: string): Promise<void> {
  await client.query(`COMMENT ON DATABASE ${client.escapeIdentifier(database)} IS ${client.escapeLiteral(comment)}`);
}

export const live: LiveOps = {
  probe: (target) =>
    withClient(target, async (client): Promise<ServerFacts> => {
      const facts = await client.query<{ version: string; standby: boolean; read_only: string }>(
        "SELECT current_setting('server_version') AS version, pg_is_in_recovery() AS standby, current_setting('default_transaction_read_only') AS read_only",
      );
      const markers = await client.query<{ setting: string }>(
        `SELECT s.setting FROM pg_db_role_setting r JOIN pg_database d ON d.oid = r.setdatabase, unnest(r.setconfig) AS s(setting)
         WHERE d.datname = current_database() AND s.setting LIKE $1`,
        [`${MARKER_SETTING}=%`],
      );
      const comment = await currentComment(client);
      const row = facts.rows[0]!;
      return {
        serverVersion: `PostgreSQL ${row.version.split(' ')[0]}`,
        standby: row.standby,
        readOnly: row.standby || row.read_only === 'on',
        marker: markerOf(markers.rows.map((r) => r.setting), comment),
      };
    }),
  writeMarker: (target, marker) =>
    withClient(target, async (client) => {
      const database = client.escapeIdentifier(target.database);
      const comment = await currentComment(client);
      try {
        await client.query(`ALTER DATABASE ${database} SET ${MARKER_SETTING} = ${client.escapeLiteral(marker)}`);
      } catch (error) {
        if ((error as { code?: string }).code !== '42501') throw error;
        await writeComment(client, target.database, commentWithMarker(comment, marker));
        return;
      }
      // A stamp left in the comment by an earlier owner-level mark must not contradict the setting.
      if (MARKER_IN_COMMENT.test(comment)) await writeComment(client, target.database, commentWithMarker(comment, marker));
    }),
};
