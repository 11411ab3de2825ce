import path from 'node:path';
import { commandName, interpreterTarget, shellSource, unwrapLauncher, type Unwrapped } from './launchers.js';
import { NEVER_RUNS_ITS_ARGUMENTS } from './inner-commands.js';
import { pathWordVerdict } from './path-words.js';
import { innerCommandVerdict, judgeInlineCode, knownToolAtUnknownPath } from './embedded-commands.js';
import { firstGuarded, PASS_NO_RULE, type NestedJudge } from './nested-judge.js';
import { judgeComposer, judgeRecipeTarget, judgeTargetName } from './runner-files.js';
import { matchToolRules, type RuleVerdict } from './match.js';
import { judgeScriptCall, PACKAGE_MANAGERS, parsePackageManagerCall } from './package-scripts.js';
import { quoteWord } from './quote.js';
import { scriptNameRule } from './script-names.js';
import { scriptsMatching, taskRunOf, type TaskRun } from './task-runners.js';
import { COMMAND_RULES } from './table/index.js';
import { inlineCode } from './inline-code.js';
import { matchUserRules } from './user-rules.js';
import type { Classification, CommandRule, ProjectFiles, ParsedLine, ReadPackageScripts, Segment, ShellParse, ShellWord, SimpleCommand, StdinSource, UserCommandRule } from './types.js';

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
  /** Workspaces, composer.json, Makefile and justfile of the project (I/O stays with the caller); without it only names are judged. */
  projectFiles?: ProjectFiles;
  /** Built-in table; tests may pass another. */
  table?: readonly CommandRule[];
}

/** More invocations than this in one line (scripts fanning out to scripts) is guarded rather than followed. */
export const MAX_INVOCATIONS = 2000;

interface Context {
  /** Invocations judged so far, shared by the whole line. */
  judged: { count: number };
  readScripts: ReadPackageScripts;
  parse: ShellParse;
  userRules: readonly UserCommandRule[];
  table: readonly CommandRule[];
  files: ProjectFiles | null;
}


function viaReason(via: string, verdict: RuleVerdict): RuleVerdict {
  return { ...verdict, reason: `through ${via}: ${verdict.reason}` };
}

function judgeUnwrapped(step: Exclude<Unwrapped, { kind: 'none' }>, command: SimpleCommand, original: readonly ShellWord[], cwd: string | null, depth: number, ctx: Context): RuleVerdict {
  if (step.kind === 'unresolvable') return { guarded: true, rule: 'unresolvable', reason: step.reason };
  if (step.kind === 'shell') {
    if (step.source.length === 0) return PASS_NO_RULE(original.map(quoteWord).join(' '));
    if (step.source.some((word) => !word.resolved)) {
      return { guarded: true, rule: 'unresolvable', reason: `${step.via} runs shell code built at run time (${step.source.map((w) => w.text).join(' ')})` };
    }
    const verdicts = judgeSource(step.source.map((word) => word.text).join(' '), cwd, depth + 1, ctx);
    const guarded = verdicts.find((v) => v.guarded);
    return guarded ? viaReason(step.via, guarded) : (verdicts[0] ?? PASS_NO_RULE(step.via));
  }
  // xargs appends words read at run time: an unresolved word stands for them, so the rules decide whether they matter.
  const words = step.trailingUnknown ? [...step.words, { text: `<arguments read by ${step.via}>`, resolved: false }] : step.words;
  return judgeWords(words, command, cwd, depth + 1, ctx);
}

function nestedJudge(command: SimpleCommand, cwd: string | null, depth: number, ctx: Context): NestedJudge {
  return {
    source: (source, dir = cwd) => judgeSource(source, dir, depth + 1, ctx),
    words: (words) => judgeWords(words, command, cwd, depth + 1, ctx),
    table: ctx.table,
    files: ctx.files,
  };
}

