import path from 'node:path';
import { guardedDeciders, type RuleVerdict } from './match.js';
import { quoteWord } from './quote.js';
import { globMatches } from './glob.js';
import { scriptNameRule, unitScriptUsesDatabase } from './script-names.js';
import type { PackageScripts, ReadPackageScripts, ShellWord } from './types.js';

export const PACKAGE_MANAGERS: ReadonlySet<string> = new Set(['npm', 'yarn', 'pnpm', 'bun']);

/** What a package-manager call runs. `dir` null: a workspace filter or computed directory dbsafe cannot follow. */
export type PackageManagerCall =
  | { kind: 'script'; names: string[]; nameWord: ShellWord; extra: ShellWord[]; dir: string | null; binFallback: boolean; workspace?: boolean; hooksAlone?: boolean; filters?: string[] }
  /** `pnpm --filter x exec prisma generate`: a binary run in a package. */
  | { kind: 'exec'; words: ShellWord[] }
  /** `npm pkg set scripts.x="…"`: new script bodies, judged as the line is likely to run them next. */
  | { kind: 'script-edit'; scripts: { name: string; body: ShellWord }[] }
  | { kind: 'bun-test' }
  | { kind: 'none' };

type Subcommand = 'script-arg' | 'script-or-bin' | 'bun-run' | 'bun-test' | 'workspace' | { scripts: string[]; hooksAlone?: boolean };

const LIFECYCLE: Record<string, Subcommand> = {
  test: { scripts: ['test'] },
  t: { scripts: ['test'] },
  tst: { scripts: ['test'] },
  start: { scripts: ['start'] },
  stop: { scripts: ['stop'] },
  restart: { scripts: ['restart', 'stop', 'start'] },
};

/** Built-in commands that run the project's own lifecycle scripts (`postinstall: prisma migrate deploy`). */
const INSTALL: Subcommand = { scripts: ['install', 'prepare'], hooksAlone: true };
const INSTALLS: Record<string, Subcommand> = { install: INSTALL, i: INSTALL, ci: INSTALL, 'clean-install': INSTALL, isntall: INSTALL, add: INSTALL };

const NPM_SUBCOMMANDS: Record<string, Subcommand> = {
  ...LIFECYCLE,
  ...INSTALLS,
  rebuild: { scripts: ['install'], hooksAlone: true },
  rb: { scripts: ['install'], hooksAlone: true },
  pack: { scripts: ['pack', 'prepare'], hooksAlone: true },
  publish: { scripts: ['publish', 'prepublishOnly', 'pack', 'prepare'], hooksAlone: true },
  version: { scripts: ['version'], hooksAlone: true },
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
    if (INSTALLS[name] && name !== 'ci' && (name !== 'i' || manager !== 'yarn')) return INSTALLS[name]!;
    return builtins.has(name) ? null : 'script-or-bin';
  };
}

const DIR_OPTIONS = new Set(['--prefix', '-C', '--dir', '--cwd']);
const WORKSPACE_OPTIONS = new Set(['-w', '--workspace', '--filter', '-F']);
const WORKSPACE_FLAGS = new Set(['--workspaces', '-ws', '--ws', '-r', '--recursive']);
const NPM_WORKSPACE_OPTIONS = new Set(['-w', '--workspace']);
const NPM_WORKSPACE_FLAGS = new Set(['--workspaces', '-ws', '--ws']);
const OTHER_VALUE_OPTIONS = new Set(['--userconfig', '--cache', '--registry', '--loglevel', '--reporter', '--cwd']);

