import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { findProject } from '../config/project.js';
import { packageRoot } from '../package-root.js';
import { hookMessages } from './messages.js';
import { backupAndDumpProblems, isEnvFile, isMigrationFile, type StagedProblem } from './staged-checks.js';

function gitRoot(cwd: string): string {
  const result = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(hookMessages.notARepository(cwd));
  return result.stdout.trim();
}

/** The staged text of a file (what the commit will hold, not the working tree). */
function stagedText(root: string, file: string): string {
  const result = spawnSync('git', ['show', `:${file}`], { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return result.status === 0 ? result.stdout : '';
}

type LintStaged = typeof import('lint-staged').default;

/** Runs lint-staged (shipped with dbsafe, in this process) with dbsafe's configuration; its tasks call `dbsafe hook check-staged`. */
export async function runLintStaged(cwd: string): Promise<boolean> {
  const loaded = (await import('lint-staged')) as unknown as { default: LintStaged | { default: LintStaged } };
  // lint-staged is an ES module; the bundle loads it with require, which hands back its namespace as the default.
  const lintStaged = typeof loaded.default === 'function' ? loaded.default : loaded.default.default;
  // stash off: the checks only read the index, so nothing needs hiding or restoring.
  return lintStaged({ configPath: path.join(packageRoot(), 'hooks', 'lint-staged.config.js'), cwd: gitRoot(cwd), stash: false, quiet: true });
}

export interface StagedCheckOutcome {
  problems: StagedProblem[];
  migrationsStaged: boolean;
}

/**
 * Judge the staged files lint-staged hands over (absolute paths). `judgeEnv`
 * says why a .env file's text must not be committed (non-local or production
 * databases), one reason each.
 */
export async function checkStagedFiles(
  cwd: string,
  files: readonly string[],
  judgeEnv: (root: string, file: string, text: string) => Promise<string[]>,
): Promise<StagedCheckOutcome> {
  const root = gitRoot(cwd);
  const relative = files.map((file) => path.relative(root, path.resolve(cwd, file)).split(path.sep).join('/'));
  const project = findProject(cwd);
  const backupDir = path.relative(root, path.resolve(project.root, loadConfig(project.root).config.backupDir)).split(path.sep).join('/');
  const problems = backupAndDumpProblems(relative, backupDir);
  for (const file of relative.filter(isEnvFile)) {
    if (problems.some((p) => p.file === file)) continue;
    for (const reason of await judgeEnv(root, file, stagedText(root, file))) problems.push({ file, reason });
  }
  return { problems, migrationsStaged: relative.some(isMigrationFile) };
}
