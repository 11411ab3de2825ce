import path from 'node:path';
import { guardedDeciders, type RuleVerdict } from './match.js';
import { quoteWord } from './quote.js';
import { scriptNameRule } from './script-names.js';
import type { ReadPackageScripts, ShellWord } from './types.js';

export const PACKAGE_MANAGERS: ReadonlySet<string> = new Set(['npm', 'yarn', 'pnpm', 'bun']);

/** What a package-manager call runs. `dir` null: a workspace filter or computed directory dbsafe cannot follow. */
export type PackageManagerCall =
  | { kind: 'script'; names: string[]; nameWord: ShellWord; extra: ShellWord[]; dir: string | null; binFallback: boolean; workspace?: boolean }
  | { kind: 'bun-test' }
  | { kind: 'none' };

type Subcommand = 'script-arg' | 'script-or-bin' | 'bun-run' | 'bun-test' | 'workspace' | { scripts: string[] };

const LIFECYCLE: Record<string, Subcommand> = {
  test: { scripts: ['test'] },
  t: { scripts: ['test'] },
  tst: { scripts: ['test'] },
  start: { scripts: ['start'] },
  stop: { scripts: ['stop'] },
  restart: { scripts: ['restart', 'stop', 'start'] },
};

const NPM_SUBCOMMANDS: Record<string, Subcommand> = {
  ...LIFECYCLE,
  run: 'script-arg', 'run-script': 'script-arg', rum: 'script-arg', urn: 'script-arg',
  'install-test': { scripts: ['test'] }, it: { scripts: ['test'] }, 'install-ci-test': { scripts: ['test'] }, cit: { scripts: ['test'] },
};

/** Built-in commands: anything else after yarn/pnpm/bun is a script name, or a binary when no script has that name. */
const YARN_BUILTINS = ['add', 'audit', 'autoclean', 'bin', 'cache', 'check', 'config', 'constraints', 'create', 'dedupe', 'explain', 'generate-lock-entry', 'global', 'help', 'import', 'info', 'init', 'install', 'licenses', 'link', 'list', 'login', 'logout', 'node', 'npm', 'outdated', 'owner', 'pack', 'patch', 'patch-commit', 'plugin', 'policies', 'publish', 'rebuild', 'remove', 'set', 'stage', 'tag', 'team', 'unlink', 'unplug', 'up', 'upgrade', 'upgrade-interactive', 'version', 'versions', 'why'];
const PNPM_BUILTINS = ['add', 'approve-builds', 'audit', 'bin', 'cat-file', 'cat-index', 'config', 'create', 'dedupe', 'deploy', 'doctor', 'env', 'fetch', 'find-hash', 'i', 'import', 'init', 'install', 'install-test', 'licenses', 'link', 'list', 'ln', 'ls', 'outdated', 'pack', 'patch', 'patch-commit', 'prune', 'publish', 'rb', 'rebuild', 'remove', 'rm', 'root', 'self-update', 'server', 'setup', 'store', 'un', 'uninstall', 'unlink', 'up', 'update', 'why'];
const BUN_BUILTINS = ['add', 'audit', 'build', 'create', 'i', 'info', 'init', 'install', 'link', 'outdated', 'pm', 'publish', 'remove', 'repl', 'rm', 'unlink', 'update', 'upgrade', 'why'];

function subcommandsFor(manager: string): (name: string) => Subcommand | null {
  if (manager === 'npm') return (name) => NPM_SUBCOMMANDS[name] ?? null;
  const builtins = new Set(manager === 'yarn' ? YARN_BUILTINS : manager === 'pnpm' ? PNPM_BUILTINS : BUN_BUILTINS);
  return (name) => {
    if (name === 'run') return manager === 'bun' ? 'bun-run' : 'script-arg';
    if (manager === 'bun' && name === 'test') return 'bun-test';
    if (manager === 'yarn' && (name === 'workspace' || name === 'workspaces')) return 'workspace';
    if (LIFECYCLE[name] && manager !== 'bun') return LIFECYCLE[name]!;
    return builtins.has(name) ? null : 'script-or-bin';
  };
}

