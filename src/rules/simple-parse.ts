import type { EnvChange, ParsedLine } from './types.js';

/**
 * Characters whose meaning in a shell line is only their own: a line made of
 * these and blanks is words split on blanks, exactly as bash would split it.
 * Anything else (quotes, $, globs, operators, ~, #, newlines) needs the real parser.
 */
const PLAIN_LINE = /^[A-Za-z0-9_\-./:=@%+, \t]*$/;

/** Parse a plain line without loading tree-sitter; null when the line needs the real parser. Pure. */
export function parsePlainLine(source: string): ParsedLine | null {
  if (!PLAIN_LINE.test(source)) return null;
  const tokens = source.split(/[ \t]+/).filter((token) => token !== '');
  let start = 0;
  while (start < tokens.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(tokens[start]!)) start += 1;
  const words = tokens.slice(start).map((text) => ({ text, resolved: true }));
  if (words.length === 0) return { commands: [], syntaxError: false };
  const assignments = tokens.slice(0, start).map((text): EnvChange => {
    const eq = text.indexOf('=');
    return { kind: 'set', name: text.slice(0, eq), value: text.slice(eq + 1), text };
  });
  return { commands: [{ text: source.trim(), words, stdin: 'terminal', ...(assignments.length > 0 ? { assignments } : {}) }], syntaxError: false };
}
