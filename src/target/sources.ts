import type { EngineName } from './types.js';

/**
 * Variables that hold a whole database URL, in resolution order.
 * After these, any other variable whose name ends in DATABASE_URL or DB_URL
 * (PG_DATABASE_URL, NEXT_PRIVATE_DATABASE_URL, TEST_DB_URL…) is read too.
 */
export const URL_VARIABLES: readonly string[] = ['DATABASE_URL'];
/**
 * Read after the field families: other names tools give a whole connection
 * string (Prisma's DIRECT_URL, Vercel's POSTGRES_*, SQLAlchemy, Spring's JDBC
 * URL, Railway's DATABASE_PRIVATE_URL…). Each is judged; none is the primary
 * database unless nothing earlier names one.
 */
export const LATE_URL_VARIABLES: readonly string[] = [
  'DIRECT_URL',
  'DATABASE_PRIVATE_URL',
  'POSTGRES_URL',
  'POSTGRES_PRISMA_URL',
  'POSTGRES_URL_NON_POOLING',
  'DATABASE_URI',
  'SQLALCHEMY_DATABASE_URI',
  'DB_CONNECTION_STRING',
  'DB_URI',
  'PGURL',
  'SPRING_DATASOURCE_URL',
  'MONGODB_URI',
  'MONGO_URI',
  'MONGO_URL',
  'MONGODB_URL',
];

/** URL variables whose user and password may be given beside them (a JDBC URL rarely carries them). */
export const URL_CREDENTIALS: Readonly<Record<string, { user: string; password: string }>> = {
  SPRING_DATASOURCE_URL: { user: 'SPRING_DATASOURCE_USERNAME', password: 'SPRING_DATASOURCE_PASSWORD' },
};
export const URL_VARIABLE_SUFFIX = /(^|_)(DATABASE_URL|DB_URL)$/;

/** A family of variables that name a database field by field. */
export interface FieldFamily {
  id: string;
  /** Variable whose value names the engine, and what each value means. */
  engineVariable?: { name: string; values: Record<string, EngineName | 'unsupported'> };
  /** The engine when the family implies one (libpq's PG*, MySQL's MYSQL_*). */
  engine?: EngineName;
  /** When `engineVariable` is unset: the engine the port implies, else `otherwise` (the host is judged either way). */
  engineWhenUnset?: { byPort: Readonly<Record<string, EngineName>>; otherwise: EngineName };
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
  {
    // Non-standard names seen in the wild (docker-compose setups, hand-written configs).
    id: 'DATABASE_*',
    engineVariable: {
      name: 'DATABASE_ENGINE',
      values: { postgres: 'postgres', postgresql: 'postgres', pgsql: 'postgres', mysql: 'mysql', mariadb: 'mysql', sqlite: 'sqlite', mongodb: 'mongodb' },
    },
    engineWhenUnset: { byPort: { '3306': 'mysql', '27017': 'mongodb' }, otherwise: 'postgres' },
    presentWhen: ['DATABASE_HOST', 'DATABASE_NAME'],
    host: ['DATABASE_HOST'],
    port: ['DATABASE_PORT'],
    database: ['DATABASE_NAME'],
    user: ['DATABASE_USER', 'DATABASE_USERNAME'],
    password: ['DATABASE_PASSWORD'],
    socket: [],
    sslMode: [],
    sslCert: [],
    sslKey: [],
    sslRootCert: [],
    defaults: {},
  },
  {
    id: 'PG_*',
    engine: 'postgres',
    presentWhen: ['PG_HOST', 'PG_DATABASE'],
    host: ['PG_HOST'],
    port: ['PG_PORT'],
    database: ['PG_DATABASE'],
    user: ['PG_USER', 'PG_USERNAME'],
    password: ['PG_PASSWORD'],
    socket: [],
    sslMode: [],
    sslCert: [],
    sslKey: [],
    sslRootCert: [],
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
    Object.values(URL_CREDENTIALS).some((names) => names.user === name || names.password === name) ||
    URL_VARIABLE_SUFFIX.test(name) ||
    FIELD_FAMILIES.some(
      (family) =>
        family.engineVariable?.name === name ||
        [family.host, family.port, family.database, family.user, family.password, family.socket].some((names) => names.includes(name)),
    )
  );
}