const DIR_OPTIONS = new Set(['--prefix', '-C', '--dir', '--cwd']);
const WORKSPACE_OPTIONS = new Set(['-w', '--workspace', '--filter', '-F']);
const WORKSPACE_FLAGS = new Set(['--workspaces', '-ws', '--ws', '-r', '--recursive']);
const OTHER_VALUE_OPTIONS = new Set(['--userconfig', '--cache', '--registry', '--loglevel', '--reporter', '--cwd']);

/** Read a package-manager call: which scripts (or binary) it runs, in which package. Pure. */
export function parsePackageManagerCall(words: readonly ShellWord[], cwd: string | null): PackageManagerCall {
  const manager = words[0]!.text;
  const subcommandOf = subcommandsFor(manager);
  let dir = cwd;
  let workspace = false;
  let index = 1;
  for (; index < words.length; index += 1) {
    const word = words[index]!;
    if (!word.text.startsWith('-')) break;
    const [option, inlineValue] = word.text.includes('=') ? [word.text.slice(0, word.text.indexOf('=')), word.text.slice(word.text.indexOf('=') + 1)] : [word.text, undefined];
    const takesValue = DIR_OPTIONS.has(option) || WORKSPACE_OPTIONS.has(option) || OTHER_VALUE_OPTIONS.has(option);
    const valueWord = inlineValue !== undefined ? { text: inlineValue, resolved: word.resolved } : words[index + 1];
    if (takesValue && inlineValue === undefined) index += 1;
    if (DIR_OPTIONS.has(option)) dir = valueWord?.resolved && dir !== null ? path.resolve(dir, valueWord.text) : null;
    else if (WORKSPACE_OPTIONS.has(option) || WORKSPACE_FLAGS.has(option)) {
      dir = null;
      workspace = true;
    }
  }
  // npm reads its own options anywhere before `--`: `npm test --prefix ../other` runs the other package's test.
  if (manager === 'npm') {
    for (let later = index + 1; later < words.length && words[later]!.text !== '--'; later += 1) {
      const text = words[later]!.text;
      const option = text.includes('=') ? text.slice(0, text.indexOf('=')) : text;
      if (option === '--prefix' || option === '-C') {
        const valueWord = option !== text ? { text: text.slice(option.length + 1), resolved: words[later]!.resolved } : words[later + 1];
        dir = valueWord?.resolved && dir !== null ? path.resolve(dir, valueWord.text) : null;
      } else if (WORKSPACE_OPTIONS.has(option) || WORKSPACE_FLAGS.has(option)) {
        dir = null;
        workspace = true;
      }
    }
  }
  const subcommandWord = words[index];
  if (!subcommandWord) return { kind: 'none' };
  const where = { dir, ...(workspace ? { workspace } : {}) };
  if (!subcommandWord.resolved) return { kind: 'script', names: [], nameWord: subcommandWord, extra: [], ...where, binFallback: false };
  const subcommand = subcommandOf(subcommandWord.text);
  if (subcommand === null) return { kind: 'none' };
  if (subcommand === 'bun-test') return { kind: 'bun-test' };
  if (subcommand === 'workspace') {
    const skip = subcommandWord.text === 'workspace' ? 2 : words.slice(index + 1).findIndex((w) => w.text === 'run') + 1;
    if (skip <= 0) return { kind: 'none' };
    const inWorkspace = parsePackageManagerCall([words[0]!, ...words.slice(index + skip)], null);
    return inWorkspace.kind === 'script' ? { ...inWorkspace, workspace: true } : inWorkspace;
  }
  const rest = words.slice(index + 1);
  const dropSeparator = (extra: ShellWord[]) => (extra[0]?.text === '--' ? extra.slice(1) : extra);
  if (typeof subcommand === 'object') return { kind: 'script', names: subcommand.scripts, nameWord: subcommandWord, extra: dropSeparator(rest), ...where, binFallback: false };
  if (subcommand === 'script-or-bin') return { kind: 'script', names: [subcommandWord.text], nameWord: subcommandWord, extra: dropSeparator(rest), ...where, binFallback: true };
  const nameAt = rest.findIndex((w) => !w.text.startsWith('-') || !w.resolved);
  if (nameAt < 0) return { kind: 'none' };
  const nameWord = rest[nameAt]!;
  return { kind: 'script', names: nameWord.resolved ? [nameWord.text] : [], nameWord, extra: dropSeparator(rest.slice(nameAt + 1)), ...where, binFallback: subcommand === 'bun-run' || manager === 'yarn' };
}

