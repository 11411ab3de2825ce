import { existsSync } from 'node:fs';
import path from 'node:path';
import { findTool, runTool } from '../engines/tools.js';

/** No `.git` in the project's directory or above it, and no GIT_DIR: no repository, so no git process is started to say so. */
function outsideAnyRepository(dir: string, env: NodeJS.ProcessEnv): boolean {
  if (env.GIT_DIR) return false;
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(path.join(current, '.git'))) return false;
    if (path.dirname(current) === current) return true;
  }
}

/** Branch and commit of the project at backup time; null outside git or without git installed. */
export async function gitProvenance(projectRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<{ branch: string | null; commit: string | null } | null> {
  if (outsideAnyRepository(projectRoot, env)) return null;
  const git = findTool(['git']);
  if (!git) return null;
  try {
    // Three independent questions, asked at once: each is a process start.
    const [commit, branch, inside] = await Promise.all([
      runTool({ program: git, args: ['rev-parse', '--verify', '-q', 'HEAD'], cwd: projectRoot }),
      runTool({ program: git, args: ['symbolic-ref', '--short', '-q', 'HEAD'], cwd: projectRoot }),
      runTool({ program: git, args: ['rev-parse', '--is-inside-work-tree'], cwd: projectRoot }),
    ]);
    if (inside.code !== 0) return null;
    return {
      branch: branch.code === 0 ? branch.stdout.trim() || null : null,
      commit: commit.code === 0 ? commit.stdout.trim() || null : null,
    };
  } catch {
    return null;
  }
}
