import { describeTarget } from '../target/describe.js';
import type { Target } from '../target/types.js';

/** What `dbsafe mark` tells the user: the cause, then the fix. */
export const markMessages = {
  noDatabase: 'No database to mark: none is configured. Pass --url, or set DATABASE_URL (in .env or the shell).',
  unusable: (reason: string) => `The database settings cannot be used: ${reason}`,
  refusedDevelopment: (target: Target, reasons: string[]) =>
    `${describeTarget(target)} is judged production, so it cannot be marked development:\n${reasons.map((r) => `  - ${r}`).join('\n')}\nFix the configuration first (see \`dbsafe check\`).`,
  agentUnmark: (agent: string) =>
    `This database is marked production, and an AI agent is running this command: ${agent}. Only a person may remove a production marker. Ask your human to run \`dbsafe mark development\` in their own terminal if this really is a development copy.`,
  notTerminalUnmark:
    'This database is marked production. Removing that marker needs a person to confirm in a terminal (stdin is not a terminal here). Run `dbsafe mark development` in an interactive terminal.',
  confirmUnmark: (name: string) => `This database is marked PRODUCTION. Type its name (${name}) to mark it development:`,
  confirmMismatch: 'The name typed does not match; nothing was changed.',
  unaudited: (file: string, message: string) =>
    `Nothing was changed: removing a production marker must be recorded in the audit log ${file}, and writing it failed (${message}). Fix its permissions and run the command again.`,
  unmarkedNotice: (target: Target) => `the production marker of ${describeTarget(target)} was replaced by development (dbsafe mark development).`,
  marked: (target: Target, marker: string) =>
    marker === 'production'
      ? `Marked ${describeTarget(target)} as production. dbsafe now refuses it wherever it is reached from, a tunnel included.`
      : `Marked ${describeTarget(target)} as development.`,
  notConfirmed: (target: Target, marker: string) =>
    `The marker was written to ${describeTarget(target)} but reading it back gave "${marker}". Check that the user may alter the database, then run the command again.`,
};
