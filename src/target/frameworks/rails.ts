import path from 'node:path';
import type { EngineName } from '../types.js';
import { railsMessages } from './messages-laravel-rails-django.js';
import { evaluateErb, UNEVALUATED, type ErbUse } from './rails-erb.js';
import { railsEnvironment } from './rails-environment.js';
import { readYamlTree, type YamlTree } from './rails-yaml.js';
import { findFrameworkDir, isInMemorySqlite, parseDotenvText, projectFileExists, readProjectFile, shellVariables } from './project-files.js';
import type { FrameworkCandidate, FrameworkField, FrameworkInput, FrameworkProblem, FrameworkReader, FrameworkSource } from './types.js';

const ADAPTER_ENGINES: Record<string, EngineName> = {
  postgresql: 'postgres',
  postgis: 'postgres',
  mysql2: 'mysql',
  trilogy: 'mysql',
  mysql: 'mysql',
  sqlite3: 'sqlite',
  sqlite: 'sqlite',
};

/** database.yml keys → the fields of a candidate. */
const YAML_FIELDS: [string, Exclude<FrameworkField, 'engine'>][] = [
  ['host', 'host'],
  ['port', 'port'],
  ['database', 'database'],
  ['username', 'user'],
  ['password', 'password'],
  ['socket', 'socket'],
];

/** Without these Rails would connect somewhere dbsafe cannot name: the entry is not judged as a target. */
const ESSENTIAL = new Set<string>(['adapter', 'url', 'host', 'port', 'database', 'socket']);

/**
 * Rails (config/database.yml with a Gemfile naming rails, or
 * config/application.rb): the entries of the current RAILS_ENV after ERB,
 * anchors and merge keys, with DATABASE_URL (`<NAME>_DATABASE_URL` for other
 * databases) merged into entries that have no `url:` of their own.
 */
export const readRails: FrameworkReader = (input) => {
  const dir = findFrameworkDir(input, path.join('config', 'database.yml'));
  if (dir === undefined || !usesRails(input, dir)) return null;
  const file = path.join(dir, 'config', 'database.yml');
  const problems: FrameworkProblem[] = [];
  const dotenv = parseDotenvText(readProjectFile(input, 'rails', path.join(dir, '.env'), problems));
  const environment = railsEnvironment(input.argv, shellVariables(input, dir, dotenv), Boolean(input.variable('DATABASE_URL')));
  const reading = { framework: 'rails' as const, environment: { name: environment.name, reason: environment.reason }, candidates: [] as FrameworkCandidate[], problems };

  const text = readProjectFile(input, 'rails', file, problems);
  if (text === undefined) return reading;
  const erb = evaluateErb(text, input.variable);
  for (const failure of erb.failures) {
    const message = failure.unset ? railsMessages.erbFetchUnset(file, failure.line, failure.unset) : railsMessages.erbNotEvaluated(file, failure.line, failure.code, failure.reason);
    problems.push({ framework: 'rails', file, message });
  }
  const parsed = readYamlTree(erb.text);
  if ('error' in parsed) {
    problems.push({ framework: 'rails', file, message: railsMessages.yamlSyntax(file, parsed.error.line, parsed.error.message) });
    return reading;
  }
  if (parsed.tree.kind !== 'map') {
    problems.push({ framework: 'rails', file, message: railsMessages.notAMapping(file) });
    return reading;
  }
  const environments = environment.alsoTest ? [environment.name, 'test'] : [environment.name];
  for (const name of environments) {
    const entry = parsed.tree.entries.get(name);
    if (entry?.kind !== 'map') continue;
    const context: EntryContext = { input, dir, file, uses: erb.uses, problems, current: name === environment.name };
    for (const [database, config] of databaseConfigs(name, entry)) {
      const candidate = railsCandidate(context, database, config);
      if (candidate) reading.candidates.push(candidate);
    }
  }
  return reading;
};

