import path from 'node:path';
import { clientConnection, sqliteReadsOnly } from './client-connections.js';
import { globMatches } from './glob.js';
import { SPRING_BOOT_RUN_TASKS } from './table/compiled.js';
import { commandName, interpreterTarget, shellSource, unwrapLauncher, type Unwrapped } from './launchers.js';
import { NEVER_RUNS_ITS_ARGUMENTS } from './inner-commands.js';
import { commandNameVerdict, environmentSwitchVerdict, pathWordVerdict, programSubcommandVerdict } from './path-words.js';
import { commandVariableWords, innerCommandVerdict, judgeInlineCode, knownToolAtUnknownPath, programAtUnknownPath, toolOfWrapperScript } from './embedded-commands.js';
import { firstGuarded, PASS_NO_RULE, type NestedJudge } from './nested-judge.js';
import { judgeComposer, judgeRecipeTarget, judgeTargetName } from './runner-files.js';
import { guardedDeciders, matchToolRules, type RuleVerdict } from './match.js';
import { judgeScriptCall, PACKAGE_MANAGERS, parsePackageManagerCall } from './package-scripts.js';
import { quoteWord } from './quote.js';
import { judgeRakeCall } from './rake-tasks.js';
import { judgeArtisanAtUnknownPath, judgeArtisanCall } from './artisan-commands.js';
import { judgeDjangoCall } from './django-commands.js';
import { databaseFileVerdict } from './database-files.js';
import { judgeProjectScript } from './project-scripts.js';
import { scriptNameRule } from './script-names.js';
import { scriptsMatching, taskRunOf, type TaskRun } from './task-runners.js';
import { judgeMixAlias } from './mix-aliases.js';
import { COMMAND_RULES } from './table/index.js';
import { inlineCode } from './inline-code.js';
import { matchUserRules } from './user-rules.js';
import type { Classification, CommandRule, EnvChange, InvocationEffects, ParsedLine, ProjectFiles, ReadPackageScripts, Segment, ShellParse, ShellWord, SimpleCommand, StdinSource, UserCommandRule } from './types.js';

/** Deeper than this (scripts calling scripts, shells in shells) is treated as guarded: a loop or an obfuscation. */
export const MAX_DEPTH = 16;

export interface ClassifyInput {
  /** A parsed shell line, or an argv (each element one word, exactly as exec receives it). */
  command: ParsedLine | readonly string[];
  /** Absolute directory the command runs in. */
  cwd: string;
  /** Nearest package.json scripts at or above a directory (I/O stays with the caller). */
  readScripts: ReadPackageScripts;
  /** Synchronous shell parser for nested sources (`bash -c`, script bodies, heredocs). */
  parse: ShellParse;
  userRules?: readonly UserCommandRule[];
  /** Built-in table; tests may pass another. */
  table?: readonly CommandRule[];
  /** Workspaces, composer.json, Makefile and justfile of the project (I/O stays with the caller); without it only names are judged. */
  projectFiles?: ProjectFiles;
}

/** More invocations than this in one line (scripts fanning out to scripts) is guarded rather than followed. */
export const MAX_INVOCATIONS = 2000;

/** System service scripts (`/etc/init.d/mysql start`): named after the server they start, not a client of it. */
const SERVICE_SCRIPT_DIRECTORIES = ['/etc/init.d/', '/etc/rc.d/'];

const DIRECTORY_CHANGES: ReadonlySet<string> = new Set(['cd', 'pushd', 'popd']);

/** Where an invocation runs and what it inherits from the line around it. */
interface Scope {
  /** Null: only known at run time (`unknownDir` says what was written). */
  dir: string | null;
  unknownDir?: string;
  /** `pushd` saves the directory it leaves; `popd` returns to it. */
  dirStack?: ReadonlyArray<Pick<Scope, 'dir' | 'unknownDir'>>;
  env: readonly EnvChange[];
  /** The invocation that runs this one (a launcher, a script call, a shell), if any. */
  parent: number | null;
  inContainer: boolean;
}

interface InvocationRecord {
  parent: number | null;
  effects: InvocationEffects;
}

interface Context {
  /** Invocations judged so far, shared by the whole line. */
  judged: { count: number };
  /** Every invocation reached, numbered by position: a verdict's `decidedBy` points here. */
  invocations: InvocationRecord[];
  readScripts: ReadPackageScripts;
  parse: ShellParse;
  userRules: readonly UserCommandRule[];
  table: readonly CommandRule[];
  files: ProjectFiles | null;
  /** The project's rake tasks and management commands already being judged on this line (one that re-runs itself is not followed again). */
  tasksSeen: Set<string>;
}

function viaReason(via: string, verdict: RuleVerdict): RuleVerdict {
  return { ...verdict, reason: `through ${via}: ${verdict.reason}` };
}

