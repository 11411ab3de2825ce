import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTool, runTool } from '../engines/tools.js';

/** Branch and commit of the project at backup time; null outside git or without git installed. */
export async function gitProvenance(projectRoot: string): Promise<{ branch: string | null; commit: string | null } | null> {
  const git = findTool(['git']);
  if (!git) return null;
  try {
    const commit = await runTool({ program: git, args: ['rev-parse', '--verify', '-q', 'HEAD'], cwd: projectRoot });
    const branch = await runTool({ program: git, args: ['symbolic-ref', '--short', '-q', 'HEAD'], cwd: projectRoot });
    const inside = await runTool({ program: git, args: ['rev-parse', '--is-inside-work-tree'], cwd: projectRoot });
    if (inside.code !== 0) return null;
    return {
      branch: branch.code === 0 ? branch.stdout.trim() || null : null,
      commit: commit.code === 0 ? commit.stdout.trim() || null : null,
    };
  } catch {
    return null;
  }
}

let cachedVersion: string | undefined;

/** dbsafe's own version, from its package.json (found walking up: the layout differs between src/ and dist/). */
export function dbsafeVersion(): string {
  if (cachedVersion) return cachedVersion;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'dbsafe' && pkg.version) return (cachedVersion = pkg.version);
    } catch {
      // Not this directory; keep walking up.
    }
    if (path.dirname(dir) === dir) return (cachedVersion = 'unknown');
  }
}
