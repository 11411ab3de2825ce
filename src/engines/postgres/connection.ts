import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { Target } from '../../target/types.js';
import { postgresMessages } from './messages.js';

/**
 * The environment libpq tools (pg_dump, pg_restore) read: the password goes
 * here and never on a command line. Variables that could silently redirect
 * the tool to another server (a service file entry) are cleared.
 */
export function libpqEnv(target: Target, database = target.database): Record<string, string | undefined> {
  const host = target.hosts.length > 1 ? target.hosts.join(',') : (target.host ?? target.socket);
  return {
    PGHOST: host,
    PGHOSTADDR: undefined,
    PGPORT: target.port !== undefined ? String(target.port) : undefined,
    PGUSER: target.user,
    PGPASSWORD: target.password,
    PGDATABASE: database,
    PGSERVICE: undefined,
    PGSERVICEFILE: undefined,
    PGOPTIONS: undefined,
    PGSSLMODE: target.tls.mode,
    PGSSLROOTCERT: target.tls.rootCert,
    PGSSLCERT: target.tls.cert,
    PGSSLKEY: target.tls.key,
    PGAPPNAME: 'dbsafe',
    PGCONNECT_TIMEOUT: '10',
  };
}

function sslOption(target: Target): pg.ClientConfig['ssl'] {
  const mode = target.tls.mode?.toLowerCase();
  if (!mode || ['disable', 'allow', 'prefer', 'false', '0'].includes(mode)) return false;
  const verify = mode === 'verify-ca' || mode === 'verify-full';
  return {
    rejectUnauthorized: verify,
    ca: target.tls.rootCert ? readFileSync(target.tls.rootCert, 'utf8') : undefined,
    cert: target.tls.cert ? readFileSync(target.tls.cert, 'utf8') : undefined,
    key: target.tls.key ? readFileSync(target.tls.key, 'utf8') : undefined,
  };
}

/** An open driver connection to `database` on the target's server; the caller ends it. */
export async function connect(target: Target, database = target.database): Promise<pg.Client> {
  const client = new pg.Client({
    host: target.host ?? target.socket,
    port: target.port,
    user: target.user,
    password: target.password,
    database,
    ssl: sslOption(target),
    application_name: 'dbsafe',
    connectionTimeoutMillis: 10_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw postgresMessages.connectFailed(target, database, error);
  }
  return client;
}

/** Run `work` on a connection and always close it. */
export async function withConnection<T>(target: Target, database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(target, database);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A database to run CREATE/ALTER/DROP DATABASE from: `postgres`, else `template1`. */
export async function withMaintenanceConnection<T>(target: Target, work: (client: pg.Client) => Promise<T>): Promise<T> {
  let client: pg.Client;
  try {
    client = await connect(target, 'postgres');
  } catch {
    client = await connect(target, 'template1');
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
