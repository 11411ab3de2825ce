import path from 'node:path';
import { FIELD_FAMILIES, LATE_URL_VARIABLES, URL_CREDENTIALS, URL_VARIABLE_SUFFIX, URL_VARIABLES, type FieldFamily } from './sources.js';
import { buildTarget, type ConnectionContext } from './connection-target.js';
import type { ReadTextFile } from './pg-service.js';
import type { ResolvedTargets, Target, TargetNotice, TargetProblem, ValueOrigin } from './types.js';
import { candidateTargets, replacedVariables, variableName } from './frameworks/candidates.js';
import { frameworkMessages } from './frameworks/messages.js';
import type { FrameworkReading } from './frameworks/types.js';
import { DEFAULT_PORTS, parseConnectionString, UrlProblem } from './url.js';

export interface DotenvFile {
  file: string;
  values: Record<string, string>;
}

export interface ResolveInput {
  /** `--url` from the command line. */
  flagUrl?: string;
  /** The shell environment. */
  env: Record<string, string | undefined>;
  /** The project's .env files, lowest precedence first; the shell environment overrides them. */
  dotenv: DotenvFile[];
  /** Project root: relative SQLite paths are resolved against it. */
  cwd: string;
  /** A variable name from the config's `target` key: that database is the primary one. */
  preferredVariable?: string;
  /** libpq's default database and user name: the operating-system user. */
  osUser?: string;
  /** Home directory (~/.pg_service.conf) and a reader for PostgreSQL service files; without them a named service is refused. */
  home?: string;
  readFile?: ReadTextFile;
  /**
   * What the project's frameworks say this command connects to (their
   * variables are already among `dotenv`): their databases come first, and a
   * candidate read from variable X replaces the generic reading of X.
   */
  frameworks?: readonly FrameworkReading[];
}

interface Variable {
  value: string;
  origin: ValueOrigin;
}

function mergeVariables(input: ResolveInput): Map<string, Variable> {
  const variables = new Map<string, Variable>();
  for (const { file, values } of input.dotenv) {
    for (const [name, value] of Object.entries(values)) variables.set(name, { value, origin: { kind: 'dotenv', name, file } });
  }
  for (const [name, value] of Object.entries(input.env)) {
    if (value !== undefined) variables.set(name, { value, origin: { kind: 'env', name } });
  }
  return variables;
}

function firstSet(variables: Map<string, Variable>, names: readonly string[]): Variable | undefined {
  for (const name of names) {
    const variable = variables.get(name);
    if (variable && variable.value !== '') return variable;
  }
  return undefined;
}

function describeOrigin(origin: ValueOrigin): string {
  if (origin.kind === 'dotenv') return `${origin.name} in ${origin.file}`;
  if (origin.kind === 'flag') return origin.name;
  return origin.name;
}

function urlProblem(origin: ValueOrigin, problem: UrlProblem): TargetProblem {
  const orUseFlag = origin.kind === 'flag' ? '' : ', or point dbsafe at the database with --url';
  const fix =
    problem.fix ??
    (problem.code === 'unknown-scheme'
      ? `Use one of the schemes listed${orUseFlag}.`
      : `Correct the URL (percent-encode special characters in the password, e.g. "@" as %40)${orUseFlag}.`);
  return {
    origin,
    code: problem.code,
    message: `The database URL in ${describeOrigin(origin)} cannot be read: ${problem.message}. ${fix}`,
  };
}

/** The family's id (`DB_*`) and every variable it reads. */
function familyNames(family: FieldFamily): string[] {
  const { id, engineVariable, presentWhen, host, port, database, user, password, socket, sslMode, sslCert, sslKey, sslRootCert } = family;
  return [id, ...(engineVariable ? [engineVariable.name] : []), ...presentWhen, ...host, ...port, ...database, ...user, ...password, ...socket, ...sslMode, ...sslCert, ...sslKey, ...sslRootCert];
}

function unsetTargetVariable(name: string): TargetProblem {
  return {
    origin: { kind: 'config', name },
    code: 'target-variable-unset',
    message: `The dbsafe configuration's "target" names ${name}, which is not set (or is empty) in the environment or the project's .env files, so dbsafe does not know which database guarded commands use (it never falls back to another one). Set ${name} to the database's URL (in .env or the environment), or change "target" to the variable that holds it (e.g. "DATABASE_URL").`,
  };
}

