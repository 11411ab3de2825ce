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