function judgeUnwrapped(step: Exclude<Unwrapped, { kind: 'none' }>, command: SimpleCommand, original: readonly ShellWord[], scope: Scope, depth: number, ctx: Context): RuleVerdict {
  if (step.kind === 'unresolvable') return { guarded: true, rule: 'unresolvable', reason: step.reason };
  if (step.kind === 'shell') {
    if (step.source.length === 0) return PASS_NO_RULE(original.map(quoteWord).join(' '));
    if (step.source.some((word) => !word.resolved)) {
      return { guarded: true, rule: 'unresolvable', reason: `${step.via} runs shell code built at run time (${step.source.map((w) => w.text).join(' ')})` };
    }
    const verdicts = judgeSource(step.source.map((word) => word.text).join(' '), scope, depth + 1, ctx);
    const guarded = verdicts.find((v) => v.guarded);
    return guarded ? viaReason(step.via, { ...guarded, decidedBy: guardedDeciders(verdicts) }) : (verdicts[0] ?? PASS_NO_RULE(step.via));
  }
  // xargs appends words read at run time: an unresolved word stands for them, so the rules decide whether they matter.
  const words = step.trailingUnknown ? [...step.words, { text: `<arguments read by ${step.via}>`, resolved: false }] : step.words;
  // A dotenv file is read relative to where the launcher runs.
  const changes = (step.env ?? []).map((change): EnvChange => (change.kind === 'file' && change.path !== null ? { ...change, path: scope.dir === null ? null : path.resolve(scope.dir, change.path) } : change));
  const inner: Scope = { ...scope, env: [...scope.env, ...changes], inContainer: scope.inContainer || step.inContainer === true };
  if (step.directory) Object.assign(inner, directoryScope(scope, step.directory.value, step.directory.written));
  if (step.containerWorkdir && scope.dir !== null) {
    const mounted = mountedPackage(step.containerWorkdir, scope.dir, ctx.readScripts);
    if (mounted) Object.assign(inner, { dir: mounted, unknownDir: undefined });
  }
  return judgeWords(words, command, inner, depth + 1, ctx);
}

/**
 * A container usually has the project mounted (`.:/app`): its working
 * directory `/app/frontend` is the project's `frontend` package when the
 * project has one there (the longest trailing part of the path that is a
 * directory with its own package.json). Null when none is.
 */
function mountedPackage(workdir: string, dir: string, readScripts: ReadPackageScripts): string | null {
  const parts = workdir.split('/').filter((part) => part !== '' && part !== '.');
  for (let start = 0; start < parts.length; start += 1) {
    if (parts.slice(start).includes('..')) continue;
    const candidate = path.join(dir, ...parts.slice(start));
    if (readScripts(candidate)?.dir === candidate) return candidate;
  }
  return null;
}

/** The scope after moving to `target` (relative to the current directory); unknown when either is. */
function directoryScope(scope: Scope, target: string | null, written: string): Pick<Scope, 'dir' | 'unknownDir'> {
  if (target === null || target.startsWith('~') || target === '-') return { dir: null, unknownDir: written };
  if (scope.dir === null) return { dir: null, unknownDir: scope.unknownDir };
  return { dir: path.resolve(scope.dir, target), unknownDir: undefined };
}

function directoryEffects(moved: Pick<Scope, 'dir' | 'unknownDir'>): Pick<InvocationEffects, 'dir' | 'unknownDirectory'> {
  return moved.dir === null ? { dir: null, unknownDirectory: moved.unknownDir } : { dir: moved.dir };
}

function wordsText(words: readonly ShellWord[]): string {
  return words.map(quoteWord).join(' ');
}

/** How the modules that read runner files and inline code judge what they find, from this invocation's scope. */
function nestedJudge(command: SimpleCommand, scope: Scope, depth: number, ctx: Context): NestedJudge {
  return {
    source: (source, dir) => judgeSource(source, dir === undefined || dir === scope.dir ? scope : { ...scope, dir, unknownDir: dir === null ? scope.unknownDir : undefined }, depth + 1, ctx),
    words: (words) => judgeWords(words, command, scope, depth + 1, ctx),
    table: ctx.table,
    files: ctx.files,
  };
}

