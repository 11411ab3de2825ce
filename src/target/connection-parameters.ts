import type { EngineName } from './types.js';

/**
 * What a connection parameter (a URL query parameter, a libpq conninfo
 * keyword, a service file line) does to the database reached:
 * - `host` … `servicefile`: it changes the target, and dbsafe honours it;
 * - `sslmode` … `sslrootcert`: TLS settings (a client certificate is a refusal rule);
 * - `judged`: kept for the safety rules (a replica preference, X.509 auth);
 * - `harmless`: tunes the connection, never its target.
 * A parameter in no table, or in REFUSED_PARAMETERS, makes dbsafe refuse the
 * connection string: it cannot tell where a client would connect.
 */
export type ParameterRole =
  | 'host'
  | 'hostaddr'
  | 'port'
  | 'database'
  | 'user'
  | 'password'
  | 'socket'
  | 'service'
  | 'servicefile'
  | 'sslmode'
  | 'sslcert'
  | 'sslkey'
  | 'sslrootcert'
  | 'judged'
  | 'harmless';

/** Roles that name the server, database or account: a repeated one with different values is contradictory. */
export const TARGET_ROLES: readonly ParameterRole[] = ['host', 'hostaddr', 'port', 'database', 'user', 'socket', 'service', 'servicefile'];

export interface ParameterRule {
  role: ParameterRole;
  /** Clients that ignore this parameter in a URL's query: their reading of the URL is judged too. */
  ignoredBy?: readonly string[];
}

const rule = (role: ParameterRole, ignoredBy?: readonly string[]): ParameterRule => (ignoredBy ? { role, ignoredBy } : { role });
const harmless = (...names: string[]): Record<string, ParameterRule> => Object.fromEntries(names.map((name) => [name, rule('harmless')]));

/**
 * libpq's keywords (PostgreSQL 18), valid in URIs, key/value strings and service
 * files. libpq matches them case-sensitively and lets a URI's query override
 * its host, port, user and path. node-postgres reads host, port, user and
 * password from the query too, but takes the database only from the path and
 * ignores hostaddr and service.
 */
export const LIBPQ_KEYWORDS: Readonly<Record<string, ParameterRule>> = {
  host: rule('host'),
  hostaddr: rule('hostaddr', ['node-postgres']),
  port: rule('port'),
  dbname: rule('database', ['node-postgres']),
  user: rule('user'),
  password: rule('password'),
  service: rule('service', ['node-postgres']),
  servicefile: rule('servicefile', ['node-postgres']),
  sslmode: rule('sslmode'),
  sslcert: rule('sslcert'),
  sslkey: rule('sslkey'),
  sslrootcert: rule('sslrootcert'),
  target_session_attrs: rule('judged'),
  ...harmless(
    'passfile', 'require_auth', 'channel_binding', 'connect_timeout', 'client_encoding', 'options', 'application_name',
    'fallback_application_name', 'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout',
    'replication', 'gssencmode', 'sslnegotiation', 'sslcompression', 'sslpassword', 'sslcertmode', 'sslcrl', 'sslcrldir', 'sslsni',
    'requirepeer', 'ssl_min_protocol_version', 'ssl_max_protocol_version', 'min_protocol_version', 'max_protocol_version',
    'krbsrvname', 'gsslib', 'gssdelegation', 'load_balance_hosts', 'scram_client_key', 'scram_server_key',
    'oauth_issuer', 'oauth_client_id', 'oauth_client_secret', 'oauth_scope',
  ),
};

/**
 * Parameters other PostgreSQL clients read from a URL's query (libpq itself
 * rejects them): pgx and ActiveRecord take `database`; Prisma's `host` is a
 * socket directory and `sslidentity` a client certificate; the rest tune pools.
 */
