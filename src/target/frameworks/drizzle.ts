import path from 'node:path';
import type { EngineName } from '../types.js';
import { connectionCandidate } from './js-candidates.js';
import { findFile, readJsModule } from './js-config-file.js';
import { jsFrameworkMessages } from './js-messages.js';
import { followValue, resolveScalar, type ConnectionField, type ValueContext } from './js-values.js';
import { flagValue } from './node-command.js';
import type { FrameworkInput, FrameworkReading } from './types.js';

// drizzle-kit reads drizzle.config.* from the directory it runs in (or --config),
// and opens SQLite files relative to that directory.
const CONFIG_NAMES = ['drizzle.config.ts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.cjs', 'drizzle.config.mts', 'drizzle.config.cts', 'drizzle.config.json'];

/** drizzle-kit's `dialect` (and the `driver` of drizzle-kit before 0.21) → engine; `false`: not an engine dbsafe can judge. */
const ENGINE_BY_DIALECT: Readonly<Record<string, EngineName | false>> = {
  postgresql: 'postgres',
  pg: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
  sqlite: 'sqlite',
  'better-sqlite': 'sqlite',
  turso: 'sqlite',
  libsql: 'sqlite',
  singlestore: false,
  gel: false,
};

/** Drivers that reach a hosted service dbsafe cannot back up (Cloudflare D1, the AWS Data API) or an embedded engine it does not know. */
const UNSUPPORTED_DRIVERS = new Set(['d1-http', 'aws-data-api', 'durable-sqlite', 'expo', 'pglite']);

const URL_KEYS = ['url', 'connectionString', 'uri'];
const FIELD_KEYS: Readonly<Record<string, ConnectionField>> = { host: 'host', port: 'port', user: 'user', password: 'password', database: 'database' };

function findConfig(input: FrameworkInput): string | undefined {
  const named = flagValue(input.argv, ['--config']);
  if (named) return path.resolve(input.dir, named);
  return findFile(input, input.dir, CONFIG_NAMES) ?? (input.dir === input.root ? undefined : findFile(input, input.root, CONFIG_NAMES));
}

export function readDrizzle(input: FrameworkInput): FrameworkReading | null {
  const file = findConfig(input);
  if (!file) return null;
  const reading: FrameworkReading = { framework: 'drizzle', candidates: [], problems: [] };
  const problem = (message: string) => reading.problems.push({ framework: 'drizzle', file, message });
  const read = readJsModule(input, 'drizzle', file);
  if (!read.found) {
    problem(jsFrameworkMessages.missingFile(file, input.root, '--config'));
    return reading;
  }
  if ('problem' in read) {
    reading.problems.push(read.problem);
    return reading;
  }
  const module = read.value;
  const context: ValueContext = { variable: input.variable, module, dir: path.dirname(file), cwd: input.dir };
  const config = followValue(module.defaultExport, module);
  if (config?.kind !== 'object') {
    problem(jsFrameworkMessages.noConfiguration(file, input.root, 'exported configuration'));
    return reading;
  }
  const driver = resolveScalar(config.entries.get('driver'), context).value;
  const dialect = resolveScalar(config.entries.get('dialect'), context).value ?? driver;
  if (driver && UNSUPPORTED_DRIVERS.has(driver)) {
    problem(jsFrameworkMessages.unsupportedEngine(file, input.root, `driver "${driver}"`));
    return reading;
  }
  const engine = dialect === undefined ? undefined : ENGINE_BY_DIALECT[dialect];
  if (engine === false || (dialect !== undefined && engine === undefined)) {
    problem(jsFrameworkMessages.unsupportedEngine(file, input.root, `dialect "${dialect}"`));
    return reading;
  }
  const credentials = followValue(config.entries.get('dbCredentials'), module);
  if (credentials && credentials.kind !== 'object') {
    const text = resolveScalar(credentials, context).computed ?? '…';
    problem(jsFrameworkMessages.computed(file, input.root, 'dbCredentials', text));
    return reading;
  }
  const urlKey = URL_KEYS.find((key) => credentials?.entries.has(key));
  const collected = connectionCandidate({
    framework: 'drizzle',
    input,
    context,
    file,
    label: `${path.basename(file)} dbCredentials`,
    key: urlKey ? `dbCredentials.${urlKey}` : 'dbCredentials',
    what: 'dbCredentials',
    engine,
    url: urlKey ? credentials?.entries.get(urlKey) : undefined,
    fields: urlKey ? undefined : credentials,
    fieldKeys: FIELD_KEYS,
    relativeTo: input.dir,
  });
  reading.candidates.push(...collected.candidates);
  reading.problems.push(...collected.problems);
  return reading;
}
