import path from 'node:path';
import type { EngineName } from '../types.js';
import { laravelMessages } from './messages-laravel-rails-django.js';
import { isInMemorySqlite } from './project-files.js';
import { phpArrayEntry, readReturnedPhpArray, type PhpValue } from './php-array.js';
import type { FrameworkCandidate, FrameworkField, FrameworkProblem, FrameworkSource } from './types.js';

/** A variable as Laravel's env() sees it for this command, and where it came from. */
export type LaravelLookup = (name: string) => { value: string; source: FrameworkSource } | undefined;

const DRIVER_ENGINES: Record<string, EngineName | 'unsupported'> = {
  sqlite: 'sqlite',
  mysql: 'mysql',
  mariadb: 'mysql',
  pgsql: 'postgres',
  sqlsrv: 'unsupported',
};

/** config/database.php keys → the fields of a candidate. */
const CONNECTION_FIELDS: [string, Exclude<FrameworkField, 'engine'>][] = [
  ['host', 'host'],
  ['port', 'port'],
  ['database', 'database'],
  ['username', 'user'],
  ['password', 'password'],
  ['unix_socket', 'socket'],
];

/** Laravel's path helpers, relative to the project root. */
const PATH_HELPERS: Record<string, string> = { database_path: 'database', storage_path: 'storage', base_path: '.' };

type Evaluated = { value: string | undefined; source: FrameworkSource } | 'computed';

/**
 * The database of Laravel's default connection as config/database.php
 * describes it, read as text (never executed): `'default' =>
 * env('DB_CONNECTION', 'sqlite')` and that connection's env('DB_*', default)
 * values, with the defaults Laravel applies when the variables are unset
 * (`database_path('database.sqlite')`).
 */
export function readLaravelDatabaseConfig(
  root: string,
  file: string,
  text: string | undefined,
  lookup: LaravelLookup,
  problems: FrameworkProblem[],
): FrameworkCandidate | undefined {
  if (text === undefined) return undefined;
  let config: PhpValue;
  try {
    config = readReturnedPhpArray(text);
  } catch (error) {
    problems.push({ framework: 'laravel', file, message: laravelMessages.notParsed(file, (error as Error).message) });
    return undefined;
  }
  const evaluate = (value: PhpValue | undefined, key: string): Evaluated => evaluatePhp(value, root, file, key, lookup);
  const defaultName = evaluate(phpArrayEntry(config, 'default'), 'default');
  if (defaultName === 'computed' || defaultName.value === undefined) {
    problems.push({ framework: 'laravel', file, message: laravelMessages.computedDefault(file) });
    return undefined;
  }
  const name = defaultName.value;
  const connection = phpArrayEntry(phpArrayEntry(config, 'connections'), name);
  if (connection === undefined) {
    problems.push({ framework: 'laravel', file, message: laravelMessages.connectionMissing(file, name) });
    return undefined;
  }
  const key = (entry: string) => `connections.${name}.${entry}`;
  const driver = evaluate(phpArrayEntry(connection, 'driver'), key('driver'));
  if (driver === 'computed' || driver.value === undefined) {
    problems.push({ framework: 'laravel', file, message: laravelMessages.computedField(file, name, 'driver') });
    return undefined;
  }
  const engine = DRIVER_ENGINES[driver.value];
  if (engine === undefined || engine === 'unsupported') {
    problems.push({ framework: 'laravel', file, message: laravelMessages.unsupportedDriver(file, name, driver.value) });
    return undefined;
  }
  const candidate: FrameworkCandidate = {
    framework: 'laravel',
    label: `config/database.php connection '${name}'`,
    relativeTo: root,
    source: { file, key: `connections.${name}` },
  };
  const url = evaluate(phpArrayEntry(connection, 'url'), key('url'));
  if (url !== 'computed' && url.value) {
    // A URL read from a variable replaces dbsafe's generic reading of that variable.
    const source = url.source.variable && !url.source.isDefault ? { ...candidate.source, variable: url.source.variable } : candidate.source;
    return { ...candidate, source, url: url.value, fieldSources: { database: url.source } };
  }
  const fields: NonNullable<FrameworkCandidate['fields']> = { engine };
  const fieldSources: NonNullable<FrameworkCandidate['fieldSources']> = { engine: defaultName.source };
  for (const [entry, field] of CONNECTION_FIELDS) {
    const value = evaluate(phpArrayEntry(connection, entry), key(entry));
    if (value === 'computed') {
      if (field === 'user' || field === 'password') continue;
      problems.push({ framework: 'laravel', file, message: laravelMessages.computedField(file, name, entry) });
      return undefined;
    }
    if (value.value === undefined || value.value === '') continue;
    fields[field] = value.value;
    fieldSources[field] = value.source;
  }
  if (engine === 'sqlite' && isInMemorySqlite(fields.database)) return undefined;
  return { ...candidate, fields, fieldSources };
}

function evaluatePhp(value: PhpValue | undefined, root: string, file: string, key: string, lookup: LaravelLookup): Evaluated {
  const written: FrameworkSource = { file, key };
  if (value === undefined) return { value: undefined, source: written };
  switch (value.kind) {
    case 'string':
    case 'number':
      return { value: value.value, source: written };
    case 'constant':
      return { value: value.value === 'null' ? undefined : value.value, source: written };
    case 'call': {
      const [first, second] = value.args;
      if (value.name === 'env' && first?.kind === 'string') {
        const found = lookup(first.value);
        if (found) return { value: laravelEnvValue(found.value), source: found.source };
        const fallback = evaluatePhp(second, root, file, key, lookup);
        return fallback === 'computed' ? fallback : { value: fallback.value, source: { ...written, isDefault: true } };
      }
      const helperDir = PATH_HELPERS[value.name];
      if (helperDir !== undefined && (first === undefined || first.kind === 'string')) {
        return { value: path.join(root, helperDir, first?.value ?? ''), source: written };
      }
      return 'computed';
    }
    default:
      return 'computed';
  }
}

/** Laravel's env() reads "null" and "(null)" as null, "empty" and "(empty)" as ''. */
function laravelEnvValue(value: string): string | undefined {
  const lower = value.toLowerCase();
  if (lower === 'null' || lower === '(null)') return undefined;
  if (lower === 'empty' || lower === '(empty)') return '';
  return value;
}
