import { LIBPQ_ENVIRONMENT, LIBPQ_KEYWORDS, TARGET_ROLES, type ParameterRole } from './connection-parameters.js';
import { parameterMessages } from './messages.js';
import { lookupService, serviceFileLocations, type ReadTextFile } from './pg-service.js';
import type { EngineName, Target, TargetField, TlsSettings, ValueOrigin } from './types.js';
import { UrlProblem } from './url-problem.js';

/** One value a connection string (or a service file, or the environment) gives the connection. */
export interface Setting {
  role: ParameterRole;
  /** The parameter as written (`dbname`, `socketPath`), or the URL part (`host`). */
  name: string;
  value: string;
  origin: ValueOrigin;
  /** Clients that ignore this setting (a query parameter node-postgres or mysql2 does not read). */
  ignoredBy?: readonly string[];
  /** A parameter written by name (query, key/value), rather than a part of the URL: repeating one is contradictory. */
  named: boolean;
}

export interface Variable {
  value: string;
  origin: ValueOrigin;
}

/** What resolving a connection string needs besides the string: libpq also reads the environment and service files. */
export interface ConnectionContext {
  cwd: string;
  /** A variable of the shell environment or the project's .env files. */
  variable?: (name: string) => Variable | undefined;
  /** Home directory: ~/.pg_service.conf. */
  home?: string;
  /** Reads a service file; without it no service can be resolved (and naming one is refused). */
  readFile?: ReadTextFile;
  /** libpq's default user and database name: the operating-system user. */
  osUser?: string;
}

/** A repeated parameter that names the server, database or account with different values is refused. Pure. */
export function assertNoContradictions(settings: readonly Setting[]): void {
  for (const role of TARGET_ROLES) {
    const named = settings.filter((s) => s.named && s.role === role);
    const values = [...new Set(named.map((s) => s.value))];
    if (values.length > 1) throw parameterMessages.contradictory([...new Set(named.map((s) => s.name))].join('/'), values);
  }
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new UrlProblem('malformed-url', `its port "${text}" is not a number between 1 and 65535`);
  }
  return Number(text);
}

const TLS_ROLES: Partial<Record<ParameterRole, keyof TlsSettings>> = { sslmode: 'mode', sslcert: 'cert', sslkey: 'key', sslrootcert: 'rootCert' };

interface Chosen {
  value: string;
  origin: ValueOrigin;
}

/**
 * libpq's precedence for what the string leaves unset: the service's values
 * (service from the string, else PGSERVICE), then the PG* variables.
 */
function fillFromLibpq(chosen: Map<ParameterRole, Chosen>, params: Record<string, string>, context: ConnectionContext, withService: boolean): void {
  const variable = (name: string) => {
    const found = context.variable?.(name);
    return found && found.value !== '' ? found : undefined;
  };
  const service = withService ? (chosen.get('service') ?? variable('PGSERVICE')) : undefined;
  if (service && service.value !== '') {
    const servicefile = chosen.get('servicefile')?.value;
    const locations = serviceFileLocations(
      { servicefile, PGSERVICEFILE: variable('PGSERVICEFILE')?.value, PGSYSCONFDIR: variable('PGSYSCONFDIR')?.value },
      context.home ?? '~',
    );
    const entry = lookupService(service.value, locations, context.readFile ?? (() => undefined));
    for (const line of entry.settings) {
      const role = LIBPQ_KEYWORDS[line.keyword]!.role;
      if (role === 'judged' || role === 'harmless') params[line.keyword] ??= line.value;
      else if (!chosen.has(role)) chosen.set(role, { value: line.value, origin: { kind: 'service', name: service.value, file: entry.file, parameter: line.keyword, via: service.origin } });
    }
  }
  for (const [name, keyword] of Object.entries(LIBPQ_ENVIRONMENT)) {
    const role = LIBPQ_KEYWORDS[keyword]!.role;
    const found = variable(name);
    if (!found || (!withService && role === 'hostaddr')) continue;
    if (role === 'judged') params[keyword] ??= found.value;
    else if (!chosen.has(role)) chosen.set(role, found);
  }
}

