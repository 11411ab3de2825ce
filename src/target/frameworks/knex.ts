import path from 'node:path';
import { connectionCandidate } from './js-candidates.js';
import { findFile, readJsModule } from './js-config-file.js';
import { engineOfDriver } from './js-engines.js';
import { jsFrameworkMessages } from './js-messages.js';
import { followValue, resolveScalar, type ConnectionField, type ValueContext } from './js-values.js';
import { flagValue, selectNodeEnvironment } from './node-command.js';
import type { FrameworkInput, FrameworkReading } from './types.js';

// The knex CLI finds knexfile.* in the working directory (or --knexfile), and
// changes into the knexfile's directory, so SQLite filenames are relative to it.
const KNEXFILE_NAMES = ['knexfile.js', 'knexfile.ts', 'knexfile.cjs', 'knexfile.mjs', 'knexfile.mts', 'knexfile.cts'];

const CONNECTION_KEYS: Readonly<Record<string, ConnectionField>> = {
  host: 'host',
  port: 'port',
  user: 'user',
  password: 'password',
  database: 'database',
  filename: 'database',
  socketPath: 'socket',
};

function findKnexfile(input: FrameworkInput): string | undefined {
  const named = flagValue(input.argv, ['--knexfile']);
  if (named) return path.resolve(input.dir, named);
  return findFile(input, input.dir, KNEXFILE_NAMES) ?? (input.dir === input.root ? undefined : findFile(input, input.root, KNEXFILE_NAMES));
}

export function readKnex(input: FrameworkInput): FrameworkReading | null {
  const file = findKnexfile(input);
  if (!file) return null;
  const selected = selectNodeEnvironment(input, 'knex', ['--env']);
  const reading: FrameworkReading = { framework: 'knex', environment: selected.environment, candidates: [], problems: [] };
  if (selected.variables) reading.variables = selected.variables;
  const read = readJsModule(input, 'knex', file);
  if (!read.found) {
    reading.problems.push({ framework: 'knex', file, message: jsFrameworkMessages.missingFile(file, input.root, '--knexfile') });
    return reading;
  }
  if ('problem' in read) {
    reading.problems.push(read.problem);
    return reading;
  }
  const module = read.value;
  const context: ValueContext = { variable: (name) => (name === 'NODE_ENV' ? selected.name : input.variable(name)), module, dir: path.dirname(file), cwd: path.dirname(file) };
  const exported = followValue(module.defaultExport, module);
  if (exported?.kind !== 'object') {
    reading.problems.push({ framework: 'knex', file, message: jsFrameworkMessages.noConfiguration(file, input.root, 'exported configuration') });
    return reading;
  }
  // A knexfile that exports one configuration (with `client`) serves every environment.
  const isSingle = exported.entries.has('client') || exported.entries.has('connection');
  const config = isSingle ? exported : followValue(exported.entries.get(selected.name), module);
  const keyPrefix = isSingle ? '' : `${selected.name}.`;
  if (!config) {
    const present = [...exported.entries.keys()];
    const message = exported.spread
      ? jsFrameworkMessages.noConfiguration(file, input.root, `"${selected.name}" environment`)
      : jsFrameworkMessages.missingEnvironment(file, input.root, selected.name, present);
    reading.problems.push({ framework: 'knex', file, message });
    return reading;
  }
  if (config.kind !== 'object') {
    reading.problems.push({ framework: 'knex', file, message: jsFrameworkMessages.noConfiguration(file, input.root, `"${selected.name}" configuration`) });
    return reading;
  }
  if (config.spread && !config.entries.has('client')) {
    reading.problems.push({ framework: 'knex', file, message: jsFrameworkMessages.computed(file, input.root, `${keyPrefix}client`, '...spread') });
    return reading;
  }
  const client = resolveScalar(config.entries.get('client'), context);
  const engine = client.value ? engineOfDriver(client.value) : undefined;
  if (client.value && !engine) {
    reading.problems.push({ framework: 'knex', file, message: jsFrameworkMessages.unsupportedEngine(file, input.root, `client "${client.value}"`) });
    return reading;
  }
  if (client.computed !== undefined) reading.problems.push({ framework: 'knex', file, message: jsFrameworkMessages.computed(file, input.root, `${keyPrefix}client`, client.computed) });
  const connection = followValue(config.entries.get('connection'), module);
  const isObject = connection?.kind === 'object';
  const connectionString = isObject ? connection.entries.get('connectionString') : undefined;
  const collected = connectionCandidate({
    framework: 'knex',
    input,
    context,
    file,
    label: `${path.basename(file)} ${isSingle ? 'connection' : `\`${selected.name}\``}`,
    key: `${keyPrefix}connection`,
    what: isSingle ? 'its connection' : `the ${selected.name} connection`,
    engine,
    url: isObject ? connectionString : connection,
    fields: isObject ? connection : undefined,
    fieldKeys: CONNECTION_KEYS,
    relativeTo: path.dirname(file),
  });
  reading.candidates.push(...collected.candidates);
  reading.problems.push(...collected.problems);
  return reading;
}
