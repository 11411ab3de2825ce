import type { RuleVerdict } from './match.js';
import { DATABASE_FILE_EXTENSIONS, DATABASE_FILE_SUFFIXES, FILE_CHANGING_COMMANDS, FILE_COMMAND_VALUE_OPTIONS } from './table/files.js';
import type { ShellWord } from './types.js';

const DATABASE_FILE = new RegExp(`\\.(${DATABASE_FILE_EXTENSIONS.join('|')})(${DATABASE_FILE_SUFFIXES.join('|')})?$`);

/** Whether a path (or a glob: `./dev/data/mealie*.db`) names a SQLite database file by its extension. Pure. */
export function isDatabaseFile(text: string): boolean {
  return DATABASE_FILE.test(text.replace(/["']/g, ''));
}

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
  if (!file) return null;
  return { guarded: true, rule: 'database-file', reason: `${name} ${changes === 'every' ? 'deletes or changes' : 'overwrites'} ${file.text}, a SQLite database file`, kind: 'data' };
}
