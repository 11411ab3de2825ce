import { globMatches, globSpecificity } from './glob.js';
import { DATABASE_TOOLS, MULTI_TASK_TOOLS, TOOLCHAIN_SELECTING_TOOLS, TOOL_VALUE_OPTIONS } from './table/index.js';
import type { CommandRule, RuleKind, ShellWord, StdinSource, Verdict } from './types.js';

export interface RuleVerdict extends Verdict {
  kind?: RuleKind;
  /** The invocations (classify.ts numbers them) whose rules gave this verdict: they and what they run decide the databases. */
  decidedBy?: readonly number[];
}

/** The invocations behind every guarded verdict of several; undefined when one of them cannot say. Pure. */
export function guardedDeciders(verdicts: readonly RuleVerdict[]): readonly number[] | undefined {
  const guarded = verdicts.filter((verdict) => verdict.guarded);
  if (guarded.some((verdict) => verdict.decidedBy === undefined)) return undefined;
  return [...new Set(guarded.flatMap((verdict) => verdict.decidedBy!))];
}

export const HELP_OR_VERSION: ReadonlySet<string> = new Set(['--help', '-h', '--version', '-V', 'help', 'version']);

/**
 * Tools that run a program and hand it the words after it: `go run ./cmd/seed
 * --help` runs the seeder with `--help`, which it may well ignore.
 */
const PROGRAM_RUNNERS: ReadonlySet<string> = new Set(['go', 'cargo', 'mix', 'dotnet', 'deno', 'bun', 'node', 'python', 'python3', 'ruby', 'php', 'java', 'elixir', 'npx', 'bunx', 'uv', 'poetry', 'pipenv', 'bundle', 'gradle', 'mvn', 'sbt']);

/**
 * `sql-migrate up --help` prints the help of `up` and runs nothing. Only a
 * `--help` before any `--` counts (after it, the word is an argument: `knex
 * seed:run -- --help` seeds), and a program runner counts only when every
 * argument asks for help (its other words are its program's). Pure.
 */
function onlyAsksForHelp(tool: string, args: readonly ShellWord[]): boolean {
  if (args.length === 0) return false;
  if (args.every((arg) => arg.resolved && HELP_OR_VERSION.has(arg.text))) return true;
  if (PROGRAM_RUNNERS.has(tool)) return false;
  const endOfOptions = args.findIndex((arg) => arg.text === '--');
  const own = endOfOptions === -1 ? args : args.slice(0, endOfOptions);
  return own.some((arg) => arg.resolved && arg.text === '--help');
}

interface Candidate {
  rule: CommandRule;
  position: number;
  tokens: number;
  span: number;
  specificity: number;
}

function splitArguments(tool: string, args: readonly ShellWord[], valueOptions: readonly string[]): { positionals: ShellWord[]; options: string[] } {
  const positionals: ShellWord[] = [];
  const options: string[] = [];
  let optionsEnded = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (index === 0 && TOOLCHAIN_SELECTING_TOOLS.has(tool) && arg.text.startsWith('+')) options.push(arg.text);
    else if (!optionsEnded && arg.text === '--') optionsEnded = true;
    else if (!optionsEnded && arg.text.startsWith('-') && arg.text !== '-') {
      options.push(arg.text);
      // The value is kept with its option too (`-x test` is `-x=test`), so a row can depend on it.
      if (valueOptions.includes(arg.text)) {
        if (args[index + 1]) options.push(`${arg.text}=${args[index + 1]!.text}`);
        index += 1;
      }
    } else positionals.push(arg);
  }
  return { positionals, options };
}

/** Pattern tokens in order, the first at `start`, later ones at later positionals (option values may sit between). */
function matchAt(tokens: string[], positionals: readonly ShellWord[], start: number): number | null {
  let index = start;
  for (const [n, token] of tokens.entries()) {
    if (n > 0) index += 1;
    while (index < positionals.length && !(positionals[index]!.resolved && globMatches(token, positionals[index]!.text))) {
      if (n === 0) return null;
      index += 1;
    }
    if (index >= positionals.length) return null;
  }
  return index - start + 1;
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.position !== b.position) return a.position < b.position;
  if (a.tokens !== b.tokens) return a.tokens > b.tokens;
  if (a.span !== b.span) return a.span < b.span;
  return a.specificity > b.specificity;
}

function candidatesAt(rules: readonly CommandRule[], positionals: readonly ShellWord[], position: number, singleToken: boolean, options: readonly string[]): Candidate | null {
  let best: Candidate | null = null;
  for (const rule of rules) {
    if (rule.unlessFlags?.some((flag) => hasFlag(options, flag))) continue;
    if (rule.ifFlags && !rule.ifFlags.some((flag) => hasFlag(options, flag))) continue;
    for (const pattern of rule.args ?? []) {
      const tokens = pattern.split(' ');
      if (singleToken && tokens.length > 1) continue;
      const span = matchAt(tokens, positionals, position);
      if (span === null) continue;
      const candidate = { rule, position, tokens: tokens.length, span, specificity: tokens.reduce((sum, t) => sum + globSpecificity(t), 0) };
      if (!best || better(candidate, best)) best = candidate;
    }
  }
  return best;
}