/** Read a package-manager call: which scripts (or binary) it runs, in which package. Pure. */
export function parsePackageManagerCall(words: readonly ShellWord[], cwd: string | null): PackageManagerCall {
  const manager = words[0]!.text;
  const subcommandOf = subcommandsFor(manager);
  let dir = cwd;
  let workspace = false;
  const filters: string[] = [];
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
      workspace = true;
      if (WORKSPACE_OPTIONS.has(option)) filters.push(valueWord?.resolved ? valueWord.text : '*');
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
      }
    }
  }
  const subcommandWord = words[index];
  // A bare `yarn` installs, running the lifecycle scripts like `yarn install`.
  if (!subcommandWord) return manager === 'yarn' ? { kind: 'script', names: ['install', 'prepare'], nameWord: words[0]!, extra: [], dir, binFallback: false, workspace, hooksAlone: true } : { kind: 'none' };
  if (!subcommandWord.resolved) return { kind: 'script', names: [], nameWord: subcommandWord, extra: [], dir, binFallback: false };
  if (manager === 'npm' && subcommandWord.text === 'pkg' && words[index + 1]?.text === 'set') {
    const scripts = words.slice(index + 2).flatMap((word) => {
      const match = /^scripts\.([^=]+)=([\s\S]*)$/.exec(word.text);
      return match ? [{ name: match[1]!, body: { text: match[2]!, resolved: word.resolved } }] : [];
    });
    return scripts.length > 0 ? { kind: 'script-edit', scripts } : { kind: 'none' };
  }
  // npm 7–8's `npm set-script NAME BODY`, the older form of `npm pkg set scripts.NAME=BODY`.
  if (manager === 'npm' && subcommandWord.text === 'set-script') {
    const [name, body] = words.slice(index + 1).filter((word) => !word.text.startsWith('-'));
    return name?.resolved && body ? { kind: 'script-edit', scripts: [{ name: name.text, body }] } : { kind: 'none' };
  }
  if (['exec', 'dlx', 'x'].includes(subcommandWord.text) && index > 1 && manager !== 'bun') {
    const rest = words.slice(index + 1);
    const start = rest.findIndex((w) => !w.text.startsWith('-'));
    return start < 0 ? { kind: 'none' } : { kind: 'exec', words: rest.slice(start) };
  }
  const subcommand = subcommandOf(subcommandWord.text);
  if (subcommand === null) return { kind: 'none' };
  if (subcommand === 'bun-test') return { kind: 'bun-test' };
  if (subcommand === 'workspace') {
    const skip = subcommandWord.text === 'workspace' ? 2 : words.slice(index + 1).findIndex((w) => w.text === 'run') + 1;
    if (skip <= 0) return { kind: 'none' };
    const inner = parsePackageManagerCall([words[0]!, ...words.slice(index + skip)], dir);
    const selected = subcommandWord.text === 'workspace' && words[index + 1]?.resolved ? [words[index + 1]!.text] : [];
    return inner.kind === 'script' ? { ...inner, workspace: true, filters: selected } : inner;
  }
  const rest = words.slice(index + 1);
  const dropSeparator = (extra: ShellWord[]) => (extra[0]?.text === '--' ? extra.slice(1) : extra);
  // `npm publish pkg.tgz` and `npm pack <spec>` work on another package: the project's scripts do not run.
  if (typeof subcommand === 'object' && ['publish', 'pack'].includes(subcommandWord.text) && rest.some((w) => !w.text.startsWith('-'))) return { kind: 'none' };
  if (typeof subcommand === 'object') return { kind: 'script', names: subcommand.scripts, nameWord: subcommandWord, extra: dropSeparator(rest), dir, binFallback: false, workspace, hooksAlone: subcommand.hooksAlone, filters };
  if (subcommand === 'script-or-bin') return { kind: 'script', names: [subcommandWord.text], nameWord: subcommandWord, extra: dropSeparator(rest), dir, binFallback: true, workspace, filters };
  const nameAt = rest.findIndex((w) => !w.text.startsWith('-') || !w.resolved);
  if (nameAt < 0) return { kind: 'none' };
  const nameWord = rest[nameAt]!;
  // npm takes its workspace options after the script name too (`npm run build -w app`), up to a `--`.
  const after = rest.slice(nameAt + 1);
  const separator = after.findIndex((w) => w.text === '--');
  const own = separator < 0 ? after : after.slice(0, separator);
  const workspaceOption = (w: ShellWord) => NPM_WORKSPACE_FLAGS.has(w.text) || NPM_WORKSPACE_OPTIONS.has(w.text.split('=')[0]!);
  if (manager === 'npm' && own.some(workspaceOption)) {
    const kept = own.filter((w, i) => !workspaceOption(w) && !(i > 0 && NPM_WORKSPACE_OPTIONS.has(own[i - 1]!.text)));
    const selected = own.flatMap((w, i) => (NPM_WORKSPACE_OPTIONS.has(w.text) ? [own[i + 1]?.resolved ? own[i + 1]!.text : '*'] : w.text.includes('=') && NPM_WORKSPACE_OPTIONS.has(w.text.split('=')[0]!) ? [w.text.slice(w.text.indexOf('=') + 1)] : []));
    return { kind: 'script', names: nameWord.resolved ? [nameWord.text] : [], nameWord, extra: [...kept, ...(separator < 0 ? [] : after.slice(separator + 1))], dir, binFallback: false, workspace: true, filters: selected };
  }
  return { kind: 'script', names: nameWord.resolved ? [nameWord.text] : [], nameWord, extra: dropSeparator(after), dir, binFallback: subcommand === 'bun-run' || manager === 'yarn', workspace, filters };
}

/**
 * The packages a workspace filter selects (`--filter api`, `-F @org/*`,
 * `--filter ./apps/web`, `-w api`). A filter dbsafe cannot read (`...api`,
 * `[origin/main]`, a run-time value) or that selects nothing keeps every
 * package, so the verdict covers whatever pnpm picks.
 */
