import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { FrameworkId, FrameworkReader } from './types.js';

/**
 * The framework readers, as data: the files whose presence signals each
 * framework (relative to the directory the command runs in, or the project
 * root), and how to load its reader. Nothing is loaded, and nothing but these
 * existence checks is done, for a project that has none of the files: `check`,
 * `explain` and the guards start fast. Adding a reader is adding a row.
 */
export interface FrameworkRow {
  framework: FrameworkId;
  /** Files or directories (relative) whose presence means the project uses the framework. */
  signals: readonly string[];
  /** Command words that run the framework's tool (`prisma`, `drizzle-kit`): read for such a command even without a signal file (a `--schema` elsewhere). */
  commands?: readonly string[];
  load: () => Promise<FrameworkReader>;
}

// `node_modules/.bin/<cli>` also signals a JavaScript framework whose configuration is at a custom path (--schema, .sequelizerc, -d).
export const FRAMEWORK_ROWS: readonly FrameworkRow[] = [
  { framework: 'laravel', signals: ['artisan'], load: () => readerExport('laravel', 'readLaravel') },
  { framework: 'symfony', signals: ['bin/console'], load: () => readerExport('symfony', 'readSymfony') },
  { framework: 'rails', signals: ['config/database.yml'], load: () => readerExport('rails', 'readRails') },
  { framework: 'django', signals: ['manage.py'], commands: ['django-admin'], load: () => readerExport('django', 'readDjango') },
  {
    framework: 'prisma',
    signals: ['prisma/schema.prisma', 'schema.prisma', 'prisma/schema', 'prisma.config.ts', 'prisma.config.mts', 'prisma.config.cts', 'prisma.config.js', 'prisma.config.mjs', 'prisma.config.cjs', '.config/prisma.ts', 'node_modules/.bin/prisma'],
    commands: ['prisma'],
    load: () => readerExport('prisma', 'readPrisma'),
  },
  {
    framework: 'drizzle',
    signals: ['drizzle.config.ts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.cjs', 'drizzle.config.mts', 'drizzle.config.cts', 'drizzle.config.json', 'node_modules/.bin/drizzle-kit'],
    commands: ['drizzle-kit'],
    load: () => readerExport('drizzle', 'readDrizzle'),
  },
  {
    framework: 'knex',
    signals: ['knexfile.js', 'knexfile.ts', 'knexfile.cjs', 'knexfile.mjs', 'knexfile.mts', 'knexfile.cts', 'node_modules/.bin/knex'],
    commands: ['knex'],
    load: () => readerExport('knex', 'readKnex'),
  },
  {
    framework: 'sequelize',
    signals: ['.sequelizerc', 'node_modules/.bin/sequelize', 'node_modules/.bin/sequelize-cli'],
    commands: ['sequelize', 'sequelize-cli'],
    load: () => readerExport('sequelize', 'readSequelize'),
  },
  {
    framework: 'typeorm',
    signals: ['src/data-source.ts', 'data-source.ts', 'src/data-source.js', 'data-source.js', 'ormconfig.json', 'ormconfig.js', 'ormconfig.ts', 'node_modules/.bin/typeorm'],
    commands: ['typeorm', 'typeorm-ts-node-commonjs', 'typeorm-ts-node-esm'],
    load: () => readerExport('typeorm', 'readTypeorm'),
  },
];

/**
 * A reader module's export, loaded when a project needs it. The path is
 * computed at run time so the CLI bundles leave the readers out: they are
 * bundled on their own next to the commands (package.json "bundle"), and
 * `check`, `explain` and the guards do not parse them on every start.
 */
async function readerExport(module: string, name: string): Promise<FrameworkReader> {
  const file = `./${module}.js`;
  const loaded = (await import(file)) as Record<string, unknown>;
  const reader = loaded[name];
  if (typeof reader !== 'function') throw new Error(`${file} has no reader ${name}`);
  return reader as FrameworkReader;
}

export interface LoadedReader {
  framework: FrameworkId;
  read: FrameworkReader;
}

/** The rows whose signal files exist in one of `dirs`, or whose tool the command runs. */
export function signalledFrameworks(dirs: readonly string[], argv: readonly string[] | null = null, rows: readonly FrameworkRow[] = FRAMEWORK_ROWS): FrameworkRow[] {
  // One directory listing each, rather than a stat per signal file: start-up stays flat as rows are added.
  const listings = [...new Set(dirs)].map((dir) => ({ dir, names: directoryNames(dir) }));
  const present = (signal: string) =>
    listings.some(({ dir, names }) => {
      const [first, ...rest] = signal.split('/');
      return names.has(first!) && (rest.length === 0 || existsSync(path.join(dir, signal)));
    });
  const words = (argv ?? []).slice(0, 3).map((word) => path.basename(word));
  return rows.filter((row) => row.commands?.some((command) => words.includes(command)) || row.signals.some(present));
}

function directoryNames(dir: string): Set<string> {
  try {
    return new Set(readdirSync(dir));
  } catch {
    return new Set();
  }
}

/**
 * Load the readers of the frameworks a project uses. A reader that fails to
 * load is left out with its reason: the command is then judged on the
 * environment, and `check` says why.
 */
export async function loadFrameworkReaders(dirs: readonly string[], argv: readonly string[] | null = null, rows: readonly FrameworkRow[] = FRAMEWORK_ROWS): Promise<{ readers: LoadedReader[]; failures: Array<{ framework: FrameworkId; reason: string }> }> {
  const signalled = signalledFrameworks(dirs, argv, rows);
  const readers: LoadedReader[] = [];
  const failures: Array<{ framework: FrameworkId; reason: string }> = [];
  for (const row of signalled) {
    try {
      readers.push({ framework: row.framework, read: await row.load() });
    } catch (error) {
      failures.push({ framework: row.framework, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { readers, failures };
}