export interface ScriptJudge {
  readScripts: ReadPackageScripts;
  /** Verdicts of every command in a script body run in `dir`. */
  judgeSource(source: string, dir: string): RuleVerdict[];
  /** Verdict of a binary run directly (`yarn prisma …` when no script is named prisma). */
  judgeWords(words: ShellWord[]): RuleVerdict;
}

const UNRESOLVABLE_PACKAGE: RuleVerdict = {
  guarded: true,
  rule: 'unresolvable',
  reason: 'the package whose script runs is chosen by a workspace filter or a computed directory, so dbsafe cannot read the script',
};

/**
 * Judge the scripts a package-manager call runs, with their pre/post scripts,
 * recursively through the bodies (the depth limit is the caller's).
 */
export function judgeScriptCall(call: Extract<PackageManagerCall, { kind: 'script' }>, judge: ScriptJudge): RuleVerdict {
  if (call.names.length === 0) {
    return { guarded: true, rule: 'unresolvable', reason: `the script name ${call.nameWord.text} is only known at run time` };
  }
  const name = call.names[0]!;
  const byName = scriptNameRule(name);
  const guardedByName: RuleVerdict | null = byName?.guard ? { guarded: true, rule: byName.id, reason: `script "${name}" ${byName.reason}`, kind: byName.kind } : null;
  if (call.dir === null) return guardedByName ?? UNRESOLVABLE_PACKAGE;
  const pkg = judge.readScripts(call.dir);
  const scripts = pkg?.scripts ?? {};
  const present = call.names.filter((n) => scripts[n] !== undefined);
  if (present.length === 0 && call.binFallback) return guardedByName ?? judge.judgeWords([call.nameWord, ...call.extra]);

  const bodies: { script: string; body: string }[] = [];
  for (const scriptName of present) {
    for (const hook of [`pre${scriptName}`, scriptName, `post${scriptName}`]) {
      const body = scripts[hook];
      if (body === undefined) continue;
      const extra = hook === scriptName && call.extra.length > 0 ? ` ${call.extra.map(quoteWord).join(' ')}` : '';
      bodies.push({ script: hook, body: body + extra });
    }
  }
  // Walked even when the name alone guards the script: the bodies say which databases it uses (their assignments, cd, clients).
  const guardedParts = bodies.flatMap(({ script, body }) =>
    judge.judgeSource(body, pkg!.dir).filter((v) => v.guarded).map((v) => ({ script, body, verdict: v })),
  );
  if (guardedByName) return guardedByName;
  const counting = byName && !byName.guard ? guardedParts.filter((part) => part.verdict.kind !== 'test') : guardedParts;
  const deciding = counting[0];
  if (deciding) {
    const decidedBy = guardedDeciders(counting.map((part) => part.verdict));
    return { ...deciding.verdict, decidedBy, reason: `script "${deciding.script}" runs \`${deciding.body}\`, which ${deciding.verdict.reason}` };
  }
  if (byName) return { guarded: false, rule: byName.id, reason: `script "${name}" ${byName.reason}`, kind: byName.kind };
  if (present.length === 0) return { guarded: false, rule: 'no-script', reason: `no package.json script named "${name}" was found` };
  return { guarded: false, rule: 'script-safe', reason: `script "${name}" runs nothing that touches a database` };
}
