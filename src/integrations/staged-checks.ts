/**
 * What the pre-commit hook refuses, decided from staged paths (and, for .env
 * files, their staged text). Pure: the hook reads the index and runs
 * commands around it.
 */

/** Dump and backup files by name: never belong in git, whatever the directory. */
const DUMP_FILE_PATTERNS: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /\.(dump|pgdump|backup)$/i, what: 'a database dump' },
  { pattern: /\.sql\.(gz|bz2|xz|zst|zip|lz4)$/i, what: 'a compressed SQL dump' },
  { pattern: /\.(sqlite3?|db)\.(bak|backup|gz|zst|xz)$/i, what: 'a SQLite backup' },
  { pattern: /\.(archive|bson)(\.gz)?$/i, what: 'a MongoDB dump' },
  { pattern: /(^|[/_.-])(backup|dump)[^/]*\.(sql|sqlite3?|db|gz|zst|xz|archive|tar)$/i, what: 'a file named as a database backup' },
  // dbsafe's own naming: <database>_<YYYYMMDD_HHMMSS>.<ext>
  { pattern: /_\d{8}_\d{6}\.[a-z0-9]+(\.[a-z0-9]+)?$/i, what: 'a dbsafe backup' },
];

/** .env files, including .env.local and .env.production; templates (.env.example) are checked too. */
const ENV_FILE = /(^|\/)\.env(\.[^/]+)?$/;

/** Paths of migration files by framework convention: staging one runs `dbsafe check --offline`. */
const MIGRATION_PATHS: readonly RegExp[] = [
  /(^|\/)migrations?\//,
  /(^|\/)db\/migrate\//,
  /(^|\/)database\/migrations\//,
  /(^|\/)prisma\/(schema\.prisma$|migrations\/)/,
  /(^|\/)alembic\/versions\//,
  /(^|\/)drizzle\/.*\.sql$/,
  /(^|\/)priv\/repo\/migrations\//,
];

export interface StagedProblem {
  file: string;
  reason: string;
}

export function isEnvFile(file: string): boolean {
  return ENV_FILE.test(file);
}

export function isMigrationFile(file: string): boolean {
  return MIGRATION_PATHS.some((pattern) => pattern.test(file));
}

/** Staged paths (relative to the repository, `/`-separated) that must not be committed by name alone. */
export function backupAndDumpProblems(files: readonly string[], backupDir: string): StagedProblem[] {
  const backupPrefix = `${backupDir.replace(/^\.\//, '').replace(/\/+$/, '')}/`;
  const problems: StagedProblem[] = [];
  for (const file of files) {
    if (file.startsWith(backupPrefix) || file.includes(`/${backupPrefix}`)) {
      problems.push({ file, reason: `it is inside the backup directory (${backupPrefix})` });
      continue;
    }
    const dump = DUMP_FILE_PATTERNS.find(({ pattern }) => pattern.test(file));
    if (dump) problems.push({ file, reason: `it looks like ${dump.what}` });
  }
  return problems;
}
