import { redactSecretsInText } from '../target/describe.js';

const SAFE_WORD = /^[A-Za-z0-9_\/.,:=@%+^-]+$/;

/** One argument as a POSIX shell would need it typed. Pure. */
export function quoteArgument(argument: string): string {
  if (argument !== '' && SAFE_WORD.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** Flags whose NEXT argument is a secret (`--password hunter2`); `--password=x` is handled by redactSecretsInText. */
const SECRET_FLAGS = new Set(['--password', '--pass', '--passwd', '--token', '--secret', '--api-key']);

/**
 * The command as one line a human can read and re-type, with passwords in
 * URLs, `*PASSWORD*=` assignments and the value after `--password` masked:
 * this is the text that goes to the audit log and to messages. Pure.
 */
export function commandForDisplay(argv: readonly string[]): string {
  const masked = argv.map((argument, index) => (index > 0 && SECRET_FLAGS.has(argv[index - 1]!.toLowerCase()) ? '********' : argument));
  return redactSecretsInText(masked.map(quoteArgument).join(' '));
}
