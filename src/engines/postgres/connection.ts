import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { pgDriver } from './driver.js';
import type { Target } from '../../target/types.js';
import { writeSecretFile } from '../tools.js';
import { postgresMessages } from './messages.js';
import { passwordFromUserPassfile } from './pgpass.js';

/**
 * The environment libpq tools (pg_dump, pg_restore, dropdb) read. The
 * password is not in it: see withLibpqEnv. Variables that could silently
 * redirect the tool to another server (a service file entry, a password from
 * the user's shell) are cleared: dbsafe has already resolved them into `target`.
 */
function libpqVariables(target: Target, database: string): Record<string, string | undefined> {
  const names = target.hosts.filter((h) => !target.hostaddrs?.includes(h));
  const host = names.length > 0 ? names.join(',') : target.socket;
  return {
    PGHOST: host,
    PGHOSTADDR: target.hostaddrs?.join(','),
    PGPORT: target.port !== undefined ? String(target.port) : undefined,
    PGUSER: target.user,
    PGPASSWORD: undefined,
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

/**
 * One line of libpq's password file matching any server, with ":" and "\\"
 * escaped as libpq expects. A line break cannot be written into that format.
 */
export function passfileEntry(password: string): string {
  if (/[\r\n]/.test(password)) throw postgresMessages.passwordWithLineBreak();
  return `*:*:*:*:${password.replace(/[\\:]/g, (c) => `\\${c}`)}\n`;
}

export interface LibpqEnvironment {
  env: Record<string, string | undefined>;
  /** The private directory holding the password file, when there is one. */
  passfileDir?: string;
  /** Remove the password file and its directory (idempotent). */
  remove: () => void;
  /** A detached tool removes the password file itself, after dbsafe has exited. */
  handOver: () => void;
}

/**
 * The environment for one libpq tool run. A password goes into a 0600
 * PGPASSFILE in a private 0700 directory, never into PGPASSWORD: a child's
 * environment is readable in /proc/PID/environ by every process of the user,
 * for as long as the tool runs. Without a password the user's own ~/.pgpass
 * (or PGPASSFILE) stays in effect.
 */
export function libpqEnvironment(target: Target, database = target.database): LibpqEnvironment {
  const env = libpqVariables(target, database);
  if (!target.password) return { env, remove: () => undefined, handOver: () => undefined };
  const secret = writeSecretFile('pgpass', passfileEntry(target.password));
  return { env: { ...env, PGPASSFILE: secret.file }, passfileDir: path.dirname(secret.file), remove: secret.remove, handOver: secret.handOver };
}

/** Run `work` with the libpq environment of `target`; the password file is removed afterwards, also on failure. */
export async function withLibpqEnv<T>(target: Target, database: string, work: (env: Record<string, string | undefined>) => Promise<T>): Promise<T> {
  const prepared = libpqEnvironment(target, database);
  try {
    return await work(prepared.env);
  } finally {
    prepared.remove();
  }
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

/**
 * The driver's password: the target's, else what the user's ~/.pgpass holds
 * for this connection (as pg_dump would find it). A function returning
 * undefined means "no password" to pg (its types say string only).
 */
export function driverPassword(target: Target, database: string): pg.ClientConfig['password'] {
  return target.password ?? ((async () => passwordFromUserPassfile(target, database)) as () => Promise<string>);
}

/** An open driver connection to `database` on the target's server; the caller ends it. */
export async function connect(target: Target, database = target.database): Promise<pg.Client> {
  const client = new pgDriver.Client({
    host: target.host ?? target.socket,
    port: target.port,
    user: target.user,
    password: driverPassword(target, database),
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