function fromFamily(family: FieldFamily, variables: Map<string, Variable>, input: ResolveInput, context: ConnectionContext): Target | TargetProblem | null {
  const present = firstSet(variables, family.presentWhen);
  if (!present) return null;
  if (family.libpq) {
    // libpq's own rules: the service (PGSERVICE), then the PG* variables, then its defaults.
    try {
      return buildTarget([], { engine: 'postgres', origin: present.origin, context });
    } catch (error) {
      if (error instanceof UrlProblem) return urlProblem(present.origin, error);
      throw error;
    }
  }

  let engine = family.engine;
  let engineOrigin: ValueOrigin = present.origin;
  const engineVariable = family.engineVariable ? variables.get(family.engineVariable.name) : undefined;
  if (family.engineWhenUnset && (!engineVariable || engineVariable.value === '')) {
    const port = firstSet(variables, family.port);
    engine = (port && family.engineWhenUnset.byPort[port.value]) || family.engineWhenUnset.otherwise;
    engineOrigin = { kind: 'default', name: `${engine} assumed: ${family.engineVariable?.name ?? 'no engine variable'} is not set` };
  } else if (family.engineVariable) {
    const engineVar = engineVariable;
    if (!engineVar || engineVar.value === '') {
      return {
        origin: present.origin,
        code: 'incomplete',
        message: `${describeOrigin(present.origin)} names a database but ${family.engineVariable.name} is not set, so dbsafe cannot tell which engine it is. Set ${family.engineVariable.name} (${Object.keys(family.engineVariable.values).join(', ')}) or use DATABASE_URL.`,
      };
    }
    const mapped = family.engineVariable.values[engineVar.value.toLowerCase()];
    if (!mapped || mapped === 'unsupported') {
      return {
        origin: engineVar.origin,
        code: 'unknown-scheme',
        message: `${describeOrigin(engineVar.origin)} is "${engineVar.value}", an engine dbsafe does not support. Supported: ${Object.entries(family.engineVariable.values).filter(([, e]) => e !== 'unsupported').map(([v]) => v).join(', ')}.`,
      };
    }
    engine = mapped;
    engineOrigin = engineVar.origin;
  }
  if (!engine) return null;

  const field = (names: readonly string[]) => firstSet(variables, names);
  const target: Target = {
    engine,
    hosts: [],
    database: '',
    tls: {},
    srv: false,
    params: {},
    origin: present.origin,
    fields: { engine: engineOrigin },
  };

  const database = field(family.database);
  if (engine === 'sqlite') {
    const file = database?.value ?? family.defaults.sqliteFile;
    if (!file) return { origin: present.origin, code: 'incomplete', message: `The SQLite database file is not named. Set ${family.database.join(' or ')}.` };
    target.database = path.resolve(input.cwd, file);
    target.fields.database = database?.origin ?? { kind: 'default', name: `default file ${file}` };
    return target;
  }

  const host = field(family.host);
  const socket = field(family.socket);
  if (host?.value.startsWith('/')) {
    target.socket = host.value;
    target.fields.socket = host.origin;
  } else if (host) {
    target.hosts = host.value.split(',').map((h) => h.trim()).filter(Boolean);
    target.host = target.hosts[0];
    target.fields.host = host.origin;
  } else if (family.defaults.host) {
    target.host = family.defaults.host;
    target.hosts = [family.defaults.host];
    target.fields.host = { kind: 'default', name: `default host ${family.defaults.host}` };
  }
  if (socket) {
    target.socket = socket.value;
    target.fields.socket = socket.origin;
  }

  const port = field(family.port);
  if (port) {
    const n = Number(port.value);
    if (!/^\d{1,5}$/.test(port.value) || n < 1 || n > 65535) {
      return { origin: port.origin, code: 'malformed-url', message: `${describeOrigin(port.origin)} is "${port.value}", not a port number between 1 and 65535. Correct it.` };
    }
    target.port = n;
    target.fields.port = port.origin;
  }

  const user = field(family.user);
  if (user) {
    target.user = user.value;
    target.fields.user = user.origin;
  }
  const password = family.password.map((name) => variables.get(name)).find((v) => v !== undefined);
  if (password) {
    target.password = password.value;
    target.fields.password = password.origin;
  }

  if (database) {
    target.database = database.value;
    target.fields.database = database.origin;
  } else if (engine === 'postgres') {
    // libpq connects to the database named like the user when none is given.
    const fallback = target.user ?? input.osUser;
    if (fallback) {
      target.database = fallback;
      target.fields.database = { kind: 'default', name: 'libpq default: the user name' };
    }
  }
  if (target.database === '') {
    return { origin: present.origin, code: 'incomplete', message: `${describeOrigin(present.origin)} names a database server but no database. Set ${family.database.join(' or ')}.` };
  }

  const tlsFields: Array<[keyof Target['tls'], readonly string[]]> = [
    ['mode', family.sslMode],
    ['cert', family.sslCert],
    ['key', family.sslKey],
    ['rootCert', family.sslRootCert],
  ];
  for (const [key, names] of tlsFields) {
    const value = field(names);
    if (value) {
      target.tls[key] = value.value;
      target.fields.tls = value.origin;
    }
  }
  return target;
}

/** The user and password given beside a URL that carries none (SPRING_DATASOURCE_USERNAME beside SPRING_DATASOURCE_URL). */
function withCredentials(target: Target, variables: Map<string, Variable>): Target {
  const names = URL_CREDENTIALS[target.origin.name];
  if (!names) return target;
  const user = variables.get(names.user);
  const password = variables.get(names.password);
  const result = { ...target, fields: { ...target.fields } };
  if (target.user === undefined && user && user.value !== '') {
    result.user = user.value;
    result.fields.user = user.origin;
  }
  if (target.password === undefined && password) {
    result.password = password.value;
    result.fields.password = password.origin;
  }
  return result;
}

