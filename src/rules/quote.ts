import type { ShellWord } from './types.js';

/** A word as shell source: unresolved words keep their source text, literal ones are quoted when needed. */
export function quoteWord(word: ShellWord): string {
  return word.resolved ? quoteText(word.text) : word.text;
}

export function quoteText(text: string): string {
  if (/^[A-Za-z0-9_\-./:=@%+,]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
