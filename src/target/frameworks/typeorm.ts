import path from 'node:path';
import type { EngineName } from '../types.js';
import { connectionCandidate, type Collected } from './js-candidates.js';
import { findFile, readJsModule } from './js-config-file.js';
import type { JsValue } from './js-expression.js';
import type { JsModule } from './js-module.js';
import { jsFrameworkMessages } from './js-messages.js';
import { followValue, resolveScalar, type ConnectionField, type ValueContext } from './js-values.js';
import { commandWords, flagValue } from './node-command.js';
import type { FrameworkInput, FrameworkReading } from './types.js';

// TypeORM 0.3's CLI loads the data source file named by -d/--dataSource; the
// application usually keeps it at data-source.ts or src/data-source.ts (as
// `typeorm init` writes it). TypeORM 0.2 read ormconfig.* and TYPEORM_*
// variables. SQLite `database` paths are relative to the working directory.
const DATA_SOURCE_NAMES = ['src/data-source.ts', 'data-source.ts', 'src/data-source.js', 'data-source.js', 'src/data-source.mts', 'src/data-source.mjs'];
const ORMCONFIG_NAMES = ['ormconfig.json', 'ormconfig.js', 'ormconfig.ts', 'ormconfig.cjs'];
const CLI_WORDS = /^typeorm(-ts-node-(commonjs|esm))?$/;

/** TypeORM's `type` → engine; `false`: not an engine dbsafe can judge. */
const ENGINE_BY_TYPE: Readonly<Record<string, EngineName | false>> = {
  postgres: 'postgres',
  cockroachdb: 'postgres',
  'aurora-postgres': 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  'aurora-mysql': 'mysql',
  sqlite: 'sqlite',
  'better-sqlite3': 'sqlite',
  capacitor: 'sqlite',
  mongodb: 'mongodb',
};

const FIELD_KEYS: Readonly<Record<string, ConnectionField>> = { host: 'host', port: 'port', username: 'user', password: 'password', database: 'database', socketPath: 'socket' };

/** The TypeORM 0.2 variables, as the keys of an options object. */
const TYPEORM_VARIABLES: Readonly<Record<string, string>> = {
  type: 'TYPEORM_CONNECTION',
  url: 'TYPEORM_URL',
  host: 'TYPEORM_HOST',
  port: 'TYPEORM_PORT',
  username: 'TYPEORM_USERNAME',
  password: 'TYPEORM_PASSWORD',
  database: 'TYPEORM_DATABASE',
};

function isTypeormCommand(input: FrameworkInput): boolean {
  return commandWords(input.argv).some((word, index) => index < 2 && CLI_WORDS.test(path.basename(word)));
}

function usesTypeorm(input: FrameworkInput): boolean {
  if (isTypeormCommand(input)) return true;
  return [input.dir, input.root].some((dir) => {
    const text = input.readFile(path.join(dir, 'package.json'));
    return typeof text === 'string' && /"typeorm"\s*:/.test(text);
  });
}

interface OptionsSpec {
  input: FrameworkInput;
  context: ValueContext;
  file: string;
  label: string;
  key: string;
  options: JsValue | undefined;
}

function readOptions({ input, context, file, label, key, options }: OptionsSpec): Collected {
  const problem = (message: string): Collected => ({ candidates: [], problems: [{ framework: 'typeorm', file, message }] });
  const object = followValue(options, context.module);
  if (object?.kind !== 'object') return problem(jsFrameworkMessages.computed(file, input.root, key, resolveScalar(object, context).computed ?? '…'));
  const type = resolveScalar(object.entries.get('type'), context);
  if (type.computed !== undefined) return problem(jsFrameworkMessages.computed(file, input.root, `${key}.type`, type.computed));
  const engine = type.value === undefined ? undefined : ENGINE_BY_TYPE[type.value];
  if (type.value !== undefined && !engine) return problem(jsFrameworkMessages.unsupportedEngine(file, input.root, `type "${type.value}"`));
  if (object.entries.has('replication')) return problem(jsFrameworkMessages.computed(file, input.root, `${key}.replication`, 'a replication set'));
  const hasUrl = object.entries.has('url');
  return connectionCandidate({
    framework: 'typeorm',
    input,
    context,
    file,
    label,
    key: hasUrl ? `${key}.url` : key,
    what: label,
    engine: engine || undefined,
    url: hasUrl ? object.entries.get('url') : engine === 'sqlite' ? object.entries.get('database') : undefined,
    fields: hasUrl || engine === 'sqlite' ? undefined : object,
    fieldKeys: FIELD_KEYS,
    relativeTo: input.dir,
  });
}

