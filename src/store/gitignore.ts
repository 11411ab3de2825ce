import { promises as fs } from 'node:fs';
import path from 'node:path';
import { findTool, runTool } from '../engines/tools.js';

export const GITIGNORE_MARKER = '# dbsafe backups';

export type IgnoreState = 'ignored' | 'not-ignored' | 'not-a-repo' | 'outside-project';

/** Would git ignore files in the backup directory? Reads only (for `doctor`; `backup` fixes it). */
export async function backupDirIgnoreState(projectRoot: string, backupDir: string): Promise<IgnoreState> {
  const relative = path.relative(projectRoot, backupDir);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return 'outside-project';
  const git = findTool(['git']);
  if (!git) return 'not-a-repo';
  const inside = await runTool({ program: git, args: ['rev-parse', '--is-inside-work-tree'], cwd: projectRoot });
  if (inside.code !== 0 || inside.stdout.trim() !== 'true') return 'not-a-repo';
  const probe = path.join(relative, '.dbsafe-ignore-probe').split(path.sep).join('/');
  const ignored = await runTool({ program: git, args: ['check-ignore', '-q', '--no-index', probe], cwd: projectRoot });
  return ignored.code === 0 ? 'ignored' : 'not-ignored';
}

/**
 * Make sure backups never get committed: when the project is a git
 * repository and the backup directory is not ignored yet, append a marked
 * entry to the project's .gitignore. Outside git there is nothing to do.
 */
export async function ensureBackupDirIgnored(projectRoot: string, backupDir: string): Promise<'already' | 'added' | 'not-a-repo' | 'outside-project'> {
  const state = await backupDirIgnoreState(projectRoot, backupDir);
  if (state === 'ignored') return 'already';
  if (state !== 'not-ignored') return state;
  const relative = path.relative(projectRoot, backupDir);
  const gitignore = path.join(projectRoot, '.gitignore');
  const existing = await fs.readFile(gitignore, 'utf8').catch(() => '');
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  const entry = `/${relative.split(path.sep).join('/')}/`;
  await fs.appendFile(gitignore, `${separator}${GITIGNORE_MARKER}\n${entry}\n`);
  return 'added';
}
