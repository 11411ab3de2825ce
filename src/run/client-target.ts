import path from 'node:path';
import type { ClientConnection, ConnectionSetting } from '../rules/types.js';
import { resolveTargets } from '../target/resolve.js';
import type { Target, ValueOrigin } from '../target/types.js';
import { parseDatabaseUrl, UrlProblem } from '../target/url.js';
import { commandTargetMessages as say } from './command-target-messages.js';
import { expandVariableReference } from './variable-reference.js';

/**
 * The database a client connects to, from its command-line settings and the
 * environment variables the client itself reads, or why dbsafe cannot tell.
 * `none`: the command line names no connection, so the project's database
 * stands for it. Pure.
 */
export type ClientTarget = { kind: 'target'; target: Target } | { kind: 'unknown'; reason: string } | { kind: 'none' };

/** Per engine: the variable a setting becomes, in the family resolve.ts reads (libpq's PG*, the MySQL client's MYSQL_*). */
const SETTING_VARIABLES: Record<'postgres' | 'mysql', Partial<Record<ConnectionSetting, string>>> = {
  postgres: { host: 'PGHOST', port: 'PGPORT', user: 'PGUSER', database: 'PGDATABASE', socket: 'PGHOST' },
  mysql: { host: 'MYSQL_HOST', port: 'MYSQL_TCP_PORT', user: 'MYSQL_USER', database: 'MYSQL_DATABASE', socket: 'MYSQL_UNIX_PORT' },
};

/** Variables each client reads from its environment, besides its command line. */
export const CLIENT_VARIABLES: Record<ClientConnection['engine'], RegExp> = {
  postgres: /^PG[A-Z]+$/,
  mysql: /^MYSQL_(HOST|TCP_PORT|UNIX_PORT|PWD|USER|DATABASE)$/,
  sqlite: /^$/,
  mongodb: /^$/,
};

/** libpq's key=value connection-string keywords, as the environment variables that mean the same. */
const CONNINFO_VARIABLES: Record<string, string> = {
  host: 'PGHOST',
  hostaddr: 'PGHOSTADDR',
  port: 'PGPORT',
  dbname: 'PGDATABASE',
  user: 'PGUSER',
  password: 'PGPASSWORD',
  service: 'PGSERVICE',
  sslmode: 'PGSSLMODE',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  sslrootcert: 'PGSSLROOTCERT',
  target_session_attrs: 'PGTARGETSESSIONATTRS',
};

/** Keywords that do not change which database a connection string reaches. */
const CONNINFO_NEUTRAL = new Set(['connect_timeout', 'application_name', 'fallback_application_name', 'client_encoding', 'options', 'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout', 'gssencmode', 'sslcompression', 'sslnegotiation', 'channel_binding', 'passfile', 'require_auth', 'sslpassword', 'sslcrl', 'sslcrldir', 'sslsni', 'ssl_min_protocol_version', 'ssl_max_protocol_version', 'krbsrvname', 'gsslib', 'gssdelegation', 'replication', 'load_balance_hosts']);

/** Query parameters of a connection URL that change where it connects: left unread, they would hide the real target. */
const TARGET_CHANGING_PARAMETERS = new Set(['host', 'hostaddr', 'port', 'dbname', 'database', 'service', 'user']);