function hasFlag(options: readonly string[], flag: string): boolean {
  const short = /^-[A-Za-z]$/.test(flag);
  // An option switched off by its value (`-DskipTests=false`, `--dry-run=false`) is not present.
  return options.some((option) => option === flag || (option.startsWith(`${flag}=`) && !/=(false|0|no|off)$/i.test(option)) || (short && !option.startsWith('--') && option.startsWith(flag)));
}

function verdictOf(rule: CommandRule): RuleVerdict {
  return { guarded: rule.guard, rule: rule.id, reason: rule.reason, kind: rule.kind };
}

/** Tools built on Symfony Console, which takes each `:`-separated part of a command name abbreviated (`bin/console d:m:m`). */
const ABBREVIATING_TOOLS: ReadonlySet<string> = new Set(['console']);

/** The one command name of the tool's rows an abbreviation stands for (`d:s:u` → doctrine:schema:update); the word itself when none or several do. */
function expandAbbreviation(word: ShellWord, rules: readonly CommandRule[]): ShellWord {
  if (!word.resolved || !word.text.includes(':')) return word;
  const names = [...new Set(rules.flatMap((rule) => rule.args ?? []).filter((pattern) => !pattern.includes(' ') && !pattern.includes('*')))];
  if (names.includes(word.text)) return word;
  const parts = word.text.split(':');
  const matches = names.filter((name) => {
    const nameParts = name.split(':');
    return nameParts.length === parts.length && nameParts.every((part, index) => part.startsWith(parts[index]!));
  });
  return matches.length === 1 ? { ...word, text: matches[0]! } : word;
}

const UNRESOLVABLE_ARGUMENT = (tool: string, word: string): RuleVerdict => ({
  guarded: true,
  rule: 'unresolvable',
  reason: `the argument ${word} of ${tool} is only known at run time, and it decides what ${tool} does`,
});

/**
 * Judge one tool invocation against the rows for that tool. Pure.
 * Rows compete in this order: positional patterns (earliest, then most
 * specific), options, fed stdin, then the tool's catch-all row. Returns null
 * when no row speaks about this tool.
 */
export function matchToolRules(tool: string, args: readonly ShellWord[], stdin: StdinSource, table: readonly CommandRule[]): RuleVerdict | null {
  const rules = table.filter((rule) => rule.tools.includes(tool));
  if (rules.length === 0) return null;
  if (onlyAsksForHelp(tool, args)) {
    return { guarded: false, rule: 'help-or-version', reason: `only asks ${tool} for its help or version`, kind: 'read-only' };
  }
  const { positionals, options } = splitArguments(tool, args, TOOL_VALUE_OPTIONS[tool] ?? []);
  if (ABBREVIATING_TOOLS.has(tool) && positionals[0]) positionals[0] = expandAbbreviation(positionals[0], rules);
  const canGuard = rules.some((rule) => rule.guard) || DATABASE_TOOLS.has(tool);
  const firstUnresolved = positionals.findIndex((word) => !word.resolved);

  let decided: Candidate | null = null;
  if (MULTI_TASK_TOOLS.has(tool)) {
    const perTask = positionals.map((_, position) => candidatesAt(rules, positionals, position, true, options)).filter((c): c is Candidate => c !== null);
    decided = perTask.find((c) => c.rule.guard) ?? perTask[0] ?? null;
    if (firstUnresolved >= 0 && !decided?.rule.guard) return UNRESOLVABLE_ARGUMENT(tool, positionals[firstUnresolved]!.text);
  } else {
    for (let position = 0; position < positionals.length && !decided; position += 1) {
      decided = candidatesAt(rules, positionals, position, false, options);
    }
    if (firstUnresolved >= 0 && canGuard && (!decided || (firstUnresolved <= decided.position && !decided.rule.guard))) {
      const fallback = rules.find((rule) => rule.always && rule.guard);
      if (!fallback) return UNRESOLVABLE_ARGUMENT(tool, positionals[firstUnresolved]!.text);
    }
  }
  if (decided) return verdictOf(decided.rule);

  const byFlag = rules.find((rule) => rule.flags?.some((flag) => hasFlag(options, flag)));
  if (byFlag) return verdictOf(byFlag);
  if (stdin !== 'terminal') {
    const byStdin = rules.find((rule) => rule.stdin);
    if (byStdin) return verdictOf(byStdin);
  }
  const always = rules.find((rule) => rule.always);
  if (always) return verdictOf(always);
  if (DATABASE_TOOLS.has(tool) && positionals.length > 0) {
    return { guarded: true, rule: 'unknown-subcommand', reason: `${tool} exists to change databases and dbsafe does not know "${positionals[0]!.text}", so it is guarded`, kind: 'migration' };
  }
  return { guarded: false, rule: 'no-rule', reason: `no rule says this ${tool} call touches a database` };
}
