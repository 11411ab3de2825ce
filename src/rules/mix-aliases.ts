import type { RuleVerdict } from './match.js';
import { firstGuarded, type NestedJudge } from './nested-judge.js';
import type { MixAliases, ShellWord } from './types.js';

/**
 * Elixir projects name their setup and test steps as mix aliases in
 * mix.exs (`setup: ["deps.get", "ecto.setup"]`, `test: ["ecto.create
 * --quiet", "ecto.migrate", "test"]`): `mix setup` runs those tasks, so it
 * is judged by them. Pure: the aliases come in through NestedJudge.files.
 */

/** The `aliases` keyword list of a mix.exs: alias name → its steps (task lines; `&function/1` for a function); and whether the project's .check.exs turns ex_check's ExUnit off. Pure. */
export function parseMixAliases(text: string, dir: string, checkConfig: string | null = null): MixAliases {
  const checkWithoutTests = checkConfig !== null && /\{\s*:ex_unit\s*,\s*false\s*\}/.test(checkConfig.replace(/#.*$/gm, ''));
  const start = /\bdefp?\s+aliases\b[^\n]*?\bdo\s*\[/.exec(text);
  if (!start) return { dir, aliases: {}, ...(checkWithoutTests ? { checkWithoutTests } : {}) };
  const body = listBody(text, start.index + start[0].length - 1);
  const aliases: Record<string, string[]> = {};
  const entry = /(?:^|,)\s*(?:"([^"]+)"|([a-z_][\w.]*))\s*:\s*/g;
  const entries = [...topLevelCommas(body)].map((part) => part.trim());
  for (const part of entries) {
    entry.lastIndex = 0;
    const key = entry.exec(part);
    if (!key) continue;
    const value = part.slice(key[0].length).trim();
    aliases[key[1] ?? key[2]!] = steps(value);
  }
  return { dir, aliases, ...(checkWithoutTests ? { checkWithoutTests } : {}) };
}

/** The text between a `[` and its matching `]`, strings skipped. */
function listBody(text: string, open: number): string {
  let depth = 0;
  for (let index = open; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '"') index = stringEnd(text, index);
    else if (char === '[' || char === '(' || char === '{') depth += 1;
    else if (char === ']' || char === ')' || char === '}') {
      depth -= 1;
      if (depth === 0) return text.slice(open + 1, index);
    }
  }
  return text.slice(open + 1);
}

function stringEnd(text: string, open: number): number {
  for (let index = open + 1; index < text.length; index += 1) {
    if (text[index] === '\\') index += 1;
    else if (text[index] === '"') return index;
  }
  return text.length;
}

function* topLevelCommas(body: string): Generator<string> {
  let depth = 0;
  let from = 0;
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index]!;
    if (char === '"') index = stringEnd(body, index);
    else if (char === '[' || char === '(' || char === '{') depth += 1;
    else if (char === ']' || char === ')' || char === '}') depth -= 1;
    else if (char === ',' && depth === 0) {
      yield body.slice(from, index);
      from = index + 1;
    }
  }
  yield body.slice(from);
}

/** The steps of one alias value: a string, a `~s(…)` sigil, a function capture, or a list of them. */
function steps(value: string): string[] {
  const items = value.startsWith('[') ? [...topLevelCommas(listBody(value, 0))].map((item) => item.trim()) : [value];
  return items.flatMap((item) => {
    const quoted = /^"((?:[^"\\]|\\.)*)"$/s.exec(item);
    if (quoted) return [quoted[1]!.replace(/\\(.)/g, '$1')];
    const sigil = /^~[sS]([([{<|"'/])([\s\S]*)[)\]}>|"'/]$/.exec(item);
    if (sigil) return [sigil[2]!];
    return item === '' ? [] : [item];
  });
}

/** The task a mix call names: its first word that is not an option. */
function taskWord(words: readonly ShellWord[]): ShellWord | undefined {
  return words.slice(1).find((word) => !word.text.startsWith('-'));
}

/**
 * `mix <alias>`: each step is judged as the mix task (or, for `cmd`, the
 * shell command) it runs. A step naming the alias itself, or an alias being
 * judged already, is mix's own task of that name (the table decides it).
 * A function step (`&remove_log/1`) runs project code dbsafe does not read.
 * Null when the task is no alias of the project.
 */
export function judgeMixAlias(words: readonly ShellWord[], project: MixAliases, seen: Set<string>, judge: NestedJudge): RuleVerdict | null {
  const task = taskWord(words);
  if (!task?.resolved) return null;
  // ex_check runs the ExUnit tests unless the project's .check.exs turns them off (a --config file is another).
  if (task.text === 'check' && project.checkWithoutTests && !project.aliases.check && !words.some((word) => word.text.startsWith('--config'))) {
    return { guarded: false, rule: 'mix-check-without-tests', reason: "runs the project's checks (ex_check), whose .check.exs turns the ExUnit tests off", kind: 'read-only' };
  }
  const key = `mix-alias:${project.dir}:${task.text}`;
  const aliasSteps = project.aliases[task.text];
  if (!aliasSteps || seen.has(key)) return null;
  seen.add(key);
  const parts = aliasSteps.flatMap((step) => {
    if (step.startsWith('&') || step.startsWith('fn')) return [];
    const shell = /^cmd\s+(?:--cd\s+\S+\s+)?([\s\S]+)$/.exec(step);
    const source = shell ? shell[1]! : `mix ${step}`;
    return judge.source(source, project.dir).map((verdict) => ({ step, verdict }));
  });
  const verdict = firstGuarded(parts.map((part) => part.verdict), { guarded: false, rule: 'script-safe', reason: '' });
  const decidedStep = parts.find((part) => part.verdict === verdict || (verdict.guarded && part.verdict.guarded))?.step;
  if (verdict.guarded) return { ...verdict, reason: `mix alias "${task.text}" (mix.exs) runs \`${decidedStep}\`, which ${verdict.reason}` };
  return { guarded: false, rule: 'script-safe', reason: `mix alias "${task.text}" (mix.exs) runs nothing that touches a database` };
}