const POSTGRES_URL_EXTRAS: Readonly<Record<string, ParameterRule>> = {
  database: rule('database', ['node-postgres']),
  sslidentity: rule('sslcert'),
  ssl: rule('sslmode'),
  ...harmless(
    // Prisma
    'schema', 'connection_limit', 'pool_timeout', 'socket_timeout', 'pgbouncer', 'statement_cache_size', 'sslaccept',
    'max_connection_lifetime', 'max_idle_connection_lifetime',
    // node-postgres (pg-connection-string hands every parameter to the pool's config)
    'uselibpqcompat', 'statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout', 'query_timeout', 'connectionTimeoutMillis',
    'idleTimeoutMillis', 'max', 'min', 'binary', 'keepAlive', 'keepAliveInitialDelayMillis', 'allowExitOnIdle', 'maxUses', 'maxLifetimeSeconds',
    // server settings pgx sends for any other parameter
    'search_path', 'timezone', 'TimeZone', 'DateStyle', 'default_transaction_isolation', 'work_mem',
    // pgx
    'pool_max_conns', 'pool_min_conns', 'pool_min_idle_conns', 'pool_max_conn_lifetime', 'pool_max_conn_lifetime_jitter',
    'pool_max_conn_idle_time', 'pool_health_check_period', 'default_query_exec_mode', 'statement_cache_capacity', 'description_cache_capacity',
    // ActiveRecord
    'pool', 'encoding', 'prepared_statements', 'advisory_locks', 'schema_search_path', 'reaping_frequency', 'checkout_timeout',
  ),
};

/**
 * MySQL/MariaDB URL parameters. mysql2 ignores host, port, user, password and
 * database in the query (the URL's own parts win) but honours socketPath;
 * Prisma, SQLAlchemy, ActiveRecord and mysqlsh read the others' spellings.
 */
const MYSQL_URL_PARAMETERS: Readonly<Record<string, ParameterRule>> = {
  host: rule('host', ['mysql2']),
  port: rule('port', ['mysql2']),
  user: rule('user', ['mysql2']),
  username: rule('user', ['mysql2']),
  password: rule('password', ['mysql2']),
  database: rule('database', ['mysql2']),
  dbname: rule('database', ['mysql2']),
  socket: rule('socket', ['mysql2']),
  unix_socket: rule('socket', ['mysql2']),
  socketPath: rule('socket'),
  ssl: rule('sslmode'),
  sslmode: rule('sslmode'),
  'ssl-mode': rule('sslmode'),
  sslcert: rule('sslcert'),
  'ssl-cert': rule('sslcert'),
  sslidentity: rule('sslcert'),
  sslkey: rule('sslkey'),
  'ssl-key': rule('sslkey'),
  sslca: rule('sslrootcert'),
  'ssl-ca': rule('sslrootcert'),
  ...harmless(
    // mysql2
    'charset', 'timezone', 'connectTimeout', 'multipleStatements', 'dateStrings', 'supportBigNumbers', 'bigNumberStrings', 'decimalNumbers',
    'localAddress', 'insecureAuth', 'namedPlaceholders', 'rowsAsArray', 'compress', 'waitForConnections', 'connectionLimit', 'queueLimit',
    'enableKeepAlive', 'keepAliveInitialDelay', 'maxIdle', 'idleTimeout', 'jsonStrings', 'flags', 'trace', 'debug', 'maxPreparedStatements',
    // Prisma
    'connection_limit', 'connect_timeout', 'pool_timeout', 'socket_timeout', 'sslaccept', 'sslpassword', 'statement_cache_size',
    // mysqlsh and the CLI's option names
    'ssl-capath', 'ssl-cipher', 'tls-version', 'auth-method', 'get-server-public-key', 'server-public-key-path', 'connect-timeout', 'compression',
    // ActiveRecord, SQLAlchemy
    'pool', 'encoding', 'reconnect', 'variables', 'collation', 'sslverify', 'ssl_verify_cert', 'ssl_verify_identity',
    'local_infile', 'binary_prefix', 'autocommit', 'read_timeout', 'write_timeout', 'client_flag',
  ),
  ssl_ca: rule('sslrootcert'),
  ssl_cert: rule('sslcert'),
  ssl_key: rule('sslkey'),
};

/**
 * MongoDB connection string options. They are case-insensitive (the URI
 * spec), so this table is looked up in lower case. The hosts and database
 * come from the URI's own parts; authSource names only where the user is
 * defined. A proxy makes every host mean "as seen from the proxy".
 */
