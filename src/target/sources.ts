import type { EngineName } from './types.js';

/**
 * Variables that hold a whole database URL, in resolution order.
 * After these, any other variable whose name ends in DATABASE_URL or DB_URL
 * (PG_DATABASE_URL, NEXT_PRIVATE_DATABASE_URL, TEST_DB_URL…) is read too.
 */
export const URL_VARIABLES: readonly string[] = ['DATABASE_URL'];
export const LATE_URL_VARIABLES: readonly string[] = ['MONGODB_URI', 'MONGO_URI', 'MONGO_URL', 'MONGODB_URL'];
export const URL_VARIABLE_SUFFIX = /(^|_)(DATABASE_URL|DB_URL)$/;

/** A family of variables that name a database field by field. */
export interface FieldFamily {
  id: string;
  /** Variable whose value names the engine, and what each value means. */
  engineVariable?: { name: string; values: Record<string, EngineName | 'unsupported'> };
  /** The engine when the family implies one (libpq's PG*, MySQL's MYSQL_*). */
  engine?: EngineName;
  /** At least one of these must be set for the family to name a database. */
  presentWhen: readonly string[];
  host: readonly string[];
  port: readonly string[];
  database: readonly string[];
  user: readonly string[];
  password: readonly string[];
  socket: readonly string[];
  sslMode: readonly string[];
  sslCert: readonly string[];
  sslKey: readonly string[];
  sslRootCert: readonly string[];
  /** Defaults the framework or client library applies when a field is unset. */
  defaults: { host?: string; sqliteFile?: string };
  /** Resolved by libpq's own rules (service file, PG* variables) rather than field by field. */
  libpq?: boolean;
}

export const FIELD_FAMILIES: readonly FieldFamily[] = [
  {
    id: 'DB_*',
    engineVariable: {
      name: 'DB_CONNECTION',
      values: {
        pgsql: 'postgres',
        postgres: 'postgres',
        postgresql: 'postgres',
        mysql: 'mysql',
        mariadb: 'mysql',
        sqlite: 'sqlite',
        mongodb: 'mongodb',
        sqlsrv: 'unsupported',
      },
    },
    presentWhen: ['DB_CONNECTION', 'DB_HOST', 'DB_DATABASE'],
    host: ['DB_HOST'],
    port: ['DB_PORT'],
    database: ['DB_DATABASE'],
    user: ['DB_USERNAME', 'DB_USER'],
    password: ['DB_PASSWORD'],
    socket: ['DB_SOCKET'],
    sslMode: ['DB_SSLMODE'],
    sslCert: ['DB_SSLCERT', 'MYSQL_ATTR_SSL_CERT'],
    sslKey: ['DB_SSLKEY', 'MYSQL_ATTR_SSL_KEY'],
    sslRootCert: ['DB_SSLROOTCERT', 'MYSQL_ATTR_SSL_CA'],
    // Laravel's defaults: 127.0.0.1, and database/database.sqlite for SQLite.
    defaults: { host: '127.0.0.1', sqliteFile: 'database/database.sqlite' },
  },
  {
    id: 'PG*',
    engine: 'postgres',
    libpq: true,
    presentWhen: ['PGHOST', 'PGHOSTADDR', 'PGDATABASE', 'PGSERVICE'],
    host: ['PGHOST', 'PGHOSTADDR'],
    port: ['PGPORT'],
    database: ['PGDATABASE'],
    user: ['PGUSER'],
    password: ['PGPASSWORD'],
    socket: [],
    sslMode: ['PGSSLMODE'],
    sslCert: ['PGSSLCERT'],
    sslKey: ['PGSSLKEY'],
    sslRootCert: ['PGSSLROOTCERT'],
    defaults: {},
  },
  {
    id: 'MYSQL_*',
    engine: 'mysql',
    presentWhen: ['MYSQL_HOST', 'MYSQL_DATABASE'],
    host: ['MYSQL_HOST'],
    port: ['MYSQL_TCP_PORT', 'MYSQL_PORT'],
    database: ['MYSQL_DATABASE'],
    user: ['MYSQL_USER'],
    password: ['MYSQL_PASSWORD', 'MYSQL_PWD'],
    socket: ['MYSQL_UNIX_PORT'],
    sslMode: ['MYSQL_SSL_MODE'],
    sslCert: ['MYSQL_SSL_CERT'],
    sslKey: ['MYSQL_SSL_KEY'],
    sslRootCert: ['MYSQL_SSL_CA'],
    defaults: {},
  },
];

/** Variables through which libpq finds a service definition. */
export const LIBPQ_SERVICE_VARIABLES: readonly string[] = ['PGSERVICE', 'PGSERVICEFILE', 'PGSYSCONFDIR'];

/** Every variable name dbsafe reads to find a database (used to explain and to redact). */
export function isDatabaseVariable(name: string): boolean {
  return (
    LIBPQ_SERVICE_VARIABLES.includes(name) ||
    URL_VARIABLES.includes(name) ||
    LATE_URL_VARIABLES.includes(name) ||
    URL_VARIABLE_SUFFIX.test(name) ||
    FIELD_FAMILIES.some(
      (family) =>
        family.engineVariable?.name === name ||
        [family.host, family.port, family.database, family.user, family.password, family.socket].some((names) => names.includes(name)),
    )
  );
}
