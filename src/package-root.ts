import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the built CLI lives inside the package: package.json's "bin" points here too. */
const CLI_BUNDLE = path.join('dist', 'dbsafe.cjs');

let cached: { root: string; version: string } | undefined;

/**
 * dbsafe's own package (the directory holding its package.json, shell/, hooks/
 * and dist/), found walking up from this code: it runs from src/ under the
 * tests and from the bundle in dist/ once built, so no fixed relative path fits both.
 */
function ownPackage(): { root: string; version: string } {
  if (cached) return cached;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'dbsafe') return (cached = { root: dir, version: pkg.version ?? 'unknown' });
    } catch {
      // No readable package.json here; keep walking up.
    }
    if (path.dirname(dir) === dir) throw new Error('dbsafe cannot find its own package.json: reinstall dbsafe (see "Install" in its README)');
  }
}

export function packageRoot(): string {
  return ownPackage().root;
}

export function dbsafeVersion(): string {
  return ownPackage().version;
}

/** The built CLI, for the child runs dbsafe makes of itself (hooks, agent hooks). */
export function cliEntry(): string {
  return path.join(packageRoot(), CLI_BUNDLE);
}
