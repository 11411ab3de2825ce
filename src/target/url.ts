import path from 'node:path';
import { lookupParameter, lookupLibpqKeyword, URL_PARAMETERS } from './connection-parameters.js';
import { assertNoContradictions, buildTarget, differentTargets, type ConnectionContext, type Setting } from './connection-target.js';
import { parameterMessages } from './messages.js';
import { looksLikeConninfo, parseConninfo } from './postgres-conninfo.js';
import { ENGINE_LABELS, type EngineName, type Target, type ValueOrigin } from './types.js';
import { UrlProblem } from './url-problem.js';

export { UrlProblem } from './url-problem.js';
export type { ConnectionContext } from './connection-target.js';

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

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UrlProblem('malformed-url', `its ${what} has a broken percent-encoding ("${part.replace(/:.*/, ':…')}")`);
  }
}

function checkPort(text: string): string {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new UrlProblem('malformed-url', `its port "${text}" is not a number between 1 and 65535`);
  }
  return text;
}

function splitHostPort(entry: string): { host: string; port?: string } {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) throw new UrlProblem('malformed-url', `the IPv6 address "${entry}" has no closing "]"`);
    const host = entry.slice(1, close);
    const rest = entry.slice(close + 1);
    if (rest === '') return { host };
    if (!rest.startsWith(':')) throw new UrlProblem('malformed-url', `unexpected text after the IPv6 address "${entry}"`);
    return { host, port: checkPort(rest.slice(1)) };
  }
  const colon = entry.lastIndexOf(':');
  if (colon < 0) return { host: entry };
  return { host: entry.slice(0, colon), port: checkPort(entry.slice(colon + 1)) };
}

/** The query's parameters in order (a repeated name appears each time). */
function parseQuery(query: string): Array<{ name: string; value: string }> {
  const params: Array<{ name: string; value: string }> = [];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    params.push({ name: decode(eq < 0 ? pair : pair.slice(0, eq), 'query'), value: decode(eq < 0 ? '' : pair.slice(eq + 1).replace(/\+/g, ' '), 'query') });
  }
  return params;
}

/** A named parameter of `engine`'s connection strings as a Setting; throws for one dbsafe cannot judge. */
function parameterSetting(engine: Exclude<EngineName, 'sqlite'>, name: string, value: string, origin: ValueOrigin, keywordsOnly: boolean, jdbc = false): Setting {
  const lookup = keywordsOnly ? lookupLibpqKeyword(name) : lookupParameter(engine, name);
  // JDBC drivers have their own parameters (currentSchema, useSSL…): kept and judged by name (replica, certificate), never guessed at.
  if (jdbc && (lookup.kind === 'unknown' || lookup.kind === 'wrong-case')) return { role: 'judged', name, value, origin: { ...origin, parameter: name }, named: true };
  switch (lookup.kind) {
    case 'known':
      return { role: lookup.rule.role, name, value, origin: { ...origin, parameter: name }, ignoredBy: lookup.rule.ignoredBy, named: true };
    case 'refused':
      throw parameterMessages.refused(name, lookup.reason);
    case 'wrong-case':
      throw parameterMessages.wrongCase(name, lookup.spelling);
    default:
      throw parameterMessages.unknown(name, keywordsOnly ? 'libpq key/value connection strings' : `${ENGINE_LABELS[engine]} URLs`);
  }
}

/** The settings a server URL names: its own parts first, then its query, which libpq lets override them. */
function urlSettings(engine: Exclude<EngineName, 'sqlite'>, scheme: string, afterScheme: string, origin: ValueOrigin, jdbc = false): Setting[] {
  if (!afterScheme.startsWith('//')) throw new UrlProblem('malformed-url', `it should read ${scheme}://user:password@host:port/database`);
  // node-postgres, mysql2 and the MongoDB driver end a URL at "#"; libpq reads on: `?host=localhost#&host=prod`.
  if (afterScheme.includes('#')) {
    throw new UrlProblem('malformed-url', 'it contains "#", where some clients stop reading and libpq reads on, so they would connect to different databases', 'Percent-encode "#" as %23 (in a password too), or remove it and what follows.');
  }
  let rest = afterScheme.slice(2);
  let query = '';
  const queryAt = rest.indexOf('?');
  if (queryAt >= 0) {
    query = rest.slice(queryAt + 1);
    rest = rest.slice(0, queryAt);
  }

  // The authority ends at the first "/", as libpq and WHATWG parsers (node-postgres, mysql2) read it:
  // in postgres://prod/x@localhost/db the host is prod. Inside it, passwords with an unencoded "@"
  // are common in hand-written .env files, so the last "@" ends the user info.
  const slash = rest.indexOf('/');
  const authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const pathPart = slash >= 0 ? rest.slice(slash + 1) : '';
  const at = authority.lastIndexOf('@');
  const userInfo = at >= 0 ? authority.slice(0, at) : '';
  const hostList = at >= 0 ? authority.slice(at + 1) : authority;

  const settings: Setting[] = [];
  const part = (role: Setting['role'], value: string) => settings.push({ role, name: role, value, origin, named: false });
  if (userInfo !== '') {
    const colon = userInfo.indexOf(':');
    const user = decode(colon >= 0 ? userInfo.slice(0, colon) : userInfo, 'user name');
    if (user) part('user', user);
    if (colon >= 0) part('password', decode(userInfo.slice(colon + 1), 'password'));
  }
  const hosts: string[] = [];
  let port: string | undefined;
  for (const entry of hostList === '' ? [] : hostList.split(',')) {
    const decoded = decode(entry, 'host');
    if (decoded.startsWith('/')) {
      // A percent-encoded socket directory (libpq) or socket file (MySQL, MongoDB).
      if (engine === 'postgres') hosts.push(decoded);
      else part('socket', decoded);
      continue;
    }
    const parsed = splitHostPort(decoded);
    if (parsed.host === '') throw new UrlProblem('malformed-url', 'it has an empty host name');
    if (!/^[A-Za-z0-9._:%-]+$/.test(parsed.host)) throw new UrlProblem('malformed-url', `its host "${parsed.host}" is not a valid host name`);
    hosts.push(parsed.host);
    port ??= parsed.port;
  }
  if (hosts.length > 0) part('host', hosts.join(','));
  if (port !== undefined) part('port', port);
  const database = decode(pathPart.replace(/\/+$/, ''), 'database name');
  if (database.includes('/')) throw new UrlProblem('malformed-url', `its database name "${database}" contains "/"`);
  if (database !== '') part('database', database);

  for (const { name, value } of parseQuery(query)) settings.push(parameterSetting(engine, name, value, origin, false, jdbc));
  return settings;
}

