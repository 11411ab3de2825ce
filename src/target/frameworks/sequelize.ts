import path from 'node:path';
import { connectionCandidate } from './js-candidates.js';
import { readJsModule } from './js-config-file.js';
import type { JsValue } from './js-expression.js';
import type { JsModule } from './js-module.js';
import { engineOfDriver } from './js-engines.js';
import { jsFrameworkMessages } from './js-messages.js';
import { followValue, objectEntry, pathCall, resolveScalar, type ConnectionField, type ValueContext } from './js-values.js';
import { commandWords, flagValue, selectNodeEnvironment } from './node-command.js';
import type { FrameworkInput, FrameworkProblem, FrameworkReading } from './types.js';

// sequelize-cli reads .sequelizerc (or --options-path) from the directory it
// runs in; its `config` entry (or --config) names the configuration, by
// default config/config.json. SQLite `storage` is relative to that directory.
const DEFAULT_CONFIG = 'config/config.json';
const FIELD_KEYS: Readonly<Record<string, ConnectionField>> = { host: 'host', port: 'port', username: 'user', password: 'password', database: 'database' };

/** `path.resolve('config', 'database.json')`, `path.join(__dirname, 'db', 'config.js')`, or a string. */
function configPath(value: JsValue | undefined, module: JsModule, rcDir: string, cwd: string): string | undefined {
  const followed = followValue(value, module);
  if (followed?.kind === 'string') return path.resolve(cwd, followed.value);
  return followed ? pathCall(followed, { dir: rcDir, cwd }) : undefined;
}

function findConfig(input: FrameworkInput, problems: FrameworkProblem[]): { file: string; named?: string } | undefined {
  const flagged = flagValue(input.argv, ['--config']);
  if (flagged) return { file: path.resolve(input.dir, flagged), named: '--config' };
  const rcFile = path.resolve(input.dir, flagValue(input.argv, ['--options-path']) ?? '.sequelizerc');
  const rc = readJsModule(input, 'sequelize', rcFile);
  if (rc.found && 'problem' in rc) problems.push(rc.problem);
  if (rc.found && 'value' in rc) {
    const entry = objectEntry(rc.value.defaultExport, 'config', rc.value);
    if (entry) {
      const file = configPath(entry, rc.value, path.dirname(rcFile), input.dir);
      if (file) return { file, named: `${path.basename(rcFile)} config` };
      const text = resolveScalar(entry, { module: rc.value, variable: input.variable }).computed ?? '…';
      problems.push({ framework: 'sequelize', file: rcFile, message: jsFrameworkMessages.computed(rcFile, input.root, 'config', text) });
      return undefined;
    }
  }
  const file = path.join(input.dir, DEFAULT_CONFIG);
  // config/config.json is a common name: it is Sequelize's only with .sequelizerc, the dependency or the CLI.
  if (!rc.found && (input.readFile(file) === undefined || !usesSequelize(input))) return undefined;
  return { file };
}

function usesSequelize(input: FrameworkInput): boolean {
  if (commandWords(input.argv).some((word, index) => index < 2 && /^sequelize(-cli)?$/.test(path.basename(word)))) return true;
  return [input.dir, input.root].some((dir) => {
    const text = input.readFile(path.join(dir, 'package.json'));
    return typeof text === 'string' && /"sequelize(-cli)?"\s*:/.test(text);
  });
}

export function readSequelize(input: FrameworkInput): FrameworkReading | null {
  const problems: FrameworkProblem[] = [];
  const located = findConfig(input, problems);
  const urlFlag = flagValue(input.argv, ['--url']);
  if (!located && problems.length === 0 && !urlFlag) return null;
  const selected = selectNodeEnvironment(input, 'sequelize-cli', ['--env']);
  const reading: FrameworkReading = { framework: 'sequelize', environment: selected.environment, candidates: [], problems };
  if (selected.variables) reading.variables = selected.variables;
  if (urlFlag) {
    // `sequelize db:migrate --url …` ignores the configuration file.
    reading.candidates.push({ framework: 'sequelize', label: 'sequelize --url', url: urlFlag, relativeTo: input.dir, source: { key: '--url' } });
    return reading;
  }
  if (!located) return reading;
  const { file } = located;
  const read = readJsModule(input, 'sequelize', file);
  if (!read.found) {
    problems.push({ framework: 'sequelize', file, message: jsFrameworkMessages.missingFile(file, input.root, located.named ?? DEFAULT_CONFIG) });
    return reading;
  }
  if ('problem' in read) {
    problems.push(read.problem);
    return reading;
  }
  const module = read.value;
  const context: ValueContext = { variable: (name) => (name === 'NODE_ENV' ? selected.name : input.variable(name)), module, dir: path.dirname(file), cwd: input.dir };
  const exported = followValue(module.defaultExport, module);
  if (exported?.kind !== 'object') {
    problems.push({ framework: 'sequelize', file, message: jsFrameworkMessages.noConfiguration(file, input.root, 'exported configuration') });
    return reading;
  }
  const config = followValue(exported.entries.get(selected.name), module);
  if (config?.kind !== 'object') {
    const message = config
      ? jsFrameworkMessages.noConfiguration(file, input.root, `"${selected.name}" configuration`)
      : jsFrameworkMessages.missingEnvironment(file, input.root, selected.name, [...exported.entries.keys()]);
    problems.push({ framework: 'sequelize', file, message });
    return reading;
  }
  const dialect = resolveScalar(config.entries.get('dialect'), context).value;
  const engine = dialect ? engineOfDriver(dialect) : undefined;
  if (dialect && !engine) {
    problems.push({ framework: 'sequelize', file, message: jsFrameworkMessages.unsupportedEngine(file, input.root, `dialect "${dialect}"`) });
    return reading;
  }
  const envVariable = resolveScalar(config.entries.get('use_env_variable'), context).value;
  const url = envVariable ? ({ kind: 'env', name: envVariable } as const) : config.entries.get('url');
  if (!engine && !url) {
    const why = config.spread ? jsFrameworkMessages.computed(file, input.root, `${selected.name}.dialect`, '...spread') : jsFrameworkMessages.noDialect(file, input.root, selected.name);
    problems.push({ framework: 'sequelize', file, message: why });
    return reading;
  }
  const isSqlite = engine === 'sqlite';
  // Sequelize's SQLite without `storage` is an in-memory database: nothing to judge or back up.
  if (isSqlite && !config.entries.has('storage') && !url) return reading;
  const collected = connectionCandidate({
    framework: 'sequelize',
    input,
    context,
    file,
    label: `${path.basename(file)} \`${selected.name}\``,
    key: envVariable ? `${selected.name}.use_env_variable` : url ? `${selected.name}.url` : selected.name,
    what: `the ${selected.name} configuration`,
    engine,
    url: url ?? (isSqlite ? config.entries.get('storage') : undefined),
    fields: url || isSqlite ? undefined : config,
    fieldKeys: FIELD_KEYS,
    relativeTo: input.dir,
  });
  reading.candidates.push(...collected.candidates);
  problems.push(...collected.problems);
  return reading;
}
