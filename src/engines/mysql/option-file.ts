import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import type { Target } from '../../target/types.js';

/**
 * TLS modes as users write them (libpq, MySQL and MariaDB spellings), and the
 * client options each one means. Options carry the `loose-` prefix so that a
 * client which does not know one of them (MariaDB has no `ssl-mode`, MySQL 8
 * dropped `ssl`) skips it instead of refusing to start.
 */
const TLS_MODE_OPTIONS: Record<string, readonly string[]> = {
  disable: ['loose-skip-ssl', 'loose-ssl-mode=DISABLED'],
  disabled: ['loose-skip-ssl', 'loose-ssl-mode=DISABLED'],
  false: ['loose-skip-ssl', 'loose-ssl-mode=DISABLED'],
  prefer: ['loose-ssl-mode=PREFERRED'],
  preferred: ['loose-ssl-mode=PREFERRED'],
  require: ['loose-ssl', 'loose-ssl-mode=REQUIRED'],
  required: ['loose-ssl', 'loose-ssl-mode=REQUIRED'],
  true: ['loose-ssl', 'loose-ssl-mode=REQUIRED'],
  'verify-ca': ['loose-ssl', 'loose-ssl-mode=VERIFY_CA', 'loose-ssl-verify-server-cert'],
  verify_ca: ['loose-ssl', 'loose-ssl-mode=VERIFY_CA', 'loose-ssl-verify-server-cert'],
  'verify-full': ['loose-ssl', 'loose-ssl-mode=VERIFY_IDENTITY', 'loose-ssl-verify-server-cert'],
  verify_identity: ['loose-ssl', 'loose-ssl-mode=VERIFY_IDENTITY', 'loose-ssl-verify-server-cert'],
};

/**
 * An option-file value in double quotes. MySQL and MariaDB both undo these
 * escapes when reading `[client]` values, so any password survives: quotes,
 * backslashes, `#` (a comment outside quotes), spaces at either end.
 */
export function quoteOptionValue(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `"${escaped}"`;
}

/**
 * The `[client]` option file for a target: the only place the password goes.
 * Passed with --defaults-extra-file it is read by mariadb-dump, mysqldump,
 * mariadb and mysql alike. MYSQL_PWD is not used: MySQL 8 deprecates it and
 * a process's environment is readable by the same user (and root) through
 * /proc/<pid>/environ for as long as the client runs.
 */
export function clientOptionFile(target: Target): string {
  const lines = ['[client]'];
  if (target.user) lines.push(`user=${quoteOptionValue(target.user)}`);
  if (target.password !== undefined && target.password !== '') lines.push(`password=${quoteOptionValue(target.password)}`);
  if (target.host) lines.push(`host=${quoteOptionValue(target.host)}`);
  if (target.port !== undefined) lines.push(`port=${target.port}`);
  if (target.socket) lines.push(`socket=${quoteOptionValue(target.socket)}`);
  if (target.tls.mode !== undefined) {
    const options = TLS_MODE_OPTIONS[target.tls.mode.toLowerCase()];
    if (!options) {
      throw new DbsafeError(
        'mysql-tls-mode',
        `The TLS setting "${target.tls.mode}" of the MySQL/MariaDB database is not one dbsafe understands. Use one of ${Object.keys(TLS_MODE_OPTIONS).join(', ')} (for example ?ssl-mode=required in the URL).`,
        ExitCode.usage,
      );
    }
    lines.push(...options);
  }
  if (target.tls.rootCert) lines.push(`ssl-ca=${quoteOptionValue(target.tls.rootCert)}`);
  if (target.tls.cert) lines.push(`ssl-cert=${quoteOptionValue(target.tls.cert)}`);
  if (target.tls.key) lines.push(`ssl-key=${quoteOptionValue(target.tls.key)}`);
  return `${lines.join('\n')}\n`;
}
