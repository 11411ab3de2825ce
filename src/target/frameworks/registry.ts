import { existsSync } from 'node:fs';
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

export const FRAMEWORK_ROWS: readonly FrameworkRow[] = [
  { framework: 'laravel', signals: ['artisan'], load: async () => (await import('./laravel.js')).readLaravel },
  { framework: 'symfony', signals: ['bin/console'], load: async () => (await import('./symfony.js')).readSymfony },
  { framework: 'rails', signals: ['config/database.yml'], load: async () => (await import('./rails.js')).readRails },
  { framework: 'django', signals: ['manage.py'], load: async () => (await import('./django.js')).readDjango },
];

export interface LoadedReader {
  framework: FrameworkId;
  read: FrameworkReader;
}

/** The rows whose signal files exist in one of `dirs`, or whose tool the command runs. */
export function signalledFrameworks(dirs: readonly string[], argv: readonly string[] | null = null, rows: readonly FrameworkRow[] = FRAMEWORK_ROWS): FrameworkRow[] {
  const unique = [...new Set(dirs)];
  const words = (argv ?? []).slice(0, 3).map((word) => path.basename(word));
  return rows.filter((row) => row.commands?.some((command) => words.includes(command)) || row.signals.some((signal) => unique.some((dir) => existsSync(path.join(dir, signal)))));
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
