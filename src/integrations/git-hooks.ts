import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { StepResult } from '../../install.js';
import { installBlock, readTextOrNull, removeEmptyDirs, uninstallBlock, type FileChange } from './files.js';
import { findBlock } from './marker-block.js';
import { quoteFor } from './shell-prefilter.js';
import { hookMessages } from './messages.js';

/** The git hooks dbsafe adds, and the line each runs (husky runs them with `sh -e`, node_modules/.bin on PATH). */
export const DBSAFE_GIT_HOOKS: Record<string, string> = {
  'pre-commit': '# dbsafe: refuse committing backups, dumps and .env files naming non-local or production databases.\ndbsafe hook pre-commit',
  'pre-push': '# dbsafe: run the test suite through dbsafe (check, back up, then run).\ndbsafe hook pre-push',
};

/** A git config key recording that dbsafe set husky up, so uninstall also takes husky away again. */
const HUSKY_SET_UP_BY_DBSAFE = 'dbsafe.huskySetUp';

export type HookManager = 'husky' | 'lefthook' | 'simple-git-hooks' | 'pre-commit' | 'hooks-path' | 'none';

interface RepoFacts {
  root: string;
  hooksPath: string | null;
  files: Set<string>;
  packageJson: Record<string, unknown> | null;
}

/** Other hook managers, detected by their files: dbsafe explains what to add to them rather than breaking them. */
const MANAGER_SIGNS: { manager: HookManager; present(facts: RepoFacts): boolean }[] = [
  { manager: 'husky', present: (f) => f.hooksPath === '.husky/_' || f.hooksPath === '.husky' || f.files.has('.husky') },
  { manager: 'lefthook', present: (f) => ['lefthook.yml', 'lefthook.yaml', '.lefthook.yml', '.lefthook.yaml', 'lefthook.json'].some((n) => f.files.has(n)) },
  {
    manager: 'simple-git-hooks',
    present: (f) => f.packageJson?.['simple-git-hooks'] !== undefined || [...f.files].some((n) => /^\.?simple-git-hooks\.(c?js|json)$/.test(n)),
  },
  { manager: 'pre-commit', present: (f) => f.files.has('.pre-commit-config.yaml') },
  { manager: 'hooks-path', present: (f) => f.hooksPath !== null },
];

/** Which hook manager a repository uses, pure over its facts; the first sign wins. */
export function detectHookManager(facts: RepoFacts): HookManager {
  return MANAGER_SIGNS.find((sign) => sign.present(facts))?.manager ?? 'none';
}

class GitMissingError extends Error {}

function git(cwd: string, args: string[]): { status: number; stdout: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.error) throw new GitMissingError(hookMessages.gitMissing);
  return { status: result.status ?? 1, stdout: result.stdout.trim() };
}

