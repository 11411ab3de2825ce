import { WORD_CHARACTER, type RecipeCheck, type WordPrefilter } from '../rules/prefilter.js';

export type { WordPrefilter };

/**
 * Turns the rules' shell pre-filter (per wrapped word: ordered case arms over
 * the arguments joined by single spaces, first match decides, else
 * `otherwise`) into bash/zsh/sh and fish code for the functions and shims,
 * so a call that cannot touch a database never starts Node. Pure.
 */

/** Names safe to define as a function in bash, zsh and fish, and as a shim file name. */
const COMMAND_WORD = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

export function wrappableFilters(filters: readonly WordPrefilter[], skip: readonly string[] = []): WordPrefilter[] {
  return filters.filter((filter) => COMMAND_WORD.test(filter.word) && !skip.includes(filter.word));
}

/** A glob as a POSIX `case` pattern: literal parts double-quoted, `*` the only wildcard. */
function shPattern(glob: string): string {
  if (glob === '') return '""';
  return glob
    .split('*')
    .map((part) => (part === '' ? '' : `"${part.replace(/["$`\\]/g, '\\$&')}"`))
    .join('*');
}

/**
 * A glob as a fish `case` pattern. fish matches case arguments as wildcards
 * after quote removal (an unquoted `*` would first expand to file names), so
 * literal parts are single-quoted with `*` inside; a literal `?` is escaped
 * outside the quotes because fish still treats it as a wildcard.
 */
function fishPattern(glob: string): string {
  if (glob === '') return "''";
  return glob
    .split('?')
    .map((part) => (part === '' ? '' : `'${part.replace(/[\\']/g, '\\$&')}'`))
    .join('\\?');
}

/** Both shells answer the same way: status 0 means "may be guarded". */
const result = (mayGuard: boolean) => `return ${mayGuard ? 0 : 1}`;

/** sh (the PATH shims): the body of the candidate test, one case per word, its arms over the joined arguments. */
export function candidateCases(filters: readonly WordPrefilter[]): string {
  return filters.map((filter) => [`    ${shPattern(filter.word)})`, shWordCheck(filter), '      ;;'].join('\n')).join('\n');
}

/** fish: the test of one word's arguments (joined by single spaces), ending in a return; indented for a function body. */
function fishWordCheck(filter: WordPrefilter): string {
  const arms = filter.arms.filter((arm) => arm.globs.length > 0).map((arm) => `        case ${arm.globs.map(fishPattern).join(' ')}\n            ${result(arm.mayGuard)}`);
  if (filter.recipe) {
    const move = `        case ${filter.recipe.moveOptions.map(fishPattern).join(' ')}\n            ${result(true)}`;
    return ['    switch "$joined"', ...arms, move, '    end', fishRecipeCheck(filter.recipe, filter.otherwise)].join('\n');
  }
  return ['    switch "$joined"', ...arms, `        case '*'`, `            ${result(filter.otherwise)}`, '    end'].join('\n');
}

/** sh/bash/zsh: the test of one word's arguments ("$*"), ending in a return. */
function shWordCheck(filter: WordPrefilter): string {
  const arms = filter.arms
    .filter((arm) => arm.globs.length > 0)
    .map((arm) => `        ${arm.globs.map(shPattern).join('|')}) ${result(arm.mayGuard)} ;;`);
  if (filter.recipe) return ['      case "$*" in', ...arms, `        ${filter.recipe.moveOptions.map(shPattern).join('|')}) ${result(true)} ;;`, '      esac', shRecipeCheck(filter.recipe, filter.otherwise)].join('\n');
  return ['      case "$*" in', ...arms, `        *) ${result(filter.otherwise)} ;;`, '      esac'].join('\n');
}

