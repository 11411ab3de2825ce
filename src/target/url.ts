import path from 'node:path';
import type { EngineName, Target, TlsSettings, ValueOrigin } from './types.js';

/** URL schemes dbsafe understands, and the engine each one means. */
export const URL_SCHEMES: Record<string, EngineName> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  file: 'sqlite',
  mongodb: 'mongodb',
  'mongodb+srv': 'mongodb',
};

export const DEFAULT_PORTS: Record<EngineName, number | undefined> = {
  postgres: 5432,
  mysql: 3306,
  sqlite: undefined,
  mongodb: 27017,
};

/** Query parameters that carry TLS settings, per spelling used by libpq, MySQL clients and MongoDB drivers. */
const TLS_PARAMS: Record<string, keyof TlsSettings> = {
  sslmode: 'mode',
  'ssl-mode': 'mode',
  ssl: 'mode',
  tls: 'mode',
  sslcert: 'cert',
  'ssl-cert': 'cert',
  tlscertificatekeyfile: 'cert',
  sslkey: 'key',
  'ssl-key': 'key',
  sslrootcert: 'rootCert',
  'ssl-ca': 'rootCert',
  tlscafile: 'rootCert',
};

export class UrlProblem extends Error {
  constructor(
    readonly code: 'malformed-url' | 'unknown-scheme',
    message: string,
  ) {
    super(message);
  }
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UrlProblem('malformed-url', `its ${what} has a broken percent-encoding ("${part.replace(/:.*/, ':…')}")`);
  }
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new UrlProblem('malformed-url', `its port "${text}" is not a number between 1 and 65535`);
  }
  return Number(text);
}

function splitHostPort(entry: string): { host: string; port?: number } {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) throw new UrlProblem('malformed-url', `the IPv6 address "${entry}" has no closing "]"`);
    const host = entry.slice(1, close);
    const rest = entry.slice(close + 1);
    if (rest === '') return { host };
    if (!rest.startsWith(':')) throw new UrlProblem('malformed-url', `unexpected text after the IPv6 address "${entry}"`);
    return { host, port: parsePort(rest.slice(1)) };
  }
  const colon = entry.lastIndexOf(':');
  if (colon < 0) return { host: entry };
  return { host: entry.slice(0, colon), port: parsePort(entry.slice(colon + 1)) };
}

function parseQuery(query: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq), 'query');
    params[key] = decode(eq < 0 ? '' : pair.slice(eq + 1).replace(/\+/g, ' '), 'query');
  }
  return params;
}

function sqliteFile(rest: string, cwd: string): string {
  // sqlite:///abs/path, sqlite://./rel, sqlite:rel, file:./dev.db (Prisma), file:/abs
  let file = rest.startsWith('//') ? rest.slice(2) : rest;
  if (file.startsWith('localhost/')) file = file.slice('localhost'.length);
  const query = file.indexOf('?');
  if (query >= 0) file = file.slice(0, query);
  file = decode(file, 'path');
  if (file === '' || file === '/') throw new UrlProblem('malformed-url', 'it names no database file');
  if (file === ':memory:') throw new UrlProblem('malformed-url', 'it names an in-memory database, which has nothing to protect or back up');
  return path.resolve(cwd, file);
}

/**
 * Parse a database URL into a Target. Pure: `cwd` resolves relative SQLite paths.
 * Throws UrlProblem with a short description of what is wrong (without the password).
 */