function sameDatabase(a: Target, b: Target): boolean {
  return (
    a.engine === b.engine &&
    a.database === b.database &&
    (a.host ?? a.socket ?? '') === (b.host ?? b.socket ?? '') &&
    (a.port ?? DEFAULT_PORTS[a.engine]) === (b.port ?? DEFAULT_PORTS[b.engine]) &&
    (a.user ?? '') === (b.user ?? '')
  );
}

/**
 * What parseConnectionString needs to read a connection string as libpq would
 * in this project: the variables of the shell and .env files (PG*, PGSERVICE),
 * the home directory and the service file reader. For connection strings found
 * elsewhere (a command line) too.
 */
export function connectionContext(input: ResolveInput, variables: Map<string, Variable> = mergeVariables(input)): ConnectionContext {
  return { cwd: input.cwd, variable: (name) => variables.get(name), home: input.home, readFile: input.readFile, osUser: input.osUser };
}

/**
 * Every database the project names, in the order of PRODUCT.md "Which database":
 * --url, DATABASE_URL, the DB_* family, libpq's PG*, MySQL's MYSQL_*, MongoDB
 * URIs, then any *DATABASE_URL / *DB_URL variable. Values from the shell
 * environment override the same names in .env files. Pure.
 */
export function resolveTargets(input: ResolveInput): ResolvedTargets {
  const variables = mergeVariables(input);
  const context = connectionContext(input, variables);
  const candidates: Array<{ target: Target; variable: string }> = [];
  const problems: TargetProblem[] = [];

  const addUrl = (value: string, origin: ValueOrigin) => {
    if (value.trim() === '') return;
    try {
      for (const target of parseConnectionString(value, origin, context)) candidates.push({ target: withCredentials(target, variables), variable: origin.name });
    } catch (error) {
      if (error instanceof UrlProblem) problems.push(urlProblem(origin, error));
      else throw error;
    }
  };

  if (input.flagUrl !== undefined) addUrl(input.flagUrl, { kind: 'flag', name: '--url' });

  const readings = input.frameworks ?? [];
  for (const reading of readings) {
    for (const candidate of reading.candidates) {
      const result = candidateTargets(candidate, (name) => variables.get(name), context);
      if ('code' in result) problems.push(result);
      else for (const target of result) candidates.push({ target, variable: candidate.source.variable ? variableName(candidate.source.variable) : `${candidate.framework} configuration` });
    }
  }

  const replaced = replacedVariables(readings);
  const seenUrlVariables = new Set(replaced);
  const readUrlVariable = (name: string) => {
    if (replaced.has(name)) return;
    seenUrlVariables.add(name);
    const variable = variables.get(name);
    if (variable) addUrl(variable.value, variable.origin);
  };
  URL_VARIABLES.forEach(readUrlVariable);

  for (const family of FIELD_FAMILIES) {
    const result = fromFamily(family, variables, input, context);
    if (result === null) continue;
    if ('code' in result) problems.push(result);
    else candidates.push({ target: result, variable: family.id });
  }

  LATE_URL_VARIABLES.forEach(readUrlVariable);
  [...variables.keys()]
    .filter((name) => URL_VARIABLE_SUFFIX.test(name) && !seenUrlVariables.has(name))
    .sort()
    .forEach(readUrlVariable);
  // The config may name a variable no rule above reads (`"target": "MAIN_DB"`): it holds a URL.
  const named = input.preferredVariable;
  if (named && !seenUrlVariables.has(named) && !FIELD_FAMILIES.some((family) => familyNames(family).includes(named))) readUrlVariable(named);

  const all: Target[] = [];
  let preferred: Target | undefined;
  for (const { target, variable } of candidates) {
    const duplicate = all.find((existing) => sameDatabase(existing, target));
    if (named && (variable === named || target.origin.name === named || Object.values(target.fields).some((origin) => origin?.name === named))) {
      preferred = duplicate ?? target;
    }
    if (!duplicate) all.push(target);
  }
  // --url wins over the config; without it, the database the config names or none: never a silent fall-back to another one.
  const flagTarget = input.flagUrl === undefined ? undefined : candidates.find((c) => c.variable === '--url')?.target;
  if (named && !preferred && !flagTarget && !problems.some((problem) => problem.origin.name === named)) problems.push(unsetTargetVariable(named));
  const primary = flagTarget ?? (named ? preferred : all[0]) ?? null;
  const ordered = primary ? [primary, ...all.filter((t) => t !== primary)] : all;
  // A framework file dbsafe could not read: judged on what could be read, refused when nothing could.
  const notices: TargetNotice[] = [];
  for (const problem of readings.flatMap((reading) => reading.problems)) {
    if (all.length > 0 || problems.length > 0) notices.push({ framework: problem.framework, file: problem.file, message: problem.message });
    else problems.push({ origin: { kind: 'framework', name: problem.framework, file: problem.file }, code: 'incomplete', message: frameworkMessages.nothingReadable(problem) });
  }
  return { primary, all: ordered, problems, ...(notices.length > 0 ? { notices } : {}) };
}