/** Judge one invocation, recording where it runs and with what environment; the verdict names the invocation that decided it. */
function judgeWords(words: readonly ShellWord[], command: SimpleCommand, scope: Scope, depth: number, ctx: Context): RuleVerdict {
  const first = words[0];
  if (!first) return PASS_NO_RULE('');
  // A directory change runs nothing itself: what it changes is in the scope of the commands after it.
  if (first.resolved && DIRECTORY_CHANGES.has(first.text)) return judgeInvocation(words, command, scope, { text: '', dir: null, env: [] }, depth, ctx);
  const id = ctx.invocations.length;
  const effects: InvocationEffects = { text: wordsText(words), argv: words.map((word) => word.text), dir: scope.dir, env: [...scope.env], ...(scope.unknownDir !== undefined && scope.dir === null ? { unknownDirectory: scope.unknownDir } : {}), ...(scope.inContainer ? { inContainer: true } : {}) };
  ctx.invocations.push({ parent: scope.parent, effects });
  const verdict = judgeInvocation(words, command, { ...scope, parent: id }, effects, depth, ctx);
  return verdict.decidedBy === undefined ? { ...verdict, decidedBy: [id] } : verdict;
}

/** Peel launchers off until a rule, a script or nothing applies. */
function judgeInvocation(words: readonly ShellWord[], command: SimpleCommand, scope: Scope, effects: InvocationEffects, depth: number, ctx: Context): RuleVerdict {
  const first = words[0]!;
  const cwd = scope.dir;
  if (depth > MAX_DEPTH) return { guarded: true, rule: 'too-deep', reason: `commands nest more than ${MAX_DEPTH} levels deep (scripts calling scripts or shells), which dbsafe does not follow` };
  ctx.judged.count += 1;
  if (ctx.judged.count > MAX_INVOCATIONS) return { guarded: true, rule: 'too-deep', reason: `the line expands to more than ${MAX_INVOCATIONS} commands (scripts fanning out to scripts), which dbsafe does not follow` };
  const user = matchUserRules(words, ctx.userRules);
  if (user) {
    // The project's rule decides; what the command runs is still walked, so the databases it names are judged too.
    if (user.guarded) judgeInvocation(words, command, scope, effects, depth, { ...ctx, userRules: [] });
    return user;
  }
  const fromCurrentDirectory = first.resolved || cwd === null ? null : currentDirectoryPath(first.text);
  if (fromCurrentDirectory) return judgeInvocation([{ text: fromCurrentDirectory, resolved: true }, ...words.slice(1)], command, scope, effects, depth + 1, ctx);
  const alternatives = first.resolved ? null : alternativeExpansions(words);
  if (alternatives) return firstGuarded(alternatives.map((alternative) => judgeInvocation(alternative, command, scope, effects, depth + 1, ctx)), PASS_NO_RULE(wordsText(words)));
  if (first.resolved && SERVICE_SCRIPT_DIRECTORIES.some((dir) => first.text.startsWith(dir))) return { guarded: false, rule: 'service-script', reason: `${first.text} starts or stops a system service; it runs no client` };
  const knownTool = first.resolved ? commandName(first.text) : knownToolAtUnknownPath(first.text, ctx.table);
  let name = knownTool;
  if (name === null) {
    const after = programAfterUnknownWord(words, command, scope, effects, depth, ctx);
    if (after) return after;
    name = programAtUnknownPath(first.text);
    if (name === null) return { guarded: true, rule: 'unresolvable', reason: `the command word ${first.text} is only known at run time` };
  }
  const steps = [unwrapLauncher(words), shellSource(words, command.stdinText, command.stdin !== 'terminal'), interpreterTarget(words)];
  const step = steps.find((s) => s.kind !== 'none');
  if (step) return judgeUnwrapped(step, command, words, scope, depth, ctx);

  const code = inlineCode(words);
  if (code) {
    const verdict = judgeInlineCode(name, code, nestedJudge(command, scope, depth, ctx));
    if (verdict) return verdict;
  }

  const task = taskRunOf(words);
  if (task.kind === 'targets') {
    // The recipes are not read: the runner itself stands for them, in its directory and with what it exports.
    effects.env.push(...(task.env ?? []));
    if (task.directory) Object.assign(effects, directoryEffects(directoryScope(scope, task.directory.value, task.directory.written)));
  }
  // Without a readable workspace (no package list), turbo's task names are judged by the name rules.
  if (task.kind === 'targets' && task.runner.startsWith('turbo') && cwd !== null && ctx.files?.workspacePackages(cwd)) return judgeTurboTasks(task, words, command, { ...scope, dir: cwd }, depth, ctx);
  if (task.kind !== 'none') return judgeTaskRun(task, command, scope, depth, ctx);

  if (name === 'deno' && words[1]?.text === 'task' && words[2] && ctx.files) {
    const files = ctx.files;
    const call = { kind: 'script' as const, names: words[2].resolved ? [words[2].text] : [], nameWord: words[2], extra: words.slice(3), dir: cwd, binFallback: false };
    return judgeScriptCall(call, {
      readScripts: (dir) => files.denoTasks(dir),
      judgeSource: (source, dir) => judgeSource(source, { ...scope, dir }, depth + 1, ctx),
      judgeWords: (binWords) => judgeWords(binWords, command, scope, depth + 1, ctx),
    });
  }
  if (name === 'composer') {
    const composer = judgeComposer(words, cwd, nestedJudge(command, scope, depth, ctx));
    if (composer) return composer;
  }
  if (PACKAGE_MANAGERS.has(name)) {
    const call = parsePackageManagerCall([{ text: name, resolved: true }, ...words.slice(1)], name === 'npm' ? npmPrefixFromEnvironment(scope) : cwd);
    if (call.kind === 'bun-test') return { guarded: true, rule: 'js-test-runner', reason: 'runs the bun test suite, which usually writes to the configured database', kind: 'test' };
    if (call.kind === 'exec') return judgeWords(call.words, command, scope, depth + 1, ctx);
    if (call.kind === 'script-edit') {
      for (const { name: script, body } of call.scripts) {
        if (!body.resolved) return { guarded: true, rule: 'unresolvable', reason: `the new body of script "${script}" is only known at run time` };
        const verdicts = judgeSource(body.text, scope, depth + 1, ctx);
        const guarded = verdicts.find((v) => v.guarded);
        if (guarded) return { ...guarded, decidedBy: guardedDeciders(verdicts), rule: 'script-edit', reason: `sets script "${script}" to \`${body.text}\`, which ${guarded.reason}` };
      }
      return { guarded: false, rule: 'script-edit', reason: 'sets package.json scripts whose bodies touch no database' };
    }
    if (call.kind === 'script') {
      // The script runs in its package's directory; a workspace filter keeps the caller's project.
      const callScope: Scope = call.dir !== null ? { ...scope, dir: call.dir, unknownDir: undefined } : call.workspace || scope.dir === null ? scope : { ...scope, dir: null, unknownDir: wordsText(words) };
      effects.dir = callScope.dir;
      if (callScope.dir === null) effects.unknownDirectory = callScope.unknownDir;
      return judgeScriptCall(call, {
        readScripts: ctx.readScripts,
        judgeSource: (source, dir) => judgeSource(source, { ...callScope, dir }, depth + 1, ctx),
        judgeWords: (binWords) => judgeWords(binWords, command, callScope, depth + 1, ctx),
        workspacePackages: (dir) => ctx.files?.workspacePackages(dir) ?? null,
      });
    }
  }
  if ((name === 'rake' || name === 'rails') && cwd !== null && ctx.files?.rakeTasks) {
    const tasks = ctx.files.rakeTasks(cwd);
    const verdict = tasks ? judgeRakeCall(name, words, tasks, ctx.tasksSeen, nestedJudge(command, { ...scope, dir: tasks.dir, unknownDir: undefined }, depth, ctx)) : null;
    if (verdict) return verdict;
  }
  if (name === 'manage.py' && cwd !== null && ctx.files?.djangoCommands) {
    const project = ctx.files.djangoCommands(path.resolve(cwd, first.text));
    const verdict = project ? judgeDjangoCall(words, project, ctx.tasksSeen, nestedJudge(command, scope, depth, ctx)) : null;
    if (verdict) return verdict;
  }
  if (name === 'mix' && cwd !== null && ctx.files?.mixAliases) {
    const project = ctx.files.mixAliases(cwd);
    const verdict = project ? judgeMixAlias(words, project, ctx.tasksSeen, nestedJudge(command, scope, depth, ctx)) : null;
    if (verdict) return verdict;
  }
  if (name === 'artisan' && !first.resolved) {
    const verdict = judgeArtisanAtUnknownPath(words, ctx.table);
    if (verdict) return verdict;
  }
  if (name === 'artisan' && first.resolved && cwd !== null && ctx.files?.artisanCommands) {
    const project = ctx.files.artisanCommands(path.resolve(cwd, first.text));
    const verdict = project ? judgeArtisanCall(words, project, ctx.tasksSeen, nestedJudge(command, scope, depth, ctx)) : null;
    if (verdict) return verdict;
  }
  if (!scope.inContainer) {
    const client = clientConnection(name, words.slice(1));
    if (client) effects.client = client;
  }
  if (name === 'sqlite3' && command.stdin === 'terminal' && sqliteReadsOnly(words.slice(1))) return { guarded: false, rule: 'sqlite-dot-read-only', reason: 'runs only sqlite3 dot commands that print the schema, the tables, the indexes or the whole database as SQL', kind: 'read-only' };
  const file = databaseFileVerdict(name, words.slice(1));
  if (file) return file;
  const byRow = matchToolRules(toolOfWrapperScript(name, ctx.table), words.slice(1), command.stdin, ctx.table);
  if (!byRow?.guarded && name in SPRING_BOOT_RUN_TASKS && words.some((word) => word.resolved && SPRING_BOOT_RUN_TASKS[name]!.some((task) => globMatches(task, word.text))) && cwd !== null) {
    const tool = ctx.files?.jvmMigrationTool?.(cwd);
    if (tool) return { guarded: true, rule: 'spring-boot-run-migrates', reason: `starts the Spring Boot application, which applies its ${tool} migrations to the configured database on start-up (the build declares ${tool})`, kind: 'migration' };
  }
  // A project's own program run by its path (`bin/migrate`) is not the tool it shares a name with, unless a row decides.
  const ownProgram = byRow?.rule === 'no-rule' && (first.resolved ? first.text.includes('/') : knownTool === null);
  return (
    (byRow?.rule === 'no-rule' && FRAMEWORK_COMMAND_TOOLS.has(name) ? frameworkCommandName(words) : null) ??
    (ownProgram ? null : byRow) ??
    projectScriptVerdict(words, command, scope, depth, ctx) ??
    pathWordVerdict(first.text, scope.env) ??
    unknownProgramVerdict(words, name, nestedJudge(command, scope, depth, ctx)) ??
    (NEVER_RUNS_ITS_ARGUMENTS.has(name) ? { guarded: false, rule: 'harmless-command', reason: `${name} does not touch a database` } : PASS_NO_RULE(words.map(quoteWord).join(' ')))
  );
}