export interface BuildOptions {
  engine: EngineName;
  origin: ValueOrigin;
  srv?: boolean;
  /** Build the target as this client reads the string (settings it ignores are dropped). */
  reading?: string;
  context: ConnectionContext;
}

/**
 * The target a list of settings names: for each role the last setting wins
 * (libpq, node-postgres); for PostgreSQL the service and PG* variables fill
 * what is left, as libpq does. Pure apart from the context's file reader.
 */
export function buildTarget(settings: readonly Setting[], options: BuildOptions): Target {
  const { engine, reading, context } = options;
  const origin: ValueOrigin = reading ? { ...options.origin, reading } : options.origin;
  const used = settings.filter((s) => !(reading && s.ignoredBy?.includes(reading)));
  const chosen = new Map<ParameterRole, Chosen>();
  const params: Record<string, string> = {};
  for (const setting of used) {
    if (setting.role === 'judged' || setting.role === 'harmless') params[setting.name] = setting.value;
    else chosen.set(setting.role, { value: setting.value, origin: reading ? { ...setting.origin, reading } : setting.origin });
  }
  if (engine === 'postgres') fillFromLibpq(chosen, params, context, reading === undefined);

  const target: Target = { engine, hosts: [], database: '', tls: {}, srv: options.srv ?? false, params, origin, fields: { engine: origin } };
  const field = (name: TargetField, from: Chosen | undefined) => {
    if (from) target.fields[name] = from.origin;
  };

  const host = chosen.get('host');
  for (const entry of (host?.value ?? '').split(',').map((h) => h.trim()).filter(Boolean)) {
    if (entry.startsWith('/') || entry.startsWith('@')) target.socket ??= entry;
    else target.hosts.push(entry);
  }
  if (target.socket) field('socket', host);
  const hostaddr = chosen.get('hostaddr');
  // libpq connects to hostaddr and uses host only to check certificates and find passwords: judge both.
  const addresses = (hostaddr?.value ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  if (addresses.length > 0) target.hostaddrs = addresses;
  for (const address of addresses) if (!target.hosts.includes(address)) target.hosts.push(address);
  target.host = target.hosts[0];
  const namedHosts = (host?.value ?? '').split(',').some((h) => h.trim() !== '' && !h.trim().startsWith('/'));
  if (target.hosts.length > 0) field('host', namedHosts ? host : hostaddr);
  const socket = chosen.get('socket');
  if (socket && socket.value !== '') {
    target.socket = socket.value;
    field('socket', socket);
  }

  const port = chosen.get('port');
  const firstPort = (port?.value ?? '').split(',').map((p) => p.trim());
  firstPort.filter(Boolean).forEach(parsePort);
  if (firstPort[0]) {
    target.port = parsePort(firstPort[0]);
    field('port', port);
  }

  const user = chosen.get('user');
  if (user && user.value !== '') {
    target.user = user.value;
    field('user', user);
  }
  const password = chosen.get('password');
  if (password) {
    target.password = password.value;
    field('password', password);
  }
  const database = chosen.get('database');
  if (database && database.value !== '') {
    target.database = database.value;
    field('database', database);
  } else if (engine === 'postgres') {
    // libpq connects to the database named like the user when none is given.
    const fallback = target.user ?? context.osUser;
    if (fallback) {
      target.database = fallback;
      target.fields.database = { kind: 'default', name: 'libpq default: the user name' };
    }
  }
  for (const [role, key] of Object.entries(TLS_ROLES) as Array<[ParameterRole, keyof TlsSettings]>) {
    const tls = chosen.get(role);
    if (!tls) continue;
    // mysql2's ssl={"cert":…} is a JSON object: a certificate in it is certificate authentication.
    if (role === 'sslmode' && /"(cert|key|pfx)"\s*:/.test(tls.value)) target.tls.cert = tls.value;
    else target.tls[key] = tls.value;
    field('tls', tls);
  }
  return target;
}

/** Do two readings of one string reach different databases (server, port, database or user)? */
export function differentTargets(a: Target, b: Target): boolean {
  const key = (t: Target) => [t.hosts.join(','), t.socket ?? '', t.port ?? '', t.database, t.user ?? ''].join('\u0000');
  return key(a) !== key(b);
}