function usesRails(input: FrameworkInput, dir: string): boolean {
  if (projectFileExists(input, path.join(dir, 'config', 'application.rb'))) return true;
  const gemfile = input.readFile(path.join(dir, 'Gemfile'));
  return typeof gemfile === 'string' && /^\s*gem\s+["'](rails|railties|activerecord)["']/m.test(gemfile);
}

/** One entry per database: a flat entry is `primary`; an entry whose values are all mappings holds several (primary:, animals:). */
function databaseConfigs(environment: string, entry: Extract<YamlTree, { kind: 'map' }>): [{ key: string; name: string }, Extract<YamlTree, { kind: 'map' }>][] {
  const values = [...entry.entries.values()];
  if (values.length > 0 && values.every((value) => value.kind === 'map')) {
    return [...entry.entries].map(([name, config]) => [{ key: `${environment}.${name}`, name }, config as Extract<YamlTree, { kind: 'map' }>]);
  }
  return [[{ key: environment, name: 'primary' }, entry]];
}

interface EntryContext {
  input: FrameworkInput;
  dir: string;
  file: string;
  uses: ErbUse[];
  problems: FrameworkProblem[];
  /** The entry of the current environment: DATABASE_URL merges into it. */
  current: boolean;
}

function scalarText(tree: YamlTree | undefined): string | undefined {
  if (tree?.kind !== 'scalar' || tree.value === null || tree.value === '') return undefined;
  return String(tree.value);
}

function railsCandidate(context: EntryContext, database: { key: string; name: string }, config: Extract<YamlTree, { kind: 'map' }>): FrameworkCandidate | undefined {
  const { file, problems } = context;
  for (const [key, value] of config.entries) {
    if (ESSENTIAL.has(key) && scalarText(value) === UNEVALUATED) {
      problems.push({ framework: 'rails', file, message: railsMessages.fieldNotEvaluated(file, `${database.key}.${key}`) });
      return undefined;
    }
  }
  const sourceOf = (key: string): FrameworkSource => {
    const tree = config.entries.get(key);
    const source: FrameworkSource = { file, key: `${database.key}.${key}` };
    const use = context.uses.find((candidate) => candidate.line === tree?.line);
    if (use?.variables.length) source.variable = use.variables.map((name) => `ENV["${name}"]`).join(' || ');
    if (use?.usedDefault) source.isDefault = true;
    return source;
  };
  const candidate: FrameworkCandidate = {
    framework: 'rails',
    label: `database.yml \`${database.key}\``,
    relativeTo: context.dir,
    source: { file, key: database.key },
  };
  // `url:` in the entry wins; else DATABASE_URL (primary) or <NAME>_DATABASE_URL, for the current environment only.
  const written = scalarText(config.entries.get('url'));
  if (written) return { ...candidate, url: written, fieldSources: { database: sourceOf('url') } };
  const urlVariable = database.name === 'primary' ? 'DATABASE_URL' : `${database.name.toUpperCase()}_DATABASE_URL`;
  const fromEnvironment = context.current ? context.input.variable(urlVariable) : undefined;
  if (fromEnvironment) {
    return { ...candidate, url: fromEnvironment, source: { ...candidate.source, variable: urlVariable }, fieldSources: { database: { variable: urlVariable } } };
  }
  const adapter = scalarText(config.entries.get('adapter'));
  if (adapter === undefined) {
    problems.push({ framework: 'rails', file, message: railsMessages.noAdapter(file, database.key) });
    return undefined;
  }
  const engine = ADAPTER_ENGINES[adapter];
  if (engine === undefined) {
    problems.push({ framework: 'rails', file, message: railsMessages.unsupportedAdapter(file, database.key, adapter) });
    return undefined;
  }
  const fields: NonNullable<FrameworkCandidate['fields']> = { engine };
  const fieldSources: NonNullable<FrameworkCandidate['fieldSources']> = { engine: sourceOf('adapter') };
  for (const [key, field] of YAML_FIELDS) {
    const value = scalarText(config.entries.get(key));
    if (value === undefined || value === UNEVALUATED) continue;
    fields[field] = value;
    fieldSources[field] = sourceOf(key);
  }
  if (engine === 'sqlite' && isInMemorySqlite(fields.database)) return undefined;
  return { ...candidate, fields, fieldSources };
}