/**
 * A program no row knows. Its own database subcommand decides for the
 * project's program run by its path (`./pocketbase migrate collections`);
 * for a program known by name, a known tool among its arguments decides
 * first when it guards (`run-as-runtime-user php artisan migrate`).
 */
function unknownProgramVerdict(words: readonly ShellWord[], name: string, judge: NestedJudge): RuleVerdict | null {
  const first = words[0]!;
  const own = (first.resolved || first.text.includes('/')) && !NEVER_RUNS_ITS_ARGUMENTS.has(name) ? programSubcommandVerdict(first.text, name, words.slice(1)) : null;
  if (own && (first.text.includes('/') || !own.guarded)) return own;
  const inner = innerCommandVerdict(name, words, judge);
  return inner?.guarded ? inner : (own ?? inner);
}

/** Tools whose first argument names one of the application's commands (a management command, console command or task). */
const FRAMEWORK_COMMAND_TOOLS: ReadonlySet<string> = new Set(['manage.py', 'django-admin', 'console', 'artisan', 'rake', 'rails']);

/** Options with which a command only reports what it would do (`run_async_migrations --check`). */
const CHECK_ONLY_OPTIONS = ['--check', '--plan', '--list', '--status', '--dry-run', '--show'];

/** The command a framework tool runs, judged by its name when nothing else decides it (commandNameVerdict). */
function frameworkCommandName(words: readonly ShellWord[]): RuleVerdict | null {
  const command = words.slice(1).find((word) => !word.text.startsWith('-'));
  if (words.some((word) => CHECK_ONLY_OPTIONS.includes(word.text))) return null;
  return command?.resolved ? commandNameVerdict(commandName(words[0]!.text), command.text) : null;
}

