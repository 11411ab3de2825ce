import type { Classification } from './types.js';

/** Messages of `dbsafe explain` and the command rules: each says what happened and what to do. */
export const RULE_MESSAGES = {
  emptyCommand: 'no command given. Put the command after `--`, e.g. `dbsafe explain -- npm test` or `dbsafe explain -- "cd api && rails db:migrate"`.',
  batchLineNotJson: (line: string) =>
    `--batch reads one JSON value per line (a command line as a string, an argv as an array of strings, or {"command": …, "cwd": "dir"}), and this line is not one: ${line.slice(0, 80)}. Encode each command with JSON.stringify.`,
  summary(command: string, result: Omit<Classification, 'effects'>): string {
    return result.guarded
      ? `${command}\n  guarded — rule ${result.rule}: ${result.reason}.\n  dbsafe checks the database is not production and backs it up before this runs.`
      : `${command}\n  not guarded — rule ${result.rule}: ${result.reason}.\n  If it does touch a database, add it to "commands.guard" in dbsafe.config.json.`;
  },
  segmentLine(text: string, guarded: boolean, rule: string): string {
    return `  ${guarded ? 'guarded' : 'pass   '}  ${text}  (${rule})`;
  },
} as const;