function fromVariables(input: FrameworkInput): Collected | undefined {
  if (input.variable('TYPEORM_CONNECTION') === undefined && input.variable('TYPEORM_URL') === undefined) return undefined;
  const entries = new Map<string, JsValue>(Object.entries(TYPEORM_VARIABLES).map(([key, name]) => [key, { kind: 'env', name }]));
  const module: JsModule = { bindings: new Map(), constructions: [], source: '' };
  const collected = readOptions({
    input,
    context: { variable: (name) => input.variable(name), module },
    file: path.join(input.root, '.env'),
    label: 'TYPEORM_* variables',
    key: 'TYPEORM_*',
    options: { kind: 'object', entries: new Map([...entries].filter(([, value]) => value.kind === 'env' && input.variable(value.name) !== undefined)), spread: false },
  });
  for (const candidate of collected.candidates) candidate.source = { variable: candidate.url ? 'TYPEORM_URL' : 'TYPEORM_CONNECTION' };
  return collected;
}

export function readTypeorm(input: FrameworkInput): FrameworkReading | null {
  if (!usesTypeorm(input)) return null;
  const named = isTypeormCommand(input) ? flagValue(input.argv, ['-d', '--dataSource', '--data-source']) : undefined;
  const reading: FrameworkReading = { framework: 'typeorm', candidates: [], problems: [] };
  const add = (collected: Collected) => {
    reading.candidates.push(...collected.candidates);
    reading.problems.push(...collected.problems);
  };
  const dataSourceFile = named ? path.resolve(input.dir, named) : findFile(input, input.dir, DATA_SOURCE_NAMES);
  if (dataSourceFile) {
    const read = readJsModule(input, 'typeorm', dataSourceFile);
    if (!read.found) reading.problems.push({ framework: 'typeorm', file: dataSourceFile, message: jsFrameworkMessages.missingFile(dataSourceFile, input.root, '-d') });
    else if ('problem' in read) reading.problems.push(read.problem);
    else {
      const module = read.value;
      const context: ValueContext = { variable: input.variable, module, dir: path.dirname(dataSourceFile), cwd: input.dir };
      const sources = module.constructions.filter((construction) => /(^|\.)DataSource$/.test(construction.callee));
      if (sources.length === 0) reading.problems.push({ framework: 'typeorm', file: dataSourceFile, message: jsFrameworkMessages.noConfiguration(dataSourceFile, input.root, '`new DataSource({…})`') });
      for (const [index, source] of sources.entries()) {
        const label = `${path.basename(dataSourceFile)} DataSource${sources.length > 1 ? ` #${index + 1}` : ''}`;
        add(readOptions({ input, context, file: dataSourceFile, label, key: 'DataSource', options: source.args[0] }));
      }
    }
  }
  const ormconfig = named ? undefined : findFile(input, input.dir, ORMCONFIG_NAMES);
  if (ormconfig) {
    const read = readJsModule(input, 'typeorm', ormconfig);
    if (read.found && 'problem' in read) reading.problems.push(read.problem);
    else if (read.found) {
      const module = read.value;
      const exported = followValue(module.defaultExport, module);
      const entries = exported?.kind === 'array' ? exported.items : [exported];
      for (const [index, options] of entries.entries()) {
        const label = `${path.basename(ormconfig)}${entries.length > 1 ? ` [${index}]` : ''}`;
        add(readOptions({ input, context: { variable: input.variable, module }, file: ormconfig, label, key: entries.length > 1 ? `[${index}]` : 'options', options }));
      }
    }
  }
  const variables = fromVariables(input);
  if (variables) add(variables);
  if (!dataSourceFile && !ormconfig && !variables) return null;
  return reading;
}
