import { guardedDeciders, type RuleVerdict } from './match.js';
import type { CommandRule, ProjectFiles, ShellWord } from './types.js';

/** How modules outside classify.ts judge the commands they find, one nesting level deeper (the depth limit stays with the classifier). */
export interface NestedJudge {
  /** Verdicts of every command of a shell source, run in `dir` (default: the current directory). */
  source(source: string, dir?: string | null): RuleVerdict[];
  /** Verdict of one invocation in the current directory. */
  words(words: readonly ShellWord[]): RuleVerdict;
  table: readonly CommandRule[];
  files: ProjectFiles | null;
}

export const PASS_NO_RULE = (name: string): RuleVerdict => ({ guarded: false, rule: 'no-rule', reason: `no rule says \`${name}\` touches a database` });

/** The first guarded verdict, else the first a rule decided, else the fallback. */
export function firstGuarded(verdicts: RuleVerdict[], fallback: RuleVerdict): RuleVerdict {
  const guarded = verdicts.find((v) => v.guarded);
  // Every guarded verdict's deciders: the guard judges the databases of all of them.
  if (guarded) return { ...guarded, decidedBy: guardedDeciders(verdicts) };
  return verdicts.find((v) => v.rule !== 'no-rule') ?? fallback;
}

/** The framework command's name in `manage.py X` / `artisan X`: the first word after the program that is not an option (or an option's value). */
export function frameworkCommandWord(words: readonly ShellWord[], valueOptions: ReadonlySet<string>): ShellWord | undefined {
  for (let index = 1; index < words.length; index += 1) {
    const word = words[index]!;
    if (valueOptions.has(word.text)) index += 1;
    else if (!word.text.startsWith('-')) return word;
  }
  return undefined;
}
