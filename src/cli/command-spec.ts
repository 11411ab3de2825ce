import type { Command } from 'commander';

/** One option, as `--name` (a flag) or `--name <value>`. Names are single words: commander and parseArgs spell them alike. */
export interface OptionSpec {
  name: string;
  /** The placeholder shown in help when the option takes a value. */
  value?: string;
  description: string;
  default?: string;
  /** Left out of `--help` (options meant for dbsafe's own integrations). */
  hidden?: boolean;
}

/**
 * A command described as data, for the commands every guarded command line
 * calls (`check`, `explain`, `agent-hook`): main.ts runs them with a small
 * parser of its own, and loads commander only for help and usage errors.
 */
export interface CommandSpec<Options> {
  name: string;
  description: string;
  /** The command's words, for commands that take any number of them (or at most `max`). */
  words?: { name: string; description: string; max?: number };
  options: readonly OptionSpec[];
  /** Unknown options are kept as words instead of being a usage error. */
  allowUnknownOption?: boolean;
  action(words: string[], options: Options): Promise<void>;
}

/** Register the spec with commander, which then owns help and error messages. */
export function registerSpec<Options>(program: Command, spec: CommandSpec<Options>): void {
  const command = program.command(spec.name).description(spec.description);
  if (spec.words) command.argument(`[${spec.words.name}...]`, spec.words.description);
  for (const option of spec.options) {
    const made = command.createOption(option.value ? `--${option.name} <${option.value}>` : `--${option.name}`, option.description);
    if (option.default !== undefined) made.default(option.default);
    if (option.hidden) made.hideHelp();
    command.addOption(made);
  }
  if (spec.allowUnknownOption) command.allowUnknownOption();
  command.action((...args: unknown[]) => (spec.words ? spec.action(args[0] as string[], args[1] as Options) : spec.action([], args[0] as Options)));
}

/**
 * The arguments parsed without commander, or null when they need it: help,
 * short or unknown options, a missing value, a word where none is taken.
 * Commander then parses the same arguments and says what is wrong, so a fast
 * parse never gives an answer commander would not. (Hand-written rather than
 * node:util's parseArgs, whose module costs about 1.5 ms to load.)
 */
export function parseQuickly<Options>(spec: CommandSpec<Options>, args: string[]): { words: string[]; options: Options } | null {
  const values: Record<string, string | boolean> = {};
  for (const option of spec.options) if (option.default !== undefined) values[option.name] = option.default;
  const words: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') {
      words.push(...args.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      words.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) return null;
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const option = spec.options.find((candidate) => candidate.name === name);
    if (!option) return null;
    if (!option.value) {
      if (equals !== -1) return null;
      values[name] = true;
    } else if (equals !== -1) {
      values[name] = arg.slice(equals + 1);
    } else {
      const value = args[++index];
      if (value === undefined || value.startsWith('-')) return null;
      values[name] = value;
    }
  }
  if (words.length > 0 && !spec.words) return null;
  if (spec.words?.max !== undefined && words.length > spec.words.max) return null;
  return { words, options: values as Options };
}