function repoFacts(projectDir: string): RepoFacts | null {
  const top = git(projectDir, ['rev-parse', '--show-toplevel']);
  if (top.status !== 0) return null;
  const hooksPath = git(top.stdout, ['config', '--get', 'core.hooksPath']);
  let packageJson: Record<string, unknown> | null = null;
  try {
    packageJson = JSON.parse(readFileSync(path.join(top.stdout, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    packageJson = null;
  }
  return { root: top.stdout, hooksPath: hooksPath.status === 0 ? hooksPath.stdout : null, files: new Set(readdirSync(top.stdout)), packageJson };
}

/** husky 9 ships with dbsafe; its own installer sets core.hooksPath and writes .husky/_ (never edited by dbsafe). */
function setUpHusky(root: string, env: Record<string, string | undefined>): string | null {
  const huskyBin = path.join(path.dirname(createRequire(import.meta.url).resolve('husky')), 'bin.js');
  const result = spawnSync(process.execPath, [huskyBin], { cwd: root, encoding: 'utf8', env: { ...env, HUSKY: '1' } });
  const message = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return result.status === 0 && message === '' ? null : message || `husky exited with ${result.status}`;
}

/** husky 9 sources this file before every hook it runs (node_modules/husky/husky). */
export function huskyInitFile(env: Record<string, string | undefined>): string | null {
  const config = env.XDG_CONFIG_HOME || (env.HOME ? path.join(env.HOME, '.config') : null);
  return config ? path.join(config, 'husky', 'init.sh') : null;
}

/**
 * Git clients with a window (GitHub Desktop, Tower, SourceTree, IDEs on macOS)
 * run hooks with the bare PATH of a GUI app: no Homebrew, nvm or Volta
 * directory, so `#!/usr/bin/env node` fails and every commit with it. The
 * hooks then find the node that installed them, unless PATH already has one.
 */
function nodeForGuiClients(node: string): string {
  const quoted = quoteFor('sh', path.dirname(node));
  return `# dbsafe: git hooks run by GUI git clients (bare PATH, no node) find the node dbsafe was installed with.\ncommand -v node >/dev/null 2>&1 || PATH=${quoted}:$PATH`;
}

/** The block out of husky's per-user init file, and the directories install created for it when they are left empty. */
export function uninstallHuskyInit(env: Record<string, string | undefined>): FileChange[] {
  const file = huskyInitFile(env);
  if (!file || !existsSync(file)) return [];
  const change = uninstallBlock(file);
  if (env.HOME) removeEmptyDirs(path.dirname(file), env.HOME);
  return [change];
}

export function installGitHooks(projectDir: string, env: Record<string, string | undefined>): StepResult {
  const facts = repoFacts(projectDir);
  if (!facts) return { changes: [], notes: [hookMessages.notARepository(projectDir)] };
  const manager = detectHookManager(facts);
  if (manager !== 'husky' && manager !== 'none') return { changes: [], notes: [hookMessages.otherManager(manager, facts.hooksPath, DBSAFE_GIT_HOOKS)] };
  const notes: string[] = [];
  if (manager === 'none' || facts.hooksPath === null) {
    const failure = setUpHusky(facts.root, env);
    if (failure) return { changes: [], notes: [hookMessages.huskyFailed(failure)] };
    if (manager === 'none') git(facts.root, ['config', HUSKY_SET_UP_BY_DBSAFE, 'true']);
  }
  const changes = Object.entries(DBSAFE_GIT_HOOKS).map(([hook, body]) => installBlock(path.join(facts.root, '.husky', hook), body, { mode: 0o755 }));
  const init = huskyInitFile(env);
  if (init) changes.push(installBlock(init, nodeForGuiClients(process.execPath)));
  return { changes, notes };
}

export function uninstallGitHooks(projectDir: string, env: Record<string, string | undefined>): StepResult {
  const facts = repoFacts(projectDir);
  if (!facts) return { changes: uninstallHuskyInit(env), notes: [] };
  const huskyDir = path.join(facts.root, '.husky');
  const changes = [...Object.keys(DBSAFE_GIT_HOOKS).map((hook) => uninstallBlock(path.join(huskyDir, hook))), ...uninstallHuskyInit(env)];
  if (git(facts.root, ['config', '--get', HUSKY_SET_UP_BY_DBSAFE]).stdout === 'true') {
    const userHooks = existsSync(huskyDir) ? readdirSync(huskyDir).filter((name) => name !== '_') : [];
    // Someone added hooks of their own after dbsafe set husky up: keep husky for them.
    if (userHooks.length === 0) {
      rmSync(path.join(huskyDir, '_'), { recursive: true, force: true });
      removeEmptyDirs(huskyDir, facts.root);
      if (git(facts.root, ['config', '--get', 'core.hooksPath']).stdout === '.husky/_') git(facts.root, ['config', '--unset', 'core.hooksPath']);
    }
    git(facts.root, ['config', '--remove-section', 'dbsafe']);
  }
  return { changes, notes: [] };
}

export interface GitHookStatus {
  /** False when no git program was found: nothing else could be looked at. */
  gitInstalled: boolean;
  repository: boolean;
  manager: HookManager;
  hooksPath: string | null;
  /** Hooks holding dbsafe's block. */
  installed: string[];
}

export function gitHookStatus(projectDir: string): GitHookStatus {
  let facts: RepoFacts | null;
  try {
    facts = repoFacts(projectDir);
  } catch (error) {
    if (!(error instanceof GitMissingError)) throw error;
    return { gitInstalled: false, repository: false, manager: 'none', hooksPath: null, installed: [] };
  }
  if (!facts) return { gitInstalled: true, repository: false, manager: 'none', hooksPath: null, installed: [] };
  const installed = Object.keys(DBSAFE_GIT_HOOKS).filter((hook) => {
    const text = readTextOrNull(path.join(facts.root, '.husky', hook));
    return text !== null && findBlock(text) !== null;
  });
  return { gitInstalled: true, repository: true, manager: detectHookManager(facts), hooksPath: facts.hooksPath, installed };
}