/**
 * A command word only known at run time that stands for a launcher: a
 * variable named for one (`${DOCKER_COMPOSE} -f dev.yml down`), or one
 * followed by a program path (`$(PHP) bin/console cache:clear`, `$(PHP_NO_XDEBUG)
 * bin/phpstan analyse`), which is what it runs. Decides only when a rule
 * decides what follows; otherwise the line stays unresolvable (null).
 */
function programAfterUnknownWord(words: readonly ShellWord[], command: SimpleCommand, scope: Scope, effects: InvocationEffects, depth: number, ctx: Context): RuleVerdict | null {
  const [first, next] = words;
  const standIn = commandVariableWords(first!.text);
  const inner = standIn ? [...standIn, ...words.slice(1)] : next?.resolved && next.text.includes('/') && !next.text.includes('://') ? words.slice(1) : null;
  if (!inner) return null;
  const verdict = judgeInvocation(inner, command, scope, effects, depth + 1, ctx);
  // A variable named for its command is judged as that command; a word merely followed by a path decides only through a rule.
  if (!standIn && !verdict.guarded && (verdict.rule === 'no-rule' || verdict.rule === 'no-script')) return null;
  return { ...verdict, reason: `${first!.text} runs \`${inner.map(quoteWord).join(' ')}\`, which ${verdict.reason}` };
}

