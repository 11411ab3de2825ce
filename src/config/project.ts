import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const CONFIG_FILE = 'dbsafe.config.json';

/** Does this package.json opt in to dbsafe (a "dbsafe" key, or dbsafe as a dependency)? */
export function packageJsonUsesDbsafe(text: string): boolean {
  try {
    const pkg = JSON.parse(text) as Record<string, unknown>;
    if (pkg.dbsafe !== undefined) return true;
    return ['dependencies', 'devDependencies', 'optionalDependencies'].some((field) => {
      const deps = pkg[field];
      return typeof deps === 'object' && deps !== null && 'dbsafe' in deps;
    });
  } catch {
    return false;
  }
}

/**
 * The project a command runs in: the nearest directory, walking up from `cwd`,
 * that opted in to dbsafe (a dbsafe.config.json, or dbsafe in package.json).
 * `optedIn` is false when none is found; `root` then falls back to the nearest
 * directory with a package.json or .git, else `cwd`.
 */
export function findProject(cwd: string): { root: string; optedIn: boolean } {
  let fallback: string | undefined;
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, CONFIG_FILE))) return { root: dir, optedIn: true };
    const pkgFile = path.join(dir, 'package.json');
    if (existsSync(pkgFile)) {
      let text = '';
      try {
        text = readFileSync(pkgFile, 'utf8');
      } catch {
        // An unreadable package.json is reported by loadConfig; here it only cannot opt in.
      }
      if (packageJsonUsesDbsafe(text)) return { root: dir, optedIn: true };
      fallback ??= dir;
    } else if (existsSync(path.join(dir, '.git'))) {
      fallback ??= dir;
    }
    if (path.dirname(dir) === dir) return { root: fallback ?? path.resolve(cwd), optedIn: false };
  }
}
