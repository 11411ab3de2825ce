import { redactArgv } from '../redact.js';

export { quoteArgument } from '../redact.js';

/**
 * The command as one line a human can read and re-type, every password
 * masked (src/redact.ts): the text that goes to the audit log, the backup
 * manifest, consent records and messages. Pure.
 */
export function commandForDisplay(argv: readonly string[]): string {
  return redactArgv(argv);
}