/** A program of the project run by its relative path (`bin/x`, `./script/test`): judged by what its body runs, when dbsafe can read that. */
function projectScriptVerdict(words: readonly ShellWord[], command: SimpleCommand, scope: Scope, depth: number, ctx: Context): RuleVerdict | null {
  const first = words[0]!;
  if (!first.resolved || !first.text.includes('/') || path.isAbsolute(first.text) || first.text.startsWith('~') || scope.dir === null || !ctx.files?.scriptText) return null;
  const file = path.resolve(scope.dir, first.text);
  const text = ctx.files.scriptText(file);
  return text === null ? null : judgeProjectScript(first.text, file, text, words.slice(1), nestedJudge(command, scope, depth, ctx));
}

/**
 * `$PWD/scripts/seed.sh`, `"$(pwd)"/bin/setup`: the current directory is
 * known, so the program is the project's `./scripts/seed.sh`, whose body can
 * be read. Null for any other word.
 */
function currentDirectoryPath(text: string): string | null {
  const match = /^"?(?:\$PWD|\$\{PWD\}|\$\(pwd\)|`pwd`)"?\/([A-Za-z0-9_./-]+)$/.exec(text);
  return match && !match[1]!.split('/').includes('..') ? `./${match[1]}` : null;
}

/**
 * `${DEBUG:+rdbg -O -n -c --} bin/rails server`: an unquoted `${VAR:+words}`
 * expands to nothing or to its words, whatever VAR holds, so both lines are
 * judged (guarded when either is). Null for any other word.
 */
