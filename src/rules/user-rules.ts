import { globMatches } from './glob.js';
import type { RuleVerdict } from './match.js';
import type { ShellWord, UserCommandRule } from './types.js';

/** One entry of `commands.guard` / `commands.allow`: a command line prefix, or a row with its own id and reason. */
export type CommandRuleEntry = string | { command: string; reason?: string; id?: string };

/** The `commands` key of dbsafe's configuration. */
export interface CommandRulesConfig {
  guard?: CommandRuleEntry[];
  allow?: CommandRuleEntry[];
}

const SHELL_OPERATORS = /[|;&<>()$`\\"']/;

function entryProblem(entry: unknown, where: string): string | null {
  const command = typeof entry === 'string' ? entry : entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? (entry as Record<string, unknown>).command : undefined;
  if (typeof command !== 'string' || command.trim() === '') {
    return `${where} must be a command such as "make test", or an object {"command": "make test", "reason": "…"}`;
  }
  if (typeof entry === 'object') {
    const extra = Object.keys(entry as object).filter((key) => !['command', 'reason', 'id'].includes(key));
    if (extra.length > 0) return `${where} has unknown key "${extra[0]}" (known: command, reason, id)`;
    for (const key of ['reason', 'id'] as const) {
      const value = (entry as Record<string, unknown>)[key];
      if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) return `${where} "${key}" must be a non-empty string`;
    }
  }
  if (SHELL_OPERATORS.test(command)) {
    return `${where} "${command}" contains shell syntax; write the command and its leading arguments as plain words (use * as a wildcard), e.g. "make test" or "./scripts/reset-*.sh"`;
  }
  return null;
}

/** Validate the raw `commands` value; one sentence naming the first problem and its fix, or null. Pure. */
export function validateCommandRulesConfig(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'must be an object like {"guard": ["make test"], "allow": ["npm run test:unit-fast"]}';
  }
  for (const [key, list] of Object.entries(value)) {
    if (key !== 'guard' && key !== 'allow') return `has unknown key "${key}" (use "guard" for commands to protect, "allow" for commands to let through)`;
    if (!Array.isArray(list)) return `.${key} must be a list of commands, e.g. ["make test"]`;
    for (const [index, entry] of list.entries()) {
      const problem = entryProblem(entry, `.${key}[${index}]`);
      if (problem) return problem;
    }
  }
  return null;
}

function normalizedPath(text: string): string {
  return text.startsWith('./') ? text.slice(2) : text;
}

/** Turn a validated `commands` value into rows for the classifier. Pure. */
export function userCommandRules(config: CommandRulesConfig | undefined): UserCommandRule[] {
  const rows: UserCommandRule[] = [];
  for (const guard of [true, false]) {
    for (const entry of (guard ? config?.guard : config?.allow) ?? []) {
      const command = typeof entry === 'string' ? entry : entry.command;
      const words = command.trim().split(/\s+/);
      rows.push({
        id: (typeof entry === 'object' && entry.id) || `config-${guard ? 'guard' : 'allow'}`,
        words: [normalizedPath(words[0]!), ...words.slice(1)],
        guard,
        reason: (typeof entry === 'object' && entry.reason) || `the project's dbsafe configuration ${guard ? 'guards' : 'allows'} \`${command}\``,
      });
    }
  }
  return rows;
}

function wordMatches(glob: string, word: ShellWord, isCommandWord: boolean): boolean {
  if (!word.resolved) return false;
  if (!isCommandWord) return globMatches(glob, word.text);
  const text = normalizedPath(word.text);
  return globMatches(glob, text) || (!glob.includes('/') && globMatches(glob, text.slice(text.lastIndexOf('/') + 1)));
}

/** The configured row for these words: the longest match wins, guard over allow on a tie. Pure. */
export function matchUserRules(words: readonly ShellWord[], rules: readonly UserCommandRule[]): RuleVerdict | null {
  let best: UserCommandRule | null = null;
  for (const rule of rules) {
    if (rule.words.length > words.length) continue;
    if (!rule.words.every((glob, index) => wordMatches(glob, words[index]!, index === 0))) continue;
    if (!best || rule.words.length > best.words.length || (rule.words.length === best.words.length && rule.guard && !best.guard)) best = rule;
  }
  return best ? { guarded: best.guard, rule: best.id, reason: best.reason, kind: 'user' } : null;
}
