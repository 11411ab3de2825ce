import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

/** Every file under `dir` with its bytes (symlinks by target), keyed by relative path: for byte-identical comparisons. */
export function snapshotTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const full = path.join(current, name);
      const stat = lstatSync(full);
      const key = path.relative(dir, full);
      if (stat.isDirectory()) {
        files.set(`${key}/`, 'dir');
        walk(full);
      } else files.set(key, stat.isSymbolicLink() ? `-> ${readFileSync(full).length}` : readFileSync(full, 'latin1'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

export function git(cwd: string, args: string[], env: Record<string, string> = {}): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'dbsafe test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'dbsafe test', GIT_COMMITTER_EMAIL: 't@example.com', ...env },
  });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}
