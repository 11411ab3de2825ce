import { commandName } from './launchers.js';
import type { ShellWord } from './types.js';

/**
 * Interpreters given a program on the command line (`python3 -c '…'`,
 * `node -e '…'`, `perl -e '…'`, `awk '{system(…)}'`): the program can start
 * any command, so its string literals are judged as commands. Pure.
 */
const CODE_OPTIONS: Record<string, readonly string[]> = {
  python: ['-c'],
  node: ['-e', '--eval', '-p', '--print'],
  bun: ['-e', '--eval', '-p', '--print'],
  perl: ['-e', '-E'],
  ruby: ['-e'],
  php: ['-r'],
};
const AWKS = new Set(['awk', 'gawk', 'mawk', 'nawk']);

function family(name: string): string | null {
  if (/^python(\d+(\.\d+)?)?$|^pypy3?$/.test(name)) return 'python';
  if (name === 'nodejs') return 'node';
  return CODE_OPTIONS[name] ? name : null;
}

/** The program text an interpreter is given on its command line, or null. */
export function inlineCode(words: readonly ShellWord[]): ShellWord | null {
  const name = commandName(words[0]!.text);
  if (name === 'deno' && words[1]?.text === 'eval') return words[2] ?? null;
  if (AWKS.has(name)) {
    for (let i = 1; i < words.length; i += 1) {
      const text = words[i]!.text;
      if (text === '-f') return null;
      if (['-F', '-v'].includes(text)) i += 1;
      else if (!text.startsWith('-')) return words[i]!;
    }
    return null;
  }
  const options = CODE_OPTIONS[family(name) ?? ''];
  if (!options) return null;
  const at = words.findIndex((word, i) => i > 0 && options.includes(word.text));
  return at > 0 ? (words[at + 1] ?? null) : null;
}

/** The contents of the string literals in a program ('…', "…", `…`), escapes undone. */
export function stringLiterals(code: string): string[] {
  const literals: string[] = [];
  const pattern = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\]|\\.)*)`/gs;
  for (const match of code.matchAll(pattern)) literals.push((match[1] ?? match[2] ?? match[3] ?? '').replace(/\\(.)/gs, '$1'));
  return literals;
}
