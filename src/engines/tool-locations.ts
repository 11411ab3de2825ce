import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Where package managers put database client tools that are not on PATH.
 * Homebrew installs libpq, postgresql@N and mysql-client "keg-only": their
 * bin directories stay off PATH unless the user adds them, so `brew install
 * libpq` alone leaves pg_dump where a PATH search never looks. Postgres.app
 * and the EDB installer keep one bin directory per version. Searched after
 * PATH: an explicit PATH entry always wins.
 */
const HOMEBREW_PREFIXES = ['/opt/homebrew', '/usr/local', '/home/linuxbrew/.linuxbrew'];

/** Formulae (directories under <prefix>/opt) whose bin holds client tools dbsafe runs, newest version first. */
const KEG_PATTERNS: readonly RegExp[] = [/^libpq$/, /^postgresql(@\d+)?$/, /^mysql-client(@[\d.]+)?$/, /^mysql(@[\d.]+)?$/, /^mariadb(@[\d.]+)?$/, /^sqlite$/, /^mongodb-database-tools$/];

/** Directories holding one bin directory per installed version. */
const VERSIONED_ROOTS = ['/Applications/Postgres.app/Contents/Versions', '/Library/PostgreSQL'];

export type ListDir = (dir: string) => string[];

const listDir: ListDir = (dir) => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

/** "postgresql@17" after "postgresql@9", "latest" first: newest first. */
function newestFirst(names: string[]): string[] {
  const version = (name: string) => (name === 'latest' ? Infinity : Number(/(\d+(?:\.\d+)?)/.exec(name)?.[1] ?? -1));
  return [...names].sort((a, b) => version(b) - version(a));
}

/**
 * Bin directories of client tools outside PATH, in search order: Homebrew's
 * keg-only formulae ($HOMEBREW_PREFIX first), Postgres.app, the EDB
 * installer. Only directories that exist. `root` moves the fixed locations
 * under another directory (tests simulate a Mac's layout there).
 */
export function extraToolDirs(env: Record<string, string | undefined>, list: ListDir = listDir, root = '/'): string[] {
  const under = (dir: string) => path.join(root, dir);
  const prefixes = [...new Set([env.HOMEBREW_PREFIX, ...HOMEBREW_PREFIXES.map(under)].filter((prefix): prefix is string => Boolean(prefix)))];
  const dirs: string[] = [];
  for (const prefix of prefixes) {
    const kegs = list(path.join(prefix, 'opt'));
    for (const pattern of KEG_PATTERNS) {
      for (const keg of newestFirst(kegs.filter((name) => pattern.test(name)))) dirs.push(path.join(prefix, 'opt', keg, 'bin'));
    }
  }
  for (const versioned of VERSIONED_ROOTS.map(under)) {
    for (const version of newestFirst(list(versioned))) dirs.push(path.join(versioned, version, 'bin'));
  }
  return dirs.filter((dir) => list(dir).length > 0);
}