/** The name of a word's own candidate function: letters, digits and `_` only, one per word. */
export function candidateFunctionNames(filters: readonly WordPrefilter[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const filter of filters) {
    const base = `__dbsafe_c_${filter.word.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let name = base;
    for (let n = 2; taken.has(name); n += 1) name = `${base}${n}`;
    taken.add(name);
    names.set(filter.word, name);
  }
  return names;
}

/**
 * bash/zsh: one small candidate function per wrapped word. bash copies a
 * function's whole body on every call, so one function holding every word's
 * case made each wrapped call pay for all of them (milliseconds); a word's
 * own function costs microseconds.
 */
export function candidateFunctions(filters: readonly WordPrefilter[], prologue: readonly string[] = []): string {
  const names = candidateFunctionNames(filters);
  return filters.map((filter) => [`${names.get(filter.word)}() {`, ...prologue.map((line) => `  ${line}`), "  local IFS=' '", shWordCheck(filter), '}'].join('\n')).join('\n');
}

/** fish: one small candidate function per wrapped word, like bash and zsh (a call runs only its own word's test). */
export function fishCandidateFunctions(filters: readonly WordPrefilter[]): string {
  const names = candidateFunctionNames(filters);
  return filters.map((filter) => [`function ${names.get(filter.word)}`, "    set -l joined (string join ' ' -- $argv)", fishWordCheck(filter), 'end'].join('\n')).join('\n');
}

/** fish: the wrapping functions, each naming its word's candidate function (__dbsafe_wrap, in the template, defines them). */
export function fishWrappers(filters: readonly WordPrefilter[]): string {
  const names = candidateFunctionNames(filters);
  return filters.map((filter) => `__dbsafe_wrap ${quoteFor('fish', filter.word)} ${names.get(filter.word)}`).join('\n');
}

/** bash/zsh: the wrapping functions, each calling its word's candidate function directly. */
export function wrapperFunctions(filters: readonly WordPrefilter[]): string {
  const names = candidateFunctionNames(filters);
  // __dbsafe_wrap (in the template) skips a word that is already a function of the user's own.
  return filters.map((filter) => `__dbsafe_wrap ${filter.word} 'function ${filter.word} { __dbsafe_route ${names.get(filter.word)} ${filter.word} "$@"; }'`).join('\n');
}

/**
 * sh/bash/zsh: read the first recipe file present line by line (builtins
 * only, no process started) and match it against the check's words and
 * substrings; prefilter.ts `recipeMayGuard` is the reference.
 */
function shRecipeCheck(check: RecipeCheck, otherwise: boolean): string {
  const boundary = `[!${WORD_CHARACTER}]`;
  const patterns = [...check.words.map((word) => `*${boundary}${shPattern(word)}${boundary}*`), ...check.substrings.map((text) => shPattern(`*${text}*`))];
  return [
    `      for __dbsafe_recipe in ${check.files.map(shPattern).join(' ')}; do`,
    '        [ -f "$__dbsafe_recipe" ] || continue',
    "        __dbsafe_text='",
    "'",
    '        while IFS= read -r __dbsafe_line || [ -n "$__dbsafe_line" ]; do',
    "          __dbsafe_text=$__dbsafe_text$__dbsafe_line'",
    "'",
    '        done <"$__dbsafe_recipe"',
    '        case $__dbsafe_text in',
    `          ${patterns.join('|')}) ${result(true)} ;;`,
    '        esac',
    `        ${result(false)}`,
    '      done',
    `      ${result(otherwise)}`,
  ].join('\n');
}

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\t/g, '\\t');
}

/** fish: the same check with one regular expression (`string match -r`, a builtin). */
function fishRecipeCheck(check: RecipeCheck, otherwise: boolean): string {
  const boundary = `[^${WORD_CHARACTER}]`;
  const regex = `${boundary}(?:${check.words.map(regexEscape).join('|')})${boundary}|${check.substrings.map(regexEscape).join('|')}`;
  return [
    `    for __dbsafe_recipe in ${check.files.map((file) => quoteFor('fish', file)).join(' ')}`,
    '        test -f $__dbsafe_recipe; or continue',
    `        string match -qr -- ${quoteFor('fish', regex)} \\n(string collect < $__dbsafe_recipe)\\n; and ${result(true)}`,
    `        ${result(false)}`,
    '    end',
    `    ${result(otherwise)}`,
  ].join('\n');
}

/** Replace every `@NAME@` of a template; an unknown name is a bug in dbsafe, so it throws. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/@([A-Z_]+)@/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`shell template placeholder ${whole} has no value`);
    return value;
  });
}

/** A value quoted for POSIX sh or fish (single quotes). */
export function quoteFor(flavour: 'sh' | 'fish', value: string): string {
  return flavour === 'sh' ? `'${value.replace(/'/g, `'\\''`)}'` : `'${value.replace(/[\\']/g, (char) => `\\${char}`)}'`;
}
