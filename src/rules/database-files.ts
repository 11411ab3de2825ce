import type { RuleVerdict } from './match.js';
import { DATABASE_DATA_ENGINE_WORDS, DATABASE_DATA_JOINED_WORDS, DATABASE_DATA_WORDS, DATABASE_FILE_EXTENSIONS, DATABASE_FILE_SUFFIXES, FILE_CHANGING_COMMANDS, FILE_COMMAND_VALUE_OPTIONS } from './table/files.js';
import type { ShellWord } from './types.js';

const DATABASE_FILE = new RegExp(`\\.(${DATABASE_FILE_EXTENSIONS.join('|')})(${DATABASE_FILE_SUFFIXES.join('|')})?$`);

/** Whether a path (or a glob: `./dev/data/mealie*.db`) names a SQLite database file by its extension. Pure. */
export function isDatabaseFile(text: string): boolean {
  return DATABASE_FILE.test(text.replace(/["']/g, ''));
}

/** Whether a path names a database server's data directory (`./data/postgres`, `.pgdata`). Pure. */
export function isDatabaseDataDirectory(text: string): boolean {
  const words = text.replace(/["']/g, '').split(/[\s/\\._-]+/).map((word) => word.toLowerCase());
  if (words.some((word) => DATABASE_DATA_JOINED_WORDS.includes(word))) return true;
  return words.some((word) => DATABASE_DATA_ENGINE_WORDS.includes(word)) && words.some((word) => DATABASE_DATA_WORDS.includes(word));
}

const RECURSIVE = /^-(?:[A-Za-z]*[rR][A-Za-z]*|-recursive)$/;

/**
 * Guarded when a command that replaces or deletes files changes a database
 * file: any operand of rm, mv, truncate; the destination of cp, install, ln.
 * A word known only at run time is not assumed to be one. Null otherwise. Pure.
 */
export function databaseFileVerdict(name: string, args: readonly ShellWord[]): RuleVerdict | null {
  const changes = FILE_CHANGING_COMMANDS[name];
  if (!changes) return null;
  const valueOptions = FILE_COMMAND_VALUE_OPTIONS[name] ?? [];
  const operands: ShellWord[] = [];
  let optionsEnded = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (!optionsEnded && arg.text === '--') optionsEnded = true;
    else if (!optionsEnded && arg.text.startsWith('-') && arg.text !== '-') {
      if (valueOptions.includes(arg.text)) index += 1;
    } else operands.push(arg);
  }
  const changed = changes === 'every' ? operands : operands.slice(-1);
  const file = changed.find((word) => isDatabaseFile(word.text));
  const recursive = name === 'rm' && args.some((arg) => RECURSIVE.test(arg.text));
  const directory = recursive ? changed.find((word) => isDatabaseDataDirectory(word.text)) : undefined;
  if (directory) return { guarded: true, rule: 'database-file', reason: `rm deletes ${directory.text}, where a database server keeps its files`, kind: 'data' };
  if (!file) return null;
  return { guarded: true, rule: 'database-file', reason: `${name} ${changes === 'every' ? 'deletes or changes' : 'overwrites'} ${file.text}, a SQLite database file`, kind: 'data' };
}
