import { CLIENT_CONNECTION_RULES, type ClientConnectionRule } from './table/client-connections.js';
import type { ClientConnection, ConnectionSetting, ShellWord } from './types.js';

function ruleFor(tool: string, table: readonly ClientConnectionRule[]): ClientConnectionRule | undefined {
  return table.find((rule) => rule.tools.includes(tool));
}

/** `--host=x` / `--host x` / `-hx` / `-h x`: which option this word is, and where its value is. */
function readOption(rule: ClientConnectionRule, words: readonly ShellWord[], index: number): { option: string; value: ShellWord | undefined; consumed: number } | null {
  const word = words[index]!;
  const text = word.text;
  const known = [...Object.keys(rule.options), ...rule.valueOptions, ...(rule.attachedOnly ?? [])];
  const exact = known.find((option) => option === text);
  if (exact) {
    if (rule.attachedOnly?.includes(exact)) return { option: exact, value: undefined, consumed: 1 };
    return { option: exact, value: words[index + 1], consumed: 2 };
  }
  const eq = text.indexOf('=');
  if (text.startsWith('-') && eq > 0 && known.includes(text.slice(0, eq))) {
    return { option: text.slice(0, eq), value: { text: text.slice(eq + 1), resolved: word.resolved }, consumed: 1 };
  }
  if (rule.attachedShortValues && /^-[A-Za-z]./.test(text) && !text.startsWith('--')) {
    const option = text.slice(0, 2);
    if (known.includes(option)) return { option, value: { text: text.slice(2), resolved: word.resolved }, consumed: 1 };
  }
  return null;
}

/**
 * The connection a database client is told to use on its command line, as
 * written (no parsing of URLs or conninfo here). Null when `tool` is not a
 * client the table knows. Pure.
 */
export function clientConnection(tool: string, args: readonly ShellWord[], table: readonly ClientConnectionRule[] = CLIENT_CONNECTION_RULES): ClientConnection | null {
  const rule = ruleFor(tool, table);
  if (!rule) return null;
  const settings: ClientConnection['settings'] = [];
  const add = (setting: ConnectionSetting, value: ShellWord | undefined, written: string) => {
    settings.push({ setting, value: value?.resolved ? value.text : null, written, ...(value && !value.resolved ? { source: value.text } : {}) });
  };
  let positional = 0;
  let optionsEnded = false;
  for (let index = 0; index < args.length; ) {
    const word = args[index]!;
    if (!optionsEnded && word.text === '--') {
      optionsEnded = true;
      index += 1;
      continue;
    }
    if (!optionsEnded && word.text.startsWith('-') && word.text.length > 1) {
      const option = readOption(rule, args, index);
      if (option) {
        const setting = rule.options[option.option];
        if (setting) add(setting, option.value, `${option.option} ${option.value?.text ?? ''}`.trim());
        index += option.consumed;
      } else index += 1;
      continue;
    }
    const meaning = rule.positionals[positional];
    positional += 1;
    if (meaning && meaning !== 'ignore') add(meaning, word, word.text);
    index += 1;
  }
  return { client: tool, engine: rule.engine, settings };
}

/** sqlite3 dot commands that only print (`sqlite3 app.db .schema > schema.sql`, `.dump > backup.sql`). */
export const SQLITE_READ_ONLY_DOT_COMMANDS: readonly string[] = ['.schema', '.fullschema', '.dump', '.tables', '.indexes', '.indices', '.databases', '.dbinfo'];

/**
 * `sqlite3 [-init /dev/null] FILE .schema …`: every argument after the
 * database file is a read-only dot command (sqlite3 runs each one), and no
 * other option can feed it statements. Pure.
 */
export function sqliteReadsOnly(args: readonly { text: string; resolved: boolean }[]): boolean {
  let rest = args;
  if (rest[0]?.text === '-init' && rest[1]?.text === '/dev/null') rest = rest.slice(2);
  const [file, ...commands] = rest;
  if (!file || file.text.startsWith('-') || commands.length === 0) return false;
  return commands.every((command) => command.resolved && SQLITE_READ_ONLY_DOT_COMMANDS.includes(command.text.trim().split(/\s+/)[0]!) && !command.text.includes(';'));
}