/** Judge one invocation, peeling launchers off until a rule, a script or nothing applies. */
function judgeWords(words: readonly ShellWord[], command: SimpleCommand, cwd: string | null, depth: number, ctx: Context): RuleVerdict {
  const first = words[0];
  if (!first) return PASS_NO_RULE('');
  if (depth > MAX_DEPTH) return { guarded: true, rule: 'too-deep', reason: `commands nest more than ${MAX_DEPTH} levels deep (scripts calling scripts or shells), which dbsafe does not follow` };
  ctx.judged.count += 1;
  if (ctx.judged.count > MAX_INVOCATIONS) return { guarded: true, rule: 'too-deep', reason: `the line expands to more than ${MAX_INVOCATIONS} commands (scripts fanning out to scripts), which dbsafe does not follow` };
  const user = matchUserRules(words, ctx.userRules);
  if (user) return user;
  const name = first.resolved ? commandName(first.text) : knownToolAtUnknownPath(first.text, ctx.table);
  if (name === null) return { guarded: true, rule: 'unresolvable', reason: `the command word ${first.text} is only known at run time` };
  const steps = [unwrapLauncher(words), shellSource(words, command.stdinText, command.stdin !== 'terminal'), interpreterTarget(words)];
  const step = steps.find((s) => s.kind !== 'none');
  if (step) return judgeUnwrapped(step, command, words, cwd, depth, ctx);

  const code = inlineCode(words);
  if (code) {
    const verdict = judgeInlineCode(name, code, nestedJudge(command, cwd, depth, ctx));
    if (verdict) return verdict;
  }

  const task = taskRunOf(words);
  if (task.kind !== 'none') return judgeTaskRun(task, command, cwd, depth, ctx);

  if (name === 'deno' && words[1]?.text === 'task' && words[2] && ctx.files) {
    const files = ctx.files;
    const call = { kind: 'script' as const, names: words[2].resolved ? [words[2].text] : [], nameWord: words[2], extra: words.slice(3), dir: cwd, binFallback: false };
    return judgeScriptCall(call, {
      readScripts: (dir) => files.denoTasks(dir),
      judgeSource: (source, dir) => judgeSource(source, dir, depth + 1, ctx),
      judgeWords: (binWords) => judgeWords(binWords, command, cwd, depth + 1, ctx),
    });
  }
  if (name === 'composer') {
    const composer = judgeComposer(words, cwd, nestedJudge(command, cwd, depth, ctx));
    if (composer) return composer;
  }
  if (PACKAGE_MANAGERS.has(name)) {
    const call = parsePackageManagerCall([{ text: name, resolved: true }, ...words.slice(1)], cwd);
    if (call.kind === 'bun-test') return { guarded: true, rule: 'js-test-runner', reason: 'runs the bun test suite, which usually writes to the configured database', kind: 'test' };
    if (call.kind === 'exec') return judgeWords(call.words, command, cwd, depth + 1, ctx);
    if (call.kind === 'script-edit') {
      for (const { name: script, body } of call.scripts) {
        if (!body.resolved) return { guarded: true, rule: 'unresolvable', reason: `the new body of script "${script}" is only known at run time` };
        const guarded = judgeSource(body.text, cwd, depth + 1, ctx).find((v) => v.guarded);
        if (guarded) return { ...guarded, rule: 'script-edit', reason: `sets script "${script}" to \`${body.text}\`, which ${guarded.reason}` };
      }
      return { guarded: false, rule: 'script-edit', reason: 'sets package.json scripts whose bodies touch no database' };
    }
    if (call.kind === 'script') {
      return judgeScriptCall(call, {
        readScripts: ctx.readScripts,
        judgeSource: (source, dir) => judgeSource(source, dir, depth + 1, ctx),
        judgeWords: (binWords) => judgeWords(binWords, command, cwd, depth + 1, ctx),
        workspacePackages: (dir) => ctx.files?.workspacePackages(dir) ?? null,
      });
    }
  }
  return (
    matchToolRules(name, words.slice(1), command.stdin, ctx.table) ??
    pathWordVerdict(first.text) ??
    innerCommandVerdict(name, words, nestedJudge(command, cwd, depth, ctx)) ??
    (NEVER_RUNS_ITS_ARGUMENTS.has(name) ? { guarded: false, rule: 'harmless-command', reason: `${name} does not touch a database` } : PASS_NO_RULE(words.map(quoteWord).join(' ')))
  );
}