const MONGODB_URL_PARAMETERS: Readonly<Record<string, ParameterRule>> = {
  tls: rule('sslmode'),
  ssl: rule('sslmode'),
  tlscertificatekeyfile: rule('sslcert'),
  tlscafile: rule('sslrootcert'),
  readpreference: rule('judged'),
  authmechanism: rule('judged'),
  ...harmless(
    'authsource', 'replicaset', 'directconnection', 'loadbalanced', 'srvservicename', 'srvmaxhosts', 'appname', 'w', 'journal', 'wtimeoutms',
    'retrywrites', 'retryreads', 'maxpoolsize', 'minpoolsize', 'maxidletimems', 'maxconnecting', 'waitqueuetimeoutms', 'connecttimeoutms',
    'sockettimeoutms', 'serverselectiontimeoutms', 'serverselectiontryonce', 'heartbeatfrequencyms', 'localthresholdms', 'timeoutms',
    'compressors', 'zlibcompressionlevel', 'readconcernlevel', 'maxstalenessseconds', 'readpreferencetags', 'authmechanismproperties',
    'gssapiservicename', 'uuidrepresentation', 'tlsinsecure', 'tlsallowinvalidcertificates', 'tlsallowinvalidhostnames',
    'tlscertificatekeyfilepassword', 'tlsdisableocspendpointcheck', 'tlsdisablecertificaterevocationcheck',
  ),
};

export interface EngineParameters {
  table: Readonly<Record<string, ParameterRule>>;
  caseInsensitive: boolean;
  /** Clients whose own reading of a URL can differ from the table's (see ParameterRule.ignoredBy). */
  readings: readonly string[];
}

export const URL_PARAMETERS: Readonly<Record<Exclude<EngineName, 'sqlite'>, EngineParameters>> = {
  postgres: { table: { ...LIBPQ_KEYWORDS, ...POSTGRES_URL_EXTRAS }, caseInsensitive: false, readings: ['node-postgres'] },
  mysql: { table: MYSQL_URL_PARAMETERS, caseInsensitive: false, readings: ['mysql2'] },
  mongodb: { table: MONGODB_URL_PARAMETERS, caseInsensitive: true, readings: [] },
};

/** Parameters dbsafe understands and refuses: where they send the client cannot be judged from the string. */
export const REFUSED_PARAMETERS: Readonly<Record<Exclude<EngineName, 'sqlite'>, Readonly<Record<string, string>>>> = {
  postgres: {},
  mysql: {},
  mongodb: {
    proxyhost: 'it sends the connection through a SOCKS5 proxy, which resolves the hosts on another machine',
    proxyport: 'it sends the connection through a SOCKS5 proxy, which resolves the hosts on another machine',
    proxyusername: 'it sends the connection through a SOCKS5 proxy, which resolves the hosts on another machine',
    proxypassword: 'it sends the connection through a SOCKS5 proxy, which resolves the hosts on another machine',
  },
};

export type ParameterLookup =
  | { kind: 'known'; rule: ParameterRule }
  | { kind: 'refused'; reason: string }
  | { kind: 'wrong-case'; spelling: string }
  | { kind: 'unknown' };

/** What `name` is for `engine`'s connection strings. Pure. */
export function lookupParameter(engine: Exclude<EngineName, 'sqlite'>, name: string): ParameterLookup {
  const { table, caseInsensitive } = URL_PARAMETERS[engine];
  const key = caseInsensitive ? name.toLowerCase() : name;
  const refused = REFUSED_PARAMETERS[engine][name.toLowerCase()];
  if (refused) return { kind: 'refused', reason: refused };
  const known = Object.hasOwn(table, key) ? table[key] : undefined;
  if (known) return { kind: 'known', rule: known };
  const spelling = Object.keys(table).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (spelling) return { kind: 'wrong-case', spelling };
  return { kind: 'unknown' };
}

/** libpq's own keywords only (key/value strings and service files accept nothing else). */
export function lookupLibpqKeyword(name: string): ParameterLookup {
  const known = Object.hasOwn(LIBPQ_KEYWORDS, name) ? LIBPQ_KEYWORDS[name] : undefined;
  if (known) return { kind: 'known', rule: known };
  const spelling = Object.keys(LIBPQ_KEYWORDS).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return spelling ? { kind: 'wrong-case', spelling } : { kind: 'unknown' };
}

/** libpq's environment variables, read for whatever the connection string and service leave unset. */
export const LIBPQ_ENVIRONMENT: Readonly<Record<string, string>> = {
  PGHOST: 'host',
  PGHOSTADDR: 'hostaddr',
  PGPORT: 'port',
  PGDATABASE: 'dbname',
  PGUSER: 'user',
  PGPASSWORD: 'password',
  PGSSLMODE: 'sslmode',
  PGSSLCERT: 'sslcert',
  PGSSLKEY: 'sslkey',
  PGSSLROOTCERT: 'sslrootcert',
  PGTARGETSESSIONATTRS: 'target_session_attrs',
};