/**
 * Every database a connection string names, parsed the way the engine's own
 * client does: a URL (postgres://, mysql://, mongodb://, sqlite:…) or a libpq
 * key/value string (`host=… dbname='my db'`). The first target is what libpq
 * (or the engine's CLI) connects to, with PostgreSQL services and PG*
 * variables applied; another client whose reading differs (node-postgres
 * ignores ?dbname=, mysql2 ignores ?host=) adds its own target, so both are
 * judged. Throws UrlProblem (never repeating the password) for anything dbsafe
 * cannot judge, including parameters it does not know.
 */
export function parseConnectionString(text: string, origin: ValueOrigin, context: ConnectionContext): Target[] {
  const trimmed = text.trim();
  if (looksLikeConninfo(trimmed)) {
    const settings = parseConninfo(trimmed).map(({ keyword, value }) => parameterSetting('postgres', keyword, value, origin, true));
    assertNoContradictions(settings);
    return [buildTarget(settings, { engine: 'postgres', origin, context })];
  }
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed);
  if (!schemeMatch) throw new UrlProblem('malformed-url', "it does not start with a scheme such as postgres://, mysql://, sqlite: or mongodb://, nor is it a libpq key/value string (host=… dbname=…)");
  const scheme = schemeMatch[1]!.toLowerCase();
  if (scheme === 'jdbc') return parseJdbcUrl(trimmed.slice(schemeMatch[0].length), origin, context);
  const engine = URL_SCHEMES[scheme];
  if (!engine) {
    throw new UrlProblem('unknown-scheme', `its scheme "${scheme}:" is not one dbsafe knows (${Object.keys(URL_SCHEMES).map((s) => `${s}:`).join(', ')})`);
  }
  const afterScheme = trimmed.slice(schemeMatch[0].length);
  if (engine === 'sqlite') {
    const database = sqliteFile(afterScheme, context.cwd);
    return [{ engine, hosts: [], tls: {}, srv: false, params: {}, origin, database, fields: { engine: origin, database: origin } }];
  }

  const srv = scheme === 'mongodb+srv';
  const settings = urlSettings(engine, scheme, afterScheme, origin);
  assertNoContradictions(settings);
  const primary = buildTarget(settings, { engine, origin, srv, context });
  if (srv && primary.hosts.length === 0) throw new UrlProblem('malformed-url', 'a mongodb+srv:// URL needs a host name');
  const targets = [primary];
  for (const reading of URL_PARAMETERS[engine].readings) {
    if (!settings.some((s) => s.ignoredBy?.includes(reading))) continue;
    const other = buildTarget(settings, { engine, origin, srv, reading, context });
    if (differentTargets(primary, other)) targets.push(other);
  }
  return targets;
}

/**
 * A JDBC URL (Spring's SPRING_DATASOURCE_URL): `jdbc:postgresql://host:5432/db?user=…`,
 * `jdbc:mysql://…`, `jdbc:sqlite:file.db`, and PostgreSQL's short forms
 * `jdbc:postgresql:db` and `jdbc:postgresql://host/` (localhost, database named).
 */
function parseJdbcUrl(rest: string, origin: ValueOrigin, context: ConnectionContext): Target[] {
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  const scheme = schemeMatch?.[1]!.toLowerCase();
  const engine = scheme === undefined ? undefined : URL_SCHEMES[scheme];
  if (!schemeMatch || !engine || engine === 'mongodb') {
    throw new UrlProblem('unknown-scheme', `its JDBC subprotocol "${scheme ?? rest.split(':')[0]}" is not one dbsafe knows (jdbc:postgresql:, jdbc:mysql:, jdbc:mariadb:, jdbc:sqlite:)`);
  }
  let afterScheme = rest.slice(schemeMatch[0].length);
  if (engine === 'sqlite') {
    const database = sqliteFile(afterScheme, context.cwd);
    return [{ engine, hosts: [], tls: {}, srv: false, params: {}, origin, database, fields: { engine: origin, database: origin } }];
  }
  if (!afterScheme.startsWith('//')) afterScheme = `//localhost/${afterScheme}`;
  const settings = urlSettings(engine, `jdbc:${scheme}`, afterScheme, origin, true);
  assertNoContradictions(settings);
  return [buildTarget(settings, { engine, origin, context })];
}

/**
 * Parse a database URL into a Target: the database libpq (or the engine's
 * CLI) would reach, without the environment or service files. Pure: `cwd`
 * resolves relative SQLite paths. Throws UrlProblem.
 */
export function parseDatabaseUrl(url: string, origin: ValueOrigin, cwd: string): Target {
  return parseConnectionString(url, origin, { cwd })[0]!;
}
