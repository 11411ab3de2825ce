import type { Target } from '../../target/types.js';
import { MysqlSession, parseServerVersion, textLiteral, type FlavouredVersion } from './clients.js';
import { openConnection } from './live.js';
import type { DumpContext, SnapshotServer } from './snapshot-swap.js';

/** Rows of every result set, each value as text the way the SQL client prints it (NULL as "NULL"). */
function textRows(results: unknown, fields: unknown): string[][] {
  const multiple = Array.isArray(fields) && fields.some((entry) => entry === undefined || Array.isArray(entry));
  const sets = (multiple ? (results as unknown[]) : [results]).filter((set): set is unknown[][] => Array.isArray(set));
  return sets.flatMap((rows) => rows.map((row) => row.map((value) => (value === null ? 'NULL' : Buffer.isBuffer(value) ? value.toString('utf8') : String(value)))));
}

/**
 * Run `work` against `target`'s server: its many small queries through the
 * driver (one connection, no process per query), the SQL client and dump
 * tool opened only when a step needs them.
 */
export async function withServer<T>(target: Target, purpose: string, work: (server: SnapshotServer) => Promise<T>): Promise<T> {
  const held = heldConnections.get(connectionKey(target));
  const connection = await (held ?? openConnection(target, { database: null, multipleStatements: true }));
  let session: Promise<MysqlSession> | null = null;
  let context: Promise<DumpContext> | null = null;
  const client = () => (session ??= MysqlSession.open(target, purpose));
  const server: SnapshotServer = {
    target,
    async query(sql) {
      const [results, fields] = await connection.query({ sql, rowsAsArray: true });
      return textRows(results, fields);
    },
    driver: true,
    client,
    dumpContext: () =>
      (context ??= client().then(async (opened) => {
        const version = await opened.serverVersion();
        return { session: opened, server: version, ...(await opened.dumpTool(version, purpose)) };
      })),
  };
  try {
    return await work(server);
  } finally {
    if (!held) await connection.end().catch(() => undefined);
    if (session) (await (session as Promise<MysqlSession>).catch(() => null))?.close();
  }
}

type Connection = Awaited<ReturnType<typeof openConnection>>;

/** Connections kept open by holdConnection, by server and user: withServer's calls share them instead of each opening its own. */
const heldConnections = new Map<string, Promise<Connection>>();

function connectionKey(target: Target): string {
  return JSON.stringify([target.host, target.socket, target.port, target.user]);
}

/**
 * One connection to `target`'s server for every withServer call until the
 * returned release: a restore's many short steps then pay for one handshake
 * (queries of steps running at once queue on it, in order). Steps set only
 * session settings the others do not rely on (foreign key checks off for a
 * drop, sql_mode restored after programs).
 */
export function holdConnection(target: Target): () => Promise<void> {
  const key = connectionKey(target);
  if (heldConnections.has(key)) return async () => undefined;
  const connection = openConnection(target, { database: null, multipleStatements: true });
  connection.catch(() => heldConnections.delete(key));
  heldConnections.set(key, connection);
  return async () => {
    heldConnections.delete(key);
    await (await connection.catch(() => null))?.end().catch(() => undefined);
  };
}

export async function serverVersion(server: SnapshotServer): Promise<FlavouredVersion> {
  const [row] = await server.query('SELECT VERSION();');
  return parseServerVersion(row?.[0] ?? '');
}

export async function schemaExists(server: SnapshotServer, name: string): Promise<boolean> {
  const rows = await server.query(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${textLiteral(name)};`);
  return rows[0]?.[0] === '1';
}