function alternativeExpansions(words: readonly ShellWord[]): ShellWord[][] | null {
  const match = /^\$\{\w+:?\+([^{}$`"'\\*?[\]]*)\}$/.exec(words[0]!.text);
  if (!match) return null;
  const expanded = match[1]!.split(/\s+/).filter((word) => word !== '').map((text) => ({ text, resolved: true }));
  const rest = words.slice(1);
  return rest.length === 0 ? [expanded] : [rest, [...expanded, ...rest]];
}

/** Script runners, concurrently, make-like and monorepo task runners: judge what they run. */
function judgeTaskRun(task: Exclude<TaskRun, { kind: 'none' }>, command: SimpleCommand, scope: Scope, depth: number, ctx: Context): RuleVerdict {
  if (task.kind === 'own-command') return { guarded: false, rule: 'runner-own-command', reason: `\`${task.runner} ${task.command}\` is ${task.runner}'s own command (it changes packages, code or caches), not a task of the project`, kind: 'read-only' };
  const cwd = scope.dir;
  const unresolved = (word: ShellWord): RuleVerdict => ({ guarded: true, rule: 'unresolvable', reason: `${word.text} is only known at run time` });
  if (task.kind === 'sources') {
    const verdicts = task.sources.map((source) => (source.resolved ? firstGuarded(judgeSource(source.text, scope, depth + 1, ctx), PASS_NO_RULE(source.text)) : unresolved(source)));
    return firstGuarded(verdicts, PASS_NO_RULE('concurrently'));
  }
  if (task.kind === 'scripts') {
    const scripts = cwd === null ? {} : (ctx.readScripts(cwd)?.scripts ?? {});
    // A glob like `test:*` is meant for the script runner; the shell leaves it alone unless files match it.
    const patterns = task.patterns.map((p) => (!p.resolved && /^[\w:.*-]+$/.test(p.text) ? { ...p, resolved: true } : p));
    const verdicts = patterns.flatMap((pattern) =>
      pattern.resolved
        ? scriptsMatching(pattern.text, scripts).map((name) => judgeWords([{ text: 'npm', resolved: true }, { text: 'run', resolved: true }, { text: name, resolved: true }], command, scope, depth + 1, ctx))
        : [unresolved(pattern)],
    );
    return firstGuarded(verdicts, { guarded: false, rule: 'script-safe', reason: 'the scripts it runs touch no database' });
  }
  const recipeDir = task.directory ? (task.directory.value === null || cwd === null ? null : path.resolve(cwd, task.directory.value)) : cwd;
  const recipes = task.readable && recipeDir !== null ? (ctx.files?.recipes(recipeDir, task.runner === 'just' || task.runner === 'task' ? task.runner : 'make') ?? null) : null;
  if (recipes) {
    // The recipes run in the runner's directory, with the variables it exports.
    const recipeScope: Scope = { ...scope, dir: recipeDir, unknownDir: undefined, env: [...scope.env, ...(task.env ?? [])] };
    const names = task.names.length > 0 ? task.names : recipes.first ? [{ text: recipes.first, resolved: true }] : [];
    const seen = new Set<string>();
    const verdicts = names.map((name) => (name.resolved ? (judgeRecipeTarget(recipes, task.runner, name.text, seen, nestedJudge(command, recipeScope, depth, ctx)) ?? judgeTargetName(task.runner, name)) : unresolved(name)));
    return firstGuarded(verdicts, PASS_NO_RULE(task.runner));
  }
  const verdicts = task.names.map((name): RuleVerdict => {
    if (!name.resolved) return unresolved(name);
    const rule = scriptNameRule(name.text);
    return rule?.guard ? { guarded: true, rule: rule.id, reason: `${task.runner} task "${name.text}" ${rule.reason}`, kind: rule.kind } : PASS_NO_RULE(`${task.runner} ${name.text}`);
  });
  return firstGuarded(verdicts, PASS_NO_RULE(task.runner));
}

/**
 * `turbo run migrate --filter db`: turbo runs the package.json script of that
 * name in each workspace package (those the filters select), in the
 * package's directory: judged like `pnpm -r --filter db run migrate`.
 */
function judgeTurboTasks(task: Extract<TaskRun, { kind: 'targets' }>, words: readonly ShellWord[], command: SimpleCommand, scope: Scope & { dir: string }, depth: number, ctx: Context): RuleVerdict {
  const filters: string[] = [];
  words.forEach((word, index) => {
    if (word.text === '--filter' || word.text === '-F') filters.push(words[index + 1]?.resolved ? words[index + 1]!.text : '*');
    else if (word.text.startsWith('--filter=')) filters.push(word.resolved ? word.text.slice('--filter='.length) : '*');
  });
  // `db#migrate` runs the task of one package.
  for (const word of words) if (word.resolved && /^[^-][^#]*#/.test(word.text)) filters.push(word.text.slice(0, word.text.indexOf('#')));
  const verdicts = task.names.map((name): RuleVerdict => {
    if (!name.resolved) return { guarded: true, rule: 'unresolvable', reason: `${name.text} is only known at run time` };
    const call = { kind: 'script' as const, names: [name.text], nameWord: name, extra: [], dir: scope.dir, binFallback: false, workspace: true, filters };
    return judgeScriptCall(call, {
      readScripts: ctx.readScripts,
      judgeSource: (source, dir) => judgeSource(source, { ...scope, dir, unknownDir: undefined }, depth + 1, ctx),
      judgeWords: (binWords) => judgeWords(binWords, command, scope, depth + 1, ctx),
      workspacePackages: (dir) => ctx.files?.workspacePackages(dir) ?? null,
    });
  });
  return firstGuarded(verdicts, PASS_NO_RULE(task.runner));
}

/** npm reads `npm_config_prefix` from its environment as `--prefix`: set by the line, it moves `npm test`. */
function npmPrefixFromEnvironment(scope: Scope): string | null {
  const change = scope.env.filter((c) => (c.kind === 'set' || c.kind === 'unset') && c.name.toLowerCase() === 'npm_config_prefix').at(-1);
  if (!change || change.kind !== 'set') return scope.dir;
  return directoryScope(scope, change.value, change.text).dir;
}

/** `cd dir` changes where later commands run; a directory known only at run time makes it unknown (null). */
function nextDirectory(command: SimpleCommand, scope: Scope): Pick<Scope, 'dir' | 'unknownDir' | 'dirStack'> {
  const name = command.words[0]?.text;
  const stack = scope.dirStack ?? [];
  if (name === 'popd') {
    // Past the line's own pushd, popd returns to a directory the line does not say.
    const previous = stack.at(-1) ?? { dir: null, unknownDir: command.text };
    return { ...previous, dirStack: stack.slice(0, -1) };
  }
  if (name !== 'cd' && name !== 'pushd') return scope;
  const target = command.words.slice(1).find((word) => !/^-[PLe@]*$/.test(word.text) || word.text === '-');
  // A bare `cd` goes to $HOME, which the line does not say.
  const moved = directoryScope(scope, target?.resolved ? target.text : null, command.text);
  return name === 'pushd' ? { ...moved, dirStack: [...stack, { dir: scope.dir, unknownDir: scope.unknownDir }] } : moved;
}

/**
 * `. FILE` / `source FILE` can set any variable for the commands after it:
 * read as a dotenv file (KEY=value lines, `export` allowed), the way
 * `set -a; . ./.env.production; set +a` is used.
 */
function sourcedFile(command: SimpleCommand, scope: Scope): EnvChange[] {
  const [name, file] = command.words;
  if (!name?.resolved || (name.text !== '.' && name.text !== 'source')) return [];
  const written = command.text;
  // `~/.nvm/nvm.sh`, `"$HOME/x"`: the guard expands these from the environment.
  if (file && (!file.resolved || file.text.startsWith('~'))) return [{ kind: 'file', path: null, written, source: file.text }];
  if (!file || scope.dir === null) return [{ kind: 'file', path: null, written }];
  return [{ kind: 'file', path: path.resolve(scope.dir, file.text), written }];
}

function judgeCommands(line: ParsedLine, outer: Scope, depth: number, ctx: Context): { command: SimpleCommand; verdict: RuleVerdict }[] {
  let scope = outer;
  // The scope each enclosing subshell started with: leaving one restores it (its cd and exports end with it).
  const entered: Scope[] = [];
  const results = line.commands.map((command) => {
    const subshells = command.subshell ?? 0;
    while (entered.length > subshells) scope = entered.pop()!;
    while (entered.length < subshells) entered.push(scope);
    if (command.before) scope = { ...scope, env: [...scope.env, ...command.before] };
    const own = command.assignments ? { ...scope, env: [...scope.env, ...command.assignments] } : scope;
    const judged = judgeWords(command.words, command, own, depth, ctx);
    const verdict = judged.guarded ? judged : (environmentSwitchVerdict(command.assignments) ?? judged);
    scope = { ...scope, ...nextDirectory(command, scope), env: [...scope.env, ...sourcedFile(command, scope)] };
    return { command, verdict };
  });
  if (line.syntaxError) {
    results.unshift({
      command: { text: '(the whole command line)', words: [], stdin: 'terminal' },
      verdict: { guarded: true, rule: 'parse-error', reason: 'the command line is not valid shell syntax, so dbsafe cannot tell what it runs' },
    });
  }
  return results;
}

function judgeSource(source: string, scope: Scope, depth: number, ctx: Context): RuleVerdict[] {
  if (depth > MAX_DEPTH) return [{ guarded: true, rule: 'too-deep', reason: `commands nest more than ${MAX_DEPTH} levels deep, which dbsafe does not follow` }];
  return judgeCommands(ctx.parse(source), scope, depth, ctx).map((r) => r.verdict);
}

/** The invocations that actually run (no invocation under them) among `roots` and everything they run. */
function runningInvocations(invocations: readonly InvocationRecord[], roots: ReadonlySet<number> | 'all'): InvocationEffects[] {
  const hasChildren = new Set(invocations.map((record) => record.parent).filter((parent) => parent !== null));
  const under = (id: number): boolean => {
    if (roots === 'all') return true;
    for (let at: number | null = id; at !== null; at = invocations[at]!.parent) if (roots.has(at)) return true;
    return false;
  };
  return invocations.flatMap((record, id) => (!hasChildren.has(id) && under(id) ? [record.effects] : []));
}

/**
 * The invocations whose databases decide the guard: what runs under each
 * guarded part of the line (under the invocation whose rule guarded it), or
 * every invocation when no part is guarded or a part cannot be traced.
 */
function effectsOf(verdicts: readonly RuleVerdict[], invocations: readonly InvocationRecord[]): InvocationEffects[] {
  const guarded = verdicts.filter((verdict) => verdict.guarded);
  const deciders = guardedDeciders(guarded);
  if (guarded.length === 0 || deciders === undefined) return runningInvocations(invocations, 'all');
  return runningInvocations(invocations, new Set(deciders));
}

function argvLine(argv: readonly string[]): ParsedLine {
  const words = argv.map((text) => ({ text, resolved: true }));
  return { commands: words.length > 0 ? [{ text: words.map(quoteWord).join(' '), words, stdin: 'terminal' as StdinSource }] : [], syntaxError: false };
}

/**
 * Would this command line touch a database? Pure: all I/O comes in through
 * `readScripts` and `parse`. Guarded when any part is guarded.
 */
export function classifyCommand(input: ClassifyInput): Classification {
  const ctx: Context = { judged: { count: 0 }, invocations: [], readScripts: input.readScripts, parse: input.parse, userRules: input.userRules ?? [], table: input.table ?? COMMAND_RULES, files: input.projectFiles ?? null, tasksSeen: new Set() };
  const line = Array.isArray(input.command) ? argvLine(input.command as readonly string[]) : (input.command as ParsedLine);
  const results = judgeCommands(line, { dir: input.cwd, env: [], parent: null, inContainer: false }, 0, ctx);
  const effects = effectsOf(results.map((r) => r.verdict), ctx.invocations);
  const segments: Segment[] = results.map(({ command, verdict }) => ({
    text: command.text,
    argv: command.words.map((word) => word.text),
    guarded: verdict.guarded,
    rule: verdict.rule,
    reason: verdict.reason,
    ...(verdict.kind ? { kind: verdict.kind } : {}),
  }));
  const deciding = segments.find((s) => s.guarded) ?? (segments.length === 1 ? segments[0] : undefined);
  if (deciding) return { guarded: deciding.guarded, rule: deciding.rule, reason: deciding.reason, ...(deciding.kind ? { kind: deciding.kind } : {}), segments, effects };
  if (segments.length === 0) return { guarded: false, rule: 'no-command', reason: 'there is no command to run', segments, effects };
  return { guarded: false, rule: 'none-guarded', reason: 'no part of the command line touches a database', segments, effects };
}
