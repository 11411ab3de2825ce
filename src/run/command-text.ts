import { redactArgv, redactCommandLine } from '../redact.js';

export { quoteArgument } from '../redact.js';

/**
 * The command as one line a human can read and re-type (a shell line is kept
 * as written), every password masked (src/redact.ts): the text that goes to
 * the audit log, the backup manifest, consent records and messages. Pure.
 */
export function commandForDisplay(command: string | readonly string[]): string {
  return typeof command === 'string' ? redactCommandLine(command.trim()) : redactArgv(command);
}