const URL_PREFIX = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** `host=db port=5432 dbname='my db'` → { host: 'db', … }; null when it is not a conninfo string. */
export function parseConninfo(text: string): Record<string, string> | null {
  const pattern = /\s*([A-Za-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|(?:[^\s'\\]|\\.)*)/gy;
  const values: Record<string, string> = {};
  let match: RegExpExecArray | null;
  let end = 0;
  while ((match = pattern.exec(text)) !== null && match[0] !== '') {
    const raw = match[2]!;
    values[match[1]!.toLowerCase()] = (raw.startsWith("'") ? raw.slice(1, -1) : raw).replace(/\\(.)/g, '$1');
    end = pattern.lastIndex;
  }
  return end > 0 && text.slice(end).trim() === '' ? values : null;
}

function urlTarget(url: string, origin: ValueOrigin, dir: string): ClientTarget {
  try {
    const target = parseDatabaseUrl(url, origin, dir);
    const hidden = Object.keys(target.params).find((key) => TARGET_CHANGING_PARAMETERS.has(key.toLowerCase()));
    if (hidden) return { kind: 'unknown', reason: say.urlParameterNotRead(origin.name, hidden) };
    return { kind: 'target', target };
  } catch (error) {
    if (error instanceof UrlProblem) return { kind: 'unknown', reason: say.clientUrlUnreadable(origin.name, error.message) };
    throw error;
  }
}

function fromVariables(engine: 'postgres' | 'mysql', variables: Record<string, string>, dir: string, osUser: string | undefined, clientName: string): ClientTarget {
  if (engine === 'postgres' && !variables.PGHOST && !variables.PGHOSTADDR && !variables.PGDATABASE && !variables.PGSERVICE) {
    // libpq's defaults: the local socket, the database named like the user.
    variables.PGDATABASE = variables.PGUSER ?? osUser ?? '';
  }
  if (engine === 'mysql' && !variables.MYSQL_HOST && !variables.MYSQL_UNIX_PORT) variables.MYSQL_HOST = 'localhost';
  if (engine === 'postgres' && variables.PGSERVICE) return { kind: 'unknown', reason: say.serviceNotRead(clientName, variables.PGSERVICE) };
  const resolved = resolveTargets({ env: variables, dotenv: [], cwd: dir, osUser });
  const target = resolved.all.find((t) => t.engine === engine);
  if (target) return { kind: 'target', target: { ...target, origin: { kind: 'flag', name: `${clientName} connection settings` } } };
  return { kind: 'unknown', reason: resolved.problems[0]?.message ?? say.clientNamesNoDatabase(clientName) };
}

/**
 * Where `client` connects: its settings over the variables it reads from
 * `env`. A setting known only at run time is unknown, never a guess.
 * `namedInLine` lists the variables the command line itself set: a client
 * given no settings and no such variable names nothing (`none`).
 */
export function clientTarget(given: ClientConnection, env: Record<string, string | undefined>, dir: string, namedInLine: ReadonlySet<string>, osUser?: string, unknownVariables: ReadonlySet<string> = new Set()): ClientTarget {
  // `psql "$DATABASE_URL"`: the shell gives the client the variable's value, which is known here.
  const settings = given.settings.map((s) => (s.value === null && s.source !== undefined ? { ...s, value: expandVariableReference(s.source, env, unknownVariables) } : s));
  const client = { ...given, settings };
  const unknown = client.settings.find((s) => s.value === null);
  if (unknown) return { kind: 'unknown', reason: say.clientSettingUnknown(client.client, unknown.written) };
  const optionsFile = client.settings.find((s) => s.setting === 'options-file');
  if (optionsFile) return { kind: 'unknown', reason: say.optionsFileNotRead(client.client, optionsFile.written) };
  const clientVariables = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && CLIENT_VARIABLES[client.engine].test(e[0])));
  if (client.settings.length === 0 && !Object.keys(clientVariables).some((name) => namedInLine.has(name))) return { kind: 'none' };
  // Named without the values: the origin is shown in refusals and the audit log, and a URL may carry a password.
  const origin: ValueOrigin = { kind: 'flag', name: `${client.client} connection settings` };
  const value = (setting: ConnectionSetting) => client.settings.filter((s) => s.setting === setting).at(-1)?.value ?? undefined;

  const urlLike = (text: string | undefined) => (text !== undefined && URL_PREFIX.test(text) ? text : undefined);
  const url = urlLike(value('url')) ?? urlLike(value('database'));
  if (client.engine === 'sqlite') {
    const file = value('file');
    if (!file || file === ':memory:') return { kind: 'none' };
    if (file.startsWith('file:')) return urlTarget(file, origin, dir);
    const database = path.resolve(dir, file);
    return { kind: 'target', target: { engine: 'sqlite', hosts: [], database, tls: {}, srv: false, params: {}, origin, fields: { engine: origin, database: origin } } };
  }
  if (client.engine === 'mongodb') {
    if (url) return urlTarget(url, origin, dir);
    // mongosh [host[:port]/]database, or --host/--port/-d.
    const positional = value('url');
    const [hostPart, databasePart] = positional?.includes('/') ? positional.split('/', 2) : [undefined, positional];
    const host = value('host') ?? hostPart ?? '127.0.0.1';
    const port = value('port');
    return urlTarget(`mongodb://${host}${port ? `:${port}` : ''}/${value('database') ?? databasePart ?? 'test'}`, origin, dir);
  }
  if (url) return urlTarget(url, origin, dir);
  const variables: Record<string, string> = { ...clientVariables };
  const database = value('database');
  const conninfo = client.engine === 'postgres' && database?.includes('=') ? parseConninfo(database) : null;
  if (database?.includes('=') && client.engine === 'postgres' && !conninfo) return { kind: 'unknown', reason: say.conninfoUnreadable(client.client, database) };
  for (const setting of client.settings) {
    const name = SETTING_VARIABLES[client.engine][setting.setting];
    if (name && setting.value !== null && !(setting.setting === 'database' && conninfo)) variables[name] = setting.value;
  }
  for (const [key, keyValue] of Object.entries(conninfo ?? {})) {
    const name = CONNINFO_VARIABLES[key];
    if (!name && CONNINFO_NEUTRAL.has(key)) continue;
    if (!name) return { kind: 'unknown', reason: say.conninfoKeyNotRead(client.client, key) };
    variables[name] = keyValue;
  }
  return fromVariables(client.engine, variables, dir, osUser, client.client);
}