/** Script runners, concurrently, make-like and monorepo task runners: judge what they run. */
function judgeTaskRun(task: Exclude<TaskRun, { kind: 'none' }>, command: SimpleCommand, cwd: string | null, depth: number, ctx: Context): RuleVerdict {
  const unresolved = (word: ShellWord): RuleVerdict => ({ guarded: true, rule: 'unresolvable', reason: `${word.text} is only known at run time` });
  if (task.kind === 'sources') {
    const verdicts = task.sources.map((source) => (source.resolved ? firstGuarded(judgeSource(source.text, cwd, depth + 1, ctx), PASS_NO_RULE(source.text)) : unresolved(source)));
    return firstGuarded(verdicts, PASS_NO_RULE('concurrently'));
  }
  if (task.kind === 'scripts') {
    const scripts = cwd === null ? {} : (ctx.readScripts(cwd)?.scripts ?? {});
    // A glob like `test:*` is meant for the script runner; the shell leaves it alone unless files match it.
    const patterns = task.patterns.map((p) => (!p.resolved && /^[\w:.*-]+$/.test(p.text) ? { ...p, resolved: true } : p));
    const verdicts = patterns.flatMap((pattern) =>
      pattern.resolved
        ? scriptsMatching(pattern.text, scripts).map((name) => judgeWords([{ text: 'npm', resolved: true }, { text: 'run', resolved: true }, { text: name, resolved: true }], command, cwd, depth + 1, ctx))
        : [unresolved(pattern)],
    );
    return firstGuarded(verdicts, { guarded: false, rule: 'script-safe', reason: 'the scripts it runs touch no database' });
  }
  const recipeDir = cwd === null ? null : task.directory ? path.resolve(cwd, task.directory) : cwd;
  const recipes = task.readable && recipeDir !== null ? (ctx.files?.recipes(recipeDir, task.runner === 'just' || task.runner === 'task' ? task.runner : 'make') ?? null) : null;
  if (recipes) {
    const names = task.names.length > 0 ? task.names : recipes.first ? [{ text: recipes.first, resolved: true }] : [];
    const seen = new Set<string>();
    const verdicts = names.map((name) => (name.resolved ? (judgeRecipeTarget(recipes, task.runner, name.text, seen, nestedJudge(command, cwd, depth, ctx)) ?? judgeTargetName(task.runner, name)) : unresolved(name)));
    return firstGuarded(verdicts, PASS_NO_RULE(task.runner));
  }
  const verdicts = task.names.map((name): RuleVerdict => {
    if (!name.resolved) return unresolved(name);
    const rule = scriptNameRule(name.text);
    return rule?.guard ? { guarded: true, rule: rule.id, reason: `${task.runner} task "${name.text}" ${rule.reason}`, kind: rule.kind } : PASS_NO_RULE(`${task.runner} ${name.text}`);
  });
  return firstGuarded(verdicts, PASS_NO_RULE(task.runner));
}

/** `cd dir` changes where later commands run; a directory known only at run time makes it unknown (null). */
function nextDirectory(command: SimpleCommand, cwd: string | null): string | null {
  const name = command.words[0]?.text;
  if (name !== 'cd' && name !== 'pushd') return cwd;
  const target = command.words.slice(1).find((word) => !/^-[PLe@]*$/.test(word.text) || word.text === '-');
  if (!target || !target.resolved || target.text === '-' || target.text.startsWith('~') || cwd === null) return null;
  return path.resolve(cwd, target.text);
}

function judgeCommands(line: ParsedLine, cwd: string | null, depth: number, ctx: Context): { command: SimpleCommand; verdict: RuleVerdict }[] {
  let directory = cwd;
  const results = line.commands.map((command) => {
    const verdict = judgeWords(command.words, command, directory, depth, ctx);
    directory = nextDirectory(command, directory);
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

function judgeSource(source: string, cwd: string | null, depth: number, ctx: Context): RuleVerdict[] {
  if (depth > MAX_DEPTH) return [{ guarded: true, rule: 'too-deep', reason: `commands nest more than ${MAX_DEPTH} levels deep, which dbsafe does not follow` }];
  return judgeCommands(ctx.parse(source), cwd, depth, ctx).map((r) => r.verdict);
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
  const ctx: Context = { judged: { count: 0 }, readScripts: input.readScripts, parse: input.parse, userRules: input.userRules ?? [], table: input.table ?? COMMAND_RULES, files: input.projectFiles ?? null };
  const line = Array.isArray(input.command) ? argvLine(input.command as readonly string[]) : (input.command as ParsedLine);
  const results = judgeCommands(line, input.cwd, 0, ctx);
  const segments: Segment[] = results.map(({ command, verdict }) => ({
    text: command.text,
    argv: command.words.map((word) => word.text),
    guarded: verdict.guarded,
    rule: verdict.rule,
    reason: verdict.reason,
    ...(verdict.kind ? { kind: verdict.kind } : {}),
  }));
  const deciding = segments.find((s) => s.guarded) ?? (segments.length === 1 ? segments[0] : undefined);
  if (deciding) return { guarded: deciding.guarded, rule: deciding.rule, reason: deciding.reason, ...(deciding.kind ? { kind: deciding.kind } : {}), segments };
  if (segments.length === 0) return { guarded: false, rule: 'no-command', reason: 'there is no command to run', segments };
  return { guarded: false, rule: 'none-guarded', reason: 'no part of the command line touches a database', segments };
}
