import path from 'node:path';
import { createRequire } from 'node:module';
import { engineOfDriver } from './js-engines.js';
import { jsFrameworkMessages } from './js-messages.js';
import { followValue, resolveScalar, sourceOf, type ResolvedValue } from './js-values.js';
import { locatePrisma, prismaSubcommand, type PrismaConfig } from './prisma-locate.js';
import { PrismaSchemaError, readPrismaDatasource, type PrismaDatasource, type PrismaValue } from './prisma-schema.js';
import type { FrameworkCandidate, FrameworkInput, FrameworkProblem, FrameworkReading } from './types.js';

const requireModule = createRequire(import.meta.url);

/** Subcommands that connect through directUrl when it is set (Prisma's migration engine). */
const DIRECT_URL_COMMANDS = ['migrate dev', 'migrate deploy', 'migrate reset', 'migrate resolve', 'migrate status', 'migrate diff', 'db push', 'db pull', 'db execute', 'db seed'];

/** The datasource keys that name a database, and what each is for. */
const URL_KEYS = ['url', 'directUrl', 'shadowDatabaseUrl'] as const;
type UrlKey = (typeof URL_KEYS)[number];

function urlLabel(where: string, key: UrlKey, subcommand: string | undefined, hasDirectUrl: boolean): string {
  const usesDirect = subcommand !== undefined && DIRECT_URL_COMMANDS.includes(subcommand);
  if (key === 'shadowDatabaseUrl') return `${where} (shadowDatabaseUrl: reset by \`prisma migrate dev\`)`;
  if (key === 'directUrl') return `${where} (directUrl${usesDirect ? `: \`prisma ${subcommand}\` connects here` : ''})`;
  if (usesDirect && hasDirectUrl) return `${where} (url: the application's connection; \`prisma ${subcommand}\` uses directUrl)`;
  return `${where} (url${usesDirect ? `: \`prisma ${subcommand}\` connects here` : ''})`;
}

/**
 * Prisma 6 and earlier (without prisma.config.ts) also load the .env next to
 * the schema (prisma/.env); with a config file, only what the config loads.
 */
function schemaDotenv(input: FrameworkInput, dirs: string[]): (name: string) => { value: string; file: string } | undefined {
  const files = [...new Set(dirs.map((dir) => path.join(dir, '.env')))].filter((file) => file !== path.join(input.root, '.env'));
  const parsed = files.flatMap((file) => {
    const text = input.readFile(file);
    if (typeof text !== 'string') return [];
    return [{ file, values: (requireModule('dotenv') as typeof import('dotenv')).parse(text) }];
  });
  return (name) => {
    const found = parsed.find((entry) => entry.values[name] !== undefined);
    return found ? { value: found.values[name]!, file: found.file } : undefined;
  };
}

interface UrlRead {
  key: UrlKey;
  read: ResolvedValue;
}

function schemaUrls(datasource: PrismaDatasource, variable: (name: string) => string | undefined): UrlRead[] {
  const reads: UrlRead[] = [];
  for (const key of URL_KEYS) {
    const value: PrismaValue | undefined = datasource.entries.get(key);
    if (!value) continue;
    if (value.kind === 'string') reads.push({ key, read: { value: value.value, unset: [] } });
    else if (value.kind === 'env') {
      const set = variable(value.name);
      reads.push({ key, read: set === undefined ? { variable: value.name, unset: [value.name] } : { value: set, variable: value.name, unset: [] } });
    } else reads.push({ key, read: { computed: value.text, unset: [] } });
  }
  return reads;
}

function configUrls(config: PrismaConfig, variable: (name: string) => string | undefined): UrlRead[] {
  const { module } = config;
  const exported = followValue(module.defaultExport, module);
  const datasource = exported?.kind === 'object' ? followValue(exported.entries.get('datasource'), module) : undefined;
  if (!datasource) return [];
  if (datasource.kind !== 'object') return [{ key: 'url', read: resolveScalar(datasource, { module, variable }) }];
  return URL_KEYS.filter((key) => datasource.entries.has(key)).map((key) => ({ key, read: resolveScalar(datasource.entries.get(key), { module, variable }) }));
}

export function readPrisma(input: FrameworkInput): FrameworkReading | null {
  const located = locatePrisma(input);
  if (!located.config && !located.schema && located.problems.length === 0) return null;
  const reading: FrameworkReading = { framework: 'prisma', candidates: [], problems: [...located.problems] };
  const subcommand = prismaSubcommand(input.argv);
  const problem = (file: string, message: string) => reading.problems.push({ framework: 'prisma', file, message } satisfies FrameworkProblem);

  const fromSchemaDir = located.config ? () => undefined : schemaDotenv(input, [input.dir, ...(located.schema ? [path.dirname(located.schema.files[0]!)] : [])]);
  const dotenvSources = new Map<string, string>();
  const variable = (name: string) => {
    const set = input.variable(name);
    if (set !== undefined) return set;
    const fromFile = fromSchemaDir(name);
    if (fromFile) dotenvSources.set(name, fromFile.file);
    return fromFile?.value;
  };

  let datasource: { file: string; block: PrismaDatasource } | undefined;
  for (const file of located.schema?.files ?? []) {
    const text = input.readFile(file);
    if (typeof text !== 'string') {
      if (text) problem(file, jsFrameworkMessages.unreadable(file, input.root, text.unreadable));
      continue;
    }
    try {
      const block = readPrismaDatasource(text);
      if (block) {
        datasource = { file, block };
        break;
      }
    } catch (error) {
      if (!(error instanceof PrismaSchemaError)) throw error;
      problem(file, jsFrameworkMessages.notPrismaSchema(file, input.root, error.message));
    }
  }

  const provider = datasource?.block.entries.get('provider');
  if (provider?.kind === 'string' && !engineOfDriver(provider.value)) {
    problem(datasource!.file, jsFrameworkMessages.unsupportedEngine(datasource!.file, input.root, `provider "${provider.value}"`));
    return reading;
  }

  const sources: { file: string; where: string; key: string; relativeTo: string; urls: UrlRead[] }[] = [];
  if (located.config) {
    // Prisma 7 resolves the config's datasource paths relative to the config file (prisma/orm#28514).
    const { file } = located.config;
    sources.push({ file, where: `${path.basename(file)} datasource`, key: 'datasource', relativeTo: path.dirname(file), urls: configUrls(located.config, variable) });
  }
  if (datasource) {
    const { file, block } = datasource;
    const where = `${path.relative(input.root, file) || file} datasource ${block.name}`;
    sources.push({ file, where, key: `datasource ${block.name}`, relativeTo: path.dirname(file), urls: schemaUrls(block, variable) });
  }

  for (const { file, where, key, relativeTo, urls } of sources) {
    const hasDirectUrl = urls.some((entry) => entry.key === 'directUrl' && entry.read.value);
    for (const { key: urlKey, read } of urls) {
      const fullKey = `${key}.${urlKey}`;
      if (read.computed !== undefined) problem(file, jsFrameworkMessages.computed(file, input.root, fullKey, read.computed));
      for (const name of read.unset) problem(file, jsFrameworkMessages.unsetVariable(file, input.root, name, fullKey));
      if (!read.value) continue;
      const source = sourceOf(read, file, fullKey);
      const candidate: FrameworkCandidate = { framework: 'prisma', label: urlLabel(where, urlKey, subcommand, hasDirectUrl), url: read.value, relativeTo, source };
      if (urlKey === 'shadowDatabaseUrl') candidate.createdByRun = true;
      reading.candidates.push(candidate);
    }
  }
  for (const [name, file] of dotenvSources) {
    reading.variables ??= {};
    reading.variables[name] = { value: variable(name)!, source: { file, variable: name } };
  }
  const namesUrl = sources.some((entry) => entry.urls.length > 0);
  if (!namesUrl && datasource && reading.problems.length === 0) {
    problem(datasource.file, jsFrameworkMessages.noDatabase(datasource.file, input.root, `datasource ${datasource.block.name}`));
  }
  return reading;
}