function selectPackages(packages: PackageScripts[], filters: readonly string[], root: string): PackageScripts[] {
  if (filters.length === 0) return packages;
  const selected = new Set<PackageScripts>();
  for (const filter of filters) {
    const plain = filter.replace(/^!/, '');
    if (plain !== filter || /\.\.\.|\[|\^|\{/.test(plain) || plain === '*') return packages;
    const byPath = plain.startsWith('.') || plain.includes('/') && !plain.startsWith('@') ? path.resolve(root, plain) : null;
    const matches = packages.filter((pkg) => (byPath ? pkg.dir === byPath : pkg.name !== undefined && globMatches(plain, pkg.name)) || (!byPath && path.basename(pkg.dir) === plain));
    if (matches.length === 0) return packages;
    for (const pkg of matches) selected.add(pkg);
  }
  return [...selected];
}

export interface ScriptJudge {
  readScripts: ReadPackageScripts;
  /** Verdicts of every command in a script body run in `dir`. */
  judgeSource(source: string, dir: string): RuleVerdict[];
  /** Verdict of a binary run directly (`yarn prisma …` when no script is named prisma). */
  judgeWords(words: ShellWord[]): RuleVerdict;
  /** The packages of the workspace around a directory, or null when unknown. */
  workspacePackages?(dir: string): PackageScripts[] | null;
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
  // A workspace filter or -r picks packages by name: every package of the workspace is judged (a superset of those chosen).
  // The root itself is left out, as pnpm -r and --filter leave it out (and its script of the same name usually fans out to these).
  const root = judge.readScripts(call.dir);
  const members = call.workspace ? (judge.workspacePackages?.(call.dir) ?? null) : null;
  const packages: PackageScripts[] | null = call.workspace ? (members && selectPackages(members.filter((pkg) => pkg.dir !== root?.dir), call.filters ?? [], call.dir)) : [root ?? { dir: call.dir, scripts: {} }];
  if (packages === null) return guardedByName ?? UNRESOLVABLE_PACKAGE;
  // Lifecycle events run their pre/post scripts even without a main one (`postinstall` alone runs on install).
  const hooksOf = (n: string) => (call.hooksAlone ? [n, `pre${n}`, `post${n}`] : [n]);
  const present = call.names.filter((n) => packages.some((pkg) => hooksOf(n).some((hook) => pkg.scripts[hook] !== undefined)));
  if (present.length === 0 && guardedByName) return guardedByName;
  if (present.length === 0 && call.binFallback) return judge.judgeWords([call.nameWord, ...call.extra]);

  const bodies: { script: string; body: string; dir: string }[] = [];
  for (const pkg of packages) {
    for (const scriptName of present) {
      if (!hooksOf(scriptName).some((hook) => pkg.scripts[hook] !== undefined)) continue;
      for (const hook of [`pre${scriptName}`, scriptName, `post${scriptName}`]) {
        const body = pkg.scripts[hook];
        if (body === undefined) continue;
        const extra = hook === scriptName && call.extra.length > 0 ? ` ${call.extra.map(quoteWord).join(' ')}` : '';
        bodies.push({ script: hook, body: body + extra, dir: pkg.dir });
      }
    }
  }
  const parts = bodies.flatMap(({ script, body, dir }) => judge.judgeSource(body, dir).map((verdict) => ({ script, body, verdict })));
  const guardedParts = parts.filter((part) => part.verdict.guarded);
  const counting = byName && !byName.guard ? guardedParts.filter((part) => part.verdict.kind !== 'test' || (byName.kind === 'test' && unitScriptUsesDatabase(part.body))) : guardedParts;
  const deciding = counting[0];
  if (deciding) {
    const decidedBy = guardedDeciders(counting.map((part) => part.verdict));
    // A script named as a migration or seed is one, whatever its body runs (retention keeps the backup taken before it).
    const kind = guardedByName?.kind ?? deciding.verdict.kind;
    return { ...deciding.verdict, ...(kind ? { kind } : {}), decidedBy, reason: `script "${deciding.script}" runs \`${deciding.body}\`, which ${deciding.verdict.reason}` };
  }
  // A database-sounding name is judged by its body when every command of the body is one dbsafe knows
  // (`db:up` starting a container passes); a body running something unknown keeps the name's verdict.
  const unknown = parts.find((part) => part.verdict.rule === 'no-rule');
  if (guardedByName && unknown) return { ...guardedByName, reason: `${guardedByName.reason}, and its body runs \`${unknown.body}\`, which dbsafe cannot judge` };
  if (guardedByName) return { guarded: false, rule: 'script-safe', reason: `script "${name}" is named like a database script, but its body \`${bodies.map((b) => b.body).join(' && ')}\` runs nothing that touches a database` };
  if (byName) return { guarded: false, rule: byName.id, reason: `script "${name}" ${byName.reason}`, kind: byName.kind };
  if (present.length === 0) return { guarded: false, rule: 'no-script', reason: `no package.json script named "${name}" was found` };
  return { guarded: false, rule: 'script-safe', reason: `script "${name}" runs nothing that touches a database` };
}
