import path from 'node:path';
import { findFile, readJsModule } from './js-config-file.js';
import type { JsModule } from './js-module.js';
import { jsFrameworkMessages } from './js-messages.js';
import { objectEntry, resolveScalar } from './js-values.js';
import { commandWords, flagValue } from './node-command.js';
import type { FrameworkInput, FrameworkProblem } from './types.js';

// Where the Prisma CLI looks for its config and schema: --config / --schema,
// prisma.config.* (`schema:` relative to the config file), package.json
// `prisma.schema`, then prisma/schema.prisma, schema.prisma and the
// multi-file prisma/schema/ folder, from the directory it runs in.
const CONFIG_NAMES = ['prisma.config.ts', 'prisma.config.mts', 'prisma.config.cts', 'prisma.config.js', 'prisma.config.mjs', 'prisma.config.cjs', '.config/prisma.ts', '.config/prisma.js'];
const SCHEMA_DEFAULTS = ['prisma/schema.prisma', 'schema.prisma'];
const SCHEMA_FOLDER = 'prisma/schema';

export interface PrismaConfig {
  file: string;
  module: JsModule;
}

export interface PrismaSchemaFiles {
  /** The schema file or folder, and how it was found (for messages). */
  location: string;
  via: string;
  /** The .prisma files: one, or every file of a multi-file schema. */
  files: string[];
}

export interface PrismaLocation {
  config?: PrismaConfig;
  schema?: PrismaSchemaFiles;
  problems: FrameworkProblem[];
}

/** The `prisma` subcommand (`migrate dev`, `db push`), when the command runs the Prisma CLI. */
export function prismaSubcommand(argv: readonly string[] | null): string | undefined {
  const words = commandWords(argv);
  const at = words.findIndex((word, index) => index < 3 && path.basename(word).replace(/@[^/]*$/, '') === 'prisma');
  if (at === -1) return undefined;
  return words
    .slice(at + 1)
    .filter((word) => !word.startsWith('-'))
    .slice(0, 2)
    .join(' ');
}

function schemaFiles(input: FrameworkInput, location: string, via: string, problems: FrameworkProblem[]): PrismaSchemaFiles | undefined {
  if (location.endsWith('.prisma')) return input.readFile(location) === undefined ? undefined : { location, via, files: [location] };
  if (!input.listDirectory) {
    if (typeof input.readFile(location) === 'object') problems.push({ framework: 'prisma', file: location, message: jsFrameworkMessages.folderNotListed(location, input.root) });
    return undefined;
  }
  const names = input.listDirectory(location);
  if (names === undefined) return undefined;
  const files = names.filter((name) => name.endsWith('.prisma')).sort().map((name) => path.join(location, name));
  if (files.length === 0) {
    problems.push({ framework: 'prisma', file: location, message: jsFrameworkMessages.noConfiguration(location, input.root, '.prisma file') });
    return undefined;
  }
  return { location, via, files };
}

function packageJsonSchema(input: FrameworkInput, dir: string): string | undefined {
  const text = input.readFile(path.join(dir, 'package.json'));
  if (typeof text !== 'string') return undefined;
  try {
    const schema = (JSON.parse(text) as { prisma?: { schema?: unknown } }).prisma?.schema;
    return typeof schema === 'string' ? path.resolve(dir, schema) : undefined;
  } catch {
    return undefined;
  }
}

export function locatePrisma(input: FrameworkInput): PrismaLocation {
  const problems: FrameworkProblem[] = [];
  const location: PrismaLocation = { problems };
  const dirs = input.dir === input.root ? [input.dir] : [input.dir, input.root];
  const configFlag = flagValue(input.argv, ['--config']);
  const configFile = configFlag ? path.resolve(input.dir, configFlag) : dirs.map((dir) => findFile(input, dir, CONFIG_NAMES)).find(Boolean);
  if (configFile) {
    const read = readJsModule(input, 'prisma', configFile);
    if (!read.found) problems.push({ framework: 'prisma', file: configFile, message: jsFrameworkMessages.missingFile(configFile, input.root, '--config') });
    else if ('problem' in read) problems.push(read.problem);
    else location.config = { file: configFile, module: read.value };
  }
  const candidates: { file: string; via: string }[] = [];
  const schemaFlag = flagValue(input.argv, ['--schema']);
  if (schemaFlag) candidates.push({ file: path.resolve(input.dir, schemaFlag), via: '--schema' });
  if (location.config) {
    const { module, file } = location.config;
    const schema = resolveScalar(objectEntry(module.defaultExport, 'schema', module), { module, variable: input.variable });
    if (schema.value) candidates.push({ file: path.resolve(path.dirname(file), schema.value), via: `${path.basename(file)} schema` });
    else if (schema.computed) problems.push({ framework: 'prisma', file, message: jsFrameworkMessages.computed(file, input.root, 'schema', schema.computed) });
  }
  for (const dir of dirs) {
    const fromPackage = packageJsonSchema(input, dir);
    if (fromPackage) candidates.push({ file: fromPackage, via: 'package.json prisma.schema' });
    for (const name of SCHEMA_DEFAULTS) candidates.push({ file: path.join(dir, name), via: 'the default location' });
    candidates.push({ file: path.join(dir, SCHEMA_FOLDER), via: 'the default location' });
  }
  const named = candidates[0];
  for (const candidate of candidates) {
    const found = schemaFiles(input, candidate.file, candidate.via, problems);
    if (found) {
      location.schema = found;
      break;
    }
    if (candidate === named && candidate.via !== 'the default location') {
      problems.push({ framework: 'prisma', file: candidate.file, message: jsFrameworkMessages.missingFile(candidate.file, input.root, candidate.via) });
      break;
    }
  }
  return location;
}
