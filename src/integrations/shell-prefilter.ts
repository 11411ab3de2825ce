/**
 * The shell-side test that decides, without starting Node, whether a call
 * of a wrapped command may touch a database. It over-approximates: a
 * candidate goes to `dbsafe run`, whose classifier gives the real verdict;
 * anything else runs untouched. Pure: generates shell code from data.
 */
export interface ShellPrefilter {
  /** Command words the shell functions and PATH shims wrap. */
  commands: readonly string[];
  /** Commands every call of which is a candidate (test runners). */
  always: readonly string[];
  /** How many leading arguments are tested. */
  scanArguments: number;
  /**
   * `command:argument` globs (only `*` is special): a call is a candidate
   * when one of its first `scanArguments` arguments matches, e.g.
   * `npm:test`, `php:migrate*`, `rails:db:*`.
   */
  argumentPatterns: readonly string[];
}

/** Names safe to define as a function in bash, zsh and fish, and as a shim file name. */
const COMMAND_WORD = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/** Never matches a real call: keeps an empty pattern list valid shell. */
const NO_MATCH = '__dbsafe_no_match__';

export function wrappableCommands(prefilter: ShellPrefilter): string[] {
  return [...new Set(prefilter.commands)].filter((word) => COMMAND_WORD.test(word));
}

/** One glob for a POSIX `case` arm: every character literal except `*`. */
function shGlob(pattern: string): string {
  return pattern.replace(/[^A-Za-z0-9_*./:@%+,=-]/g, (char) => `\\${char}`);
}

/**
 * One glob for a fish `case`: fish matches case arguments as wildcards after
 * quote removal, and an unquoted `*` would first be expanded against file
 * names, so the whole pattern is single-quoted.
 */
function fishGlob(pattern: string): string {
  return `'${pattern.replace(/[\\']/g, (char) => `\\${char}`)}'`;
}

function armOrNoMatch(patterns: readonly string[], render: (pattern: string) => string, separator: string): string {
  const rendered = patterns.filter((p) => p !== '').map(render);
  return rendered.length > 0 ? rendered.join(separator) : NO_MATCH;
}

/** Values substituted into the shell templates under shell/ (`@NAME@`). */
export function shellSubstitutions(prefilter: ShellPrefilter, flavour: 'sh' | 'fish'): Record<string, string> {
  const commands = wrappableCommands(prefilter);
  const always = prefilter.always.filter((word) => commands.includes(word));
  const render = flavour === 'sh' ? shGlob : fishGlob;
  const separator = flavour === 'sh' ? '|' : ' ';
  return {
    DBSAFE_COMMANDS: commands.join(' '),
    DBSAFE_ALWAYS_PATTERNS: armOrNoMatch(always, render, separator),
    DBSAFE_ARGUMENT_PATTERNS: armOrNoMatch(prefilter.argumentPatterns, render, separator),
    DBSAFE_SCAN: String(prefilter.scanArguments),
  };
}

/** Replace every `@NAME@` of a template; an unknown name is a bug in dbsafe, so it throws. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/@([A-Z_]+)@/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`shell template placeholder ${whole} has no value`);
    return value;
  });
}

/** A value quoted for POSIX sh (and fish: single quotes, with `'` spelled as `'\''` in sh, `\'` in fish). */
export function quoteFor(flavour: 'sh' | 'fish', value: string): string {
  return flavour === 'sh' ? `'${value.replace(/'/g, `'\\''`)}'` : `'${value.replace(/[\\']/g, (char) => `\\${char}`)}'`;
}
