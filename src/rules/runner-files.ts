import { composerEntry, parseComposerCall } from './composer.js';
import type { RuleVerdict } from './match.js';
import { firstGuarded, PASS_NO_RULE, type NestedJudge } from './nested-judge.js';
import { databasePathWord } from './path-words.js';
import { quoteWord } from './quote.js';
import { expandMakeReferences } from './recipes.js';
import { scriptNameRule } from './script-names.js';
import type { RecipeFile, ShellWord } from './types.js';

/**
 * Runners that read the project's own files: make/just/task targets (their
 * prerequisites and recipe lines) and composer scripts (`@php`, `@script`
 * references, install events). Pure: the files come in through
 * NestedJudge.files, nested commands are judged through NestedJudge.
 */

export function judgeTargetName(runner: string, name: ShellWord): RuleVerdict {
  const rule = scriptNameRule(name.text);
  return rule?.guard ? { guarded: true, rule: rule.id, reason: `${runner} target "${name.text}" ${rule.reason}`, kind: rule.kind } : PASS_NO_RULE(`${runner} ${name.text}`);
}

/** Verdict of commands run for a named script or target: guarded when any part is; a database-sounding name whose body runs something unknown keeps its name's verdict. */
function bodyVerdict(what: string, name: string, parts: { text: string; verdict: RuleVerdict }[]): RuleVerdict {
  const guarded = parts.find((part) => part.verdict.guarded);
  if (guarded) return { ...guarded.verdict, reason: `${what} runs \`${guarded.text}\`, which ${guarded.verdict.reason}` };
  const byName = scriptNameRule(name);
  // A database-sounding target whose recipe dbsafe read as empty (a layout it does not parse) keeps its name's verdict.
  if (byName?.guard && parts.length === 0) return { guarded: true, rule: byName.id, reason: `${what} ${byName.reason}, and dbsafe found no commands in it to judge`, kind: byName.kind };
  const unknown = parts.find((part) => part.verdict.rule === 'no-rule');
  if (byName?.guard && unknown) return { guarded: true, rule: byName.id, reason: `${what} ${byName.reason}, and runs \`${unknown.text}\`, which dbsafe cannot judge`, kind: byName.kind };
  return { guarded: false, rule: 'script-safe', reason: `${what} runs nothing that touches a database` };
}

/** A make or just target: its prerequisites, then its recipe lines. Null when the file has no such target. */
export function judgeRecipeTarget(file: RecipeFile, runner: string, name: string, seen: Set<string>, judge: NestedJudge): RuleVerdict | null {
  const target = file.targets[name];
  if (!target) return null;
  if (seen.has(name)) return { guarded: false, rule: 'script-safe', reason: `${runner} target "${name}" was judged already` };
  seen.add(name);
  const parts: { text: string; verdict: RuleVerdict }[] = [];
  for (const prerequisite of target.prerequisites) {
    const verdict = judgeRecipeTarget(file, runner, prerequisite, seen, judge);
    if (verdict) parts.push({ text: `${runner} ${prerequisite}`, verdict });
  }
  for (const line of target.recipe) {
    const source = runner !== 'make' && runner !== 'gmake' ? line : expandMakeReferences(line, file.variables);
    parts.push(...judge.source(source, file.dir).map((verdict) => ({ text: line, verdict })));
  }
  return bodyVerdict(`${runner} target "${name}" (${file.file})`, name, parts);
}

/** A PHP callback in a composer script: Laravel's own clear compiled files; one named for database work (`Setup::migrate`) is guarded. */
function callbackVerdict(callback: string): RuleVerdict {
  if (callback.startsWith('Illuminate\\Foundation\\ComposerScripts::')) return { guarded: false, rule: 'script-safe', reason: 'clears compiled framework files' };
  const word = databasePathWord(`${callback.replace(/\\|::/g, '/')}.php`);
  return word ? { guarded: true, rule: 'path-word', reason: `runs the PHP callback ${callback}, whose name has the word "${word}"`, kind: 'script' } : PASS_NO_RULE(callback);
}

/** `composer test`, `composer run X`, `composer install`: the composer.json scripts they run, through `@script` references. */
export function judgeComposer(words: readonly ShellWord[], cwd: string | null, judge: NestedJudge): RuleVerdict | null {
  const call = parseComposerCall(words);
  if (call.kind === 'none') return { guarded: false, rule: 'composer-built-in', reason: 'runs a composer command that starts no project script' };
  if (call.names.length === 0) return { guarded: true, rule: 'unresolvable', reason: `the composer script ${call.nameWord?.text ?? ''} is only known at run time` };
  const file = cwd === null ? null : (judge.files?.composerScripts(cwd) ?? null);
  if (!file) return call.nameWord ? judgeTargetName('composer', call.nameWord) : null;
  const extra = call.extra.map(quoteWord).join(' ');
  const seen = new Set<string>();
  const partsOf = (name: string): { text: string; verdict: RuleVerdict }[] => {
    if (seen.has(name)) return [];
    seen.add(name);
    return (file.scripts[name] ?? []).flatMap((text) => {
      const entry = composerEntry(text);
      if (entry.kind === 'script') return partsOf(entry.name);
      if (entry.kind === 'callback') return [{ text, verdict: callbackVerdict(entry.name) }];
      const source = extra === '' || !call.nameWord ? entry.source : `${entry.source} ${extra}`;
      return source.trim() === '' ? [] : judge.source(source, file.dir).map((verdict) => ({ text, verdict }));
    });
  };
  const verdicts = call.names.map((name) => bodyVerdict(`composer script "${name}"`, name, partsOf(name)));
  return firstGuarded(verdicts, { guarded: false, rule: 'script-safe', reason: 'the composer scripts it runs touch no database' });
}