export function parseDatabaseUrl(url: string, origin: ValueOrigin, cwd: string): Target {
  const trimmed = url.trim();
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed);
  if (!schemeMatch) throw new UrlProblem('malformed-url', 'it does not start with a scheme such as postgres://, mysql://, sqlite: or mongodb://');
  const scheme = schemeMatch[1]!.toLowerCase();
  const engine = URL_SCHEMES[scheme];
  if (!engine) {
    throw new UrlProblem('unknown-scheme', `its scheme "${scheme}:" is not one dbsafe knows (${Object.keys(URL_SCHEMES).map((s) => `${s}:`).join(', ')})`);
  }
  const afterScheme = trimmed.slice(schemeMatch[0].length);
  const base: Omit<Target, 'database'> = {
    engine,
    hosts: [],
    tls: {},
    srv: scheme === 'mongodb+srv',
    params: {},
    origin,
    fields: { engine: origin },
  };

  if (engine === 'sqlite') {
    const database = sqliteFile(afterScheme, cwd);
    return { ...base, database, fields: { ...base.fields, database: origin } };
  }

  if (!afterScheme.startsWith('//')) throw new UrlProblem('malformed-url', `it should read ${scheme}://user:password@host:port/database`);
  let rest = afterScheme.slice(2);
  let query = '';
  const queryAt = rest.indexOf('?');
  if (queryAt >= 0) {
    query = rest.slice(queryAt + 1);
    rest = rest.slice(0, queryAt);
  }
  const hashAt = query.indexOf('#');
  if (hashAt >= 0) query = query.slice(0, hashAt);

  // Passwords with an unencoded "@" are common in hand-written .env files: the last "@" ends the user info.
  const at = rest.lastIndexOf('@');
  const userInfo = at >= 0 ? rest.slice(0, at) : '';
  const hostAndPath = at >= 0 ? rest.slice(at + 1) : rest;
  const slash = hostAndPath.indexOf('/');
  const hostList = slash >= 0 ? hostAndPath.slice(0, slash) : hostAndPath;
  const pathPart = slash >= 0 ? hostAndPath.slice(slash + 1) : '';

  const target: Target = { ...base, database: '' };
  if (userInfo !== '') {
    const colon = userInfo.indexOf(':');
    target.user = decode(colon >= 0 ? userInfo.slice(0, colon) : userInfo, 'user name') || undefined;
    if (colon >= 0) target.password = decode(userInfo.slice(colon + 1), 'password');
    if (target.user) target.fields.user = origin;
    if (target.password !== undefined) target.fields.password = origin;
  }

  if (hostList !== '') {
    for (const entry of hostList.split(',')) {
      const decoded = decode(entry, 'host');
      if (decoded.startsWith('/')) {
        target.socket = decoded;
        continue;
      }
      const { host, port } = splitHostPort(decoded);
      if (host === '') throw new UrlProblem('malformed-url', 'it has an empty host name');
      if (!/^[A-Za-z0-9._:%-]+$/.test(host)) throw new UrlProblem('malformed-url', `its host "${host}" is not a valid host name`);
      target.hosts.push(host);
      if (target.port === undefined && port !== undefined) target.port = port;
    }
    target.host = target.hosts[0];
    if (target.host) target.fields.host = origin;
    if (target.port !== undefined) target.fields.port = origin;
  }

  target.database = decode(pathPart.replace(/\/+$/, ''), 'database name');
  if (target.database.includes('/')) throw new UrlProblem('malformed-url', `its database name "${target.database}" contains "/"`);
  if (target.database !== '') target.fields.database = origin;

  for (const [key, value] of Object.entries(parseQuery(query))) {
    const lower = key.toLowerCase();
    const tlsField = TLS_PARAMS[lower];
    if (tlsField) {
      target.tls[tlsField] = value;
      target.fields.tls = origin;
    } else if (lower === 'host' && value.startsWith('/')) {
      target.socket = value;
    } else if ((lower === 'socket' || lower === 'socketpath') && value !== '') {
      target.socket = value;
    } else if (lower === 'user' && !target.user) {
      target.user = value;
      target.fields.user = origin;
    } else if (lower === 'password' && target.password === undefined) {
      target.password = value;
      target.fields.password = origin;
    } else if ((lower === 'dbname' || lower === 'database') && target.database === '') {
      target.database = value;
      target.fields.database = origin;
    } else if (lower === 'port' && target.port === undefined) {
      target.port = parsePort(value);
      target.fields.port = origin;
    } else {
      target.params[key] = value;
    }
  }
  if (target.socket) target.fields.socket = origin;
  if (target.hosts.length === 0 && !target.socket) {
    if (target.srv) throw new UrlProblem('malformed-url', 'a mongodb+srv:// URL needs a host name');
  }
  return target;
}
