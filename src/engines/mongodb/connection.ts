import { stringify } from 'yaml';
import type { Target } from '../../target/types.js';

/** TLS settings of a target, back under the connection-string option names the MongoDB tools read. */
const TLS_URI_OPTIONS: Record<'mode' | 'rootCert' | 'cert', string> = {
  mode: 'tls',
  rootCert: 'tlsCAFile',
  cert: 'tlsCertificateKeyFile',
};

function hostEntry(host: string, port: number | undefined): string {
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return port === undefined ? bracketed : `${bracketed}:${port}`;
}

/**
 * The connection string the tools get, WITHOUT the password (that goes in
 * the config file's own `password:` key) and without a database path: the
 * database is named by --db / --nsInclude, because mongorestore treats a
 * database in the URI as --db, which it refuses next to --nsInclude. The
 * database the user's URL named stays the authentication database, as the
 * drivers default it.
 */
export function toolConnectionString(target: Target): string {
  const scheme = target.srv ? 'mongodb+srv' : 'mongodb';
  const user = target.user ? `${encodeURIComponent(target.user)}@` : '';
  const hosts = target.hosts.length > 0 ? target.hosts.map((host) => hostEntry(host, target.srv ? undefined : target.port)) : [encodeURIComponent(target.socket ?? 'localhost')];
  const options = new URLSearchParams();
  if (target.user && !Object.keys(target.params).some((key) => key.toLowerCase() === 'authsource')) options.set('authSource', target.database);
  for (const [key, value] of Object.entries(target.params)) options.set(key, value);
  for (const field of Object.keys(TLS_URI_OPTIONS) as Array<keyof typeof TLS_URI_OPTIONS>) {
    const value = target.tls[field];
    if (value !== undefined) options.set(TLS_URI_OPTIONS[field], value);
  }
  const query = options.toString();
  return `${scheme}://${user}${hosts.join(',')}/${query ? `?${query}` : ''}`;
}

/**
 * The YAML file given to mongodump/mongorestore with --config (Database Tools
 * 100.3+): the documented way to hand them a password without a prompt and
 * without a command line that `ps` shows.
 */
export function toolConfigFile(target: Target): string {
  const config: Record<string, string> = { uri: toolConnectionString(target) };
  if (target.password !== undefined && target.password !== '') config.password = target.password;
  return stringify(config);
}

/** The full connection string, password included, for a mongosh script kept in a 0600 file. */
export function shellConnectionString(target: Target): string {
  const base = toolConnectionString(target);
  if (!target.user || target.password === undefined || target.password === '') return base;
  const user = `${encodeURIComponent(target.user)}@`;
  return base.replace(user, `${encodeURIComponent(target.user)}:${encodeURIComponent(target.password)}@`);
}
