import { redactSecretsInText } from '../target/describe.js';

const SAFE_WORD = /^[A-Za-z0-9_\/.,:=@%+^-]+$/;

/** One argument as a POSIX shell would need it typed. Pure. */
export function quoteArgument(argument: string): string {
  if (argument !== '' && SAFE_WORD.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** Flags whose NEXT argument is a secret (`--password hunter2`); `--password=x` is handled by redactSecretsInText. */
const SECRET_FLAGS = new Set(['--password', '--pass', '--passwd', '--token', '--secret', '--api-key']);
/** The same flags followed by a space inside a shell line. */
const SECRET_FLAG_IN_LINE = new RegExp(`((?:^|\\s)(?:${[...SECRET_FLAGS].join('|')})\\s+)(?:"[^"]*"|'[^']*'|\\S+)`, 'gi');

/**
 * The command as one line a human can read and re-type (a shell line is
 * kept as written), with passwords in
 * URLs, `*PASSWORD*=` assignments and the value after `--password` masked:
 * this is the text that goes to the audit log and to messages. Pure.
 */
export function commandForDisplay(command: string | readonly string[]): string {
  if (typeof command === 'string') return redactSecretsInText(command.trim().replace(SECRET_FLAG_IN_LINE, '$1********'));
  const argv = command;
  const masked = argv.map((argument, index) => (index > 0 && SECRET_FLAGS.has(argv[index - 1]!.toLowerCase()) ? '********' : argument));
  return redactSecretsInText(masked.map(quoteArgument).join(' '));
}
