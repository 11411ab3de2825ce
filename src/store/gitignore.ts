import { promises as fs } from 'node:fs';
import path from 'node:path';
import { findTool, runTool } from '../engines/tools.js';

export const GITIGNORE_MARKER = '# dbsafe backups';
/** A .gitignore that ignores its whole directory, itself included, in whatever repository holds it. */
export const SELF_IGNORE = `${GITIGNORE_MARKER}\n*\n`;

/**
 * How git sees the backup directory, judged in the repository that contains
 * the directory (not the project's: `backupDir: "../dumps"` in a monorepo
 * sub-project lands in the monorepo). `tracked`: dumps are already committed;
 * `unignorable`: the directory holds the project or the whole repository, so
 * no rule can ignore it without ignoring the code too.
 */
export type IgnoreState = 'ignored' | 'not-ignored' | 'tracked' | 'not-a-repo' | 'unignorable';

/** Where the ignore rule for a backup directory goes. */
export type IgnoreRule = { file: string; line: string } | { unignorable: true };

function isWithin(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * The rule that keeps `backupDir` out of `repoRoot` (all real paths). Pure.
 * Inside the project: an entry in the project's .gitignore, visible and shared
 * with the team (`/backups/`). Anywhere else in the repository: a .gitignore
 * inside the backup directory that ignores everything, itself included. A
 * .gitignore applies relative to its own directory, so this is right in
 * whatever repository holds the directory, and no file shared with other
 * sub-projects is edited.
 */
export function ignoreRuleFor(projectRoot: string, backupDir: string, repoRoot: string): IgnoreRule {
  if (isWithin(backupDir, projectRoot) || isWithin(backupDir, repoRoot)) return { unignorable: true };
  if (isWithin(projectRoot, backupDir) && isWithin(repoRoot, projectRoot)) {
    return { file: path.join(projectRoot, '.gitignore'), line: `/${path.relative(projectRoot, backupDir).split(path.sep).join('/')}/` };
  }
  return { file: path.join(backupDir, '.gitignore'), line: '*' };
}

/** `dir` with symbolic links resolved as far as it exists (git reports real paths), and that existing ancestor. */
async function realPaths(dir: string): Promise<{ real: string; existing: string }> {
  let existing = dir;
  for (;;) {
    try {
      const real = await fs.realpath(existing);
      return { real: path.join(real, path.relative(existing, dir)), existing: real };
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return { real: dir, existing: dir };
      existing = parent;
    }
  }
}

/**
 * Inside a git hook (the pre-push hook runs the tests through the guard) git
 * exports GIT_DIR and friends, which would make every question below about
 * the hook's repository: the backup directory's own repository is found from
 * its path alone.
 */
const REPOSITORY_FROM_PATH = { GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined, GIT_COMMON_DIR: undefined, GIT_PREFIX: undefined };

interface Located {
  git: string;
  repoRoot: string;
  project: string;
  /** The backup directory, real path. */
  dir: string;
  /** The backup directory relative to the repository root, with forward slashes. */
  inRepo: string;
}

async function locate(projectRoot: string, backupDir: string): Promise<Located | null> {
  const git = findTool(['git']);
  if (!git) return null;
  const { real, existing } = await realPaths(backupDir);
  const top = await runTool({ program: git, args: ['rev-parse', '--show-toplevel'], cwd: existing, env: REPOSITORY_FROM_PATH });
  if (top.code !== 0 || top.stdout.trim() === '') return null;
  const repoRoot = top.stdout.trim();
  return { git, repoRoot, project: (await realPaths(projectRoot)).real, dir: real, inRepo: path.relative(repoRoot, real).split(path.sep).join('/') };
}

async function isIgnored(located: Located): Promise<boolean> {
  const probe = `${located.inRepo}/.dbsafe-ignore-probe`;
  return (await runTool({ program: located.git, args: ['check-ignore', '-q', '--no-index', probe], cwd: located.repoRoot, env: REPOSITORY_FROM_PATH })).code === 0;
}

/** Dumps committed before the directory was ignored: ignoring does not untrack them. */
async function hasTrackedFiles(located: Located): Promise<boolean> {
  const tracked = await runTool({ program: located.git, args: ['ls-files', '--', located.inRepo], cwd: located.repoRoot, env: REPOSITORY_FROM_PATH });
  return tracked.code === 0 && tracked.stdout.trim() !== '';
}

/** Would git ignore files in the backup directory? Reads only (for `doctor`; `backup` fixes it). */
export async function backupDirIgnoreState(projectRoot: string, backupDir: string): Promise<IgnoreState> {
  const located = await locate(projectRoot, backupDir);
  if (!located) return 'not-a-repo';
  if ('unignorable' in ignoreRuleFor(located.project, located.dir, located.repoRoot)) return 'unignorable';
  if (await hasTrackedFiles(located)) return 'tracked';
  return (await isIgnored(located)) ? 'ignored' : 'not-ignored';
}

async function appendRule(file: string, line: string): Promise<void> {
  const existing = await fs.readFile(file, 'utf8').catch(() => '');
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await fs.appendFile(file, `${separator}${GITIGNORE_MARKER}\n${line}\n`);
}

export type EnsureIgnoredResult = 'already' | 'added' | 'not-a-repo' | 'unignorable';

/**
 * Make sure backups never get committed: in whatever repository holds the
 * backup directory, add the ignore rule (ignoreRuleFor) and check that git
 * now ignores the directory; if a rule of the user's still lets it through,
 * add a .gitignore inside the directory too. `unignorable`: the caller must
 * not write a backup there. Outside git there is nothing to do.
 */
export async function ensureBackupDirIgnored(projectRoot: string, backupDir: string): Promise<EnsureIgnoredResult> {
  const located = await locate(projectRoot, backupDir);
  if (!located) return 'not-a-repo';
  const rule = ignoreRuleFor(located.project, located.dir, located.repoRoot);
  if ('unignorable' in rule) return 'unignorable';
  if (await isIgnored(located)) return 'already';
  await appendRule(rule.file, rule.line);
  if (await isIgnored(located)) return 'added';
  const own = path.join(located.dir, '.gitignore');
  if (rule.file !== own) {
    await appendRule(own, '*');
    if (await isIgnored(located)) return 'added';
  }
  return 'unignorable';
}
