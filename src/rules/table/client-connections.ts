import type { ClientConnection, ConnectionSetting } from '../types.js';

/**
 * How each database client is told which database to connect to: options
 * naming a connection setting, other options that take a value (so their
 * value is not read as a positional), and what the positionals mean, in
 * order (`ignore` for positionals that are not connection settings).
 * A `database` positional or option may also hold a URL or, for libpq, a
 * `key=value` connection string: src/target reads those.
 */
export interface ClientConnectionRule {
  tools: readonly string[];
  engine: ClientConnection['engine'];
  options: Readonly<Record<string, ConnectionSetting>>;
  valueOptions: readonly string[];
  positionals: ReadonlyArray<ConnectionSetting | 'ignore'>;
  /** Short options take their value attached (`-hprod`, `-P3306`) as well as in the next word. */
  attachedShortValues?: boolean;
  /** Short options whose value can only be attached (`mysql -pSECRET`; a bare `-p` prompts). */
  attachedOnly?: readonly string[];
}

const LIBPQ_OPTIONS: Record<string, ConnectionSetting> = {
  '-h': 'host',
  '--host': 'host',
  '-p': 'port',
  '--port': 'port',
  '-U': 'user',
  '--username': 'user',
  '-d': 'database',
  '--dbname': 'database',
};

const MYSQL_OPTIONS: Record<string, ConnectionSetting> = {
  '-h': 'host',
  '--host': 'host',
  '-P': 'port',
  '--port': 'port',
  '-u': 'user',
  '--user': 'user',
  '-D': 'database',
  '--database': 'database',
  '-S': 'socket',
  '--socket': 'socket',
  '--defaults-file': 'options-file',
  '--defaults-extra-file': 'options-file',
  '--login-path': 'options-file',
};

const MONGO_OPTIONS: Record<string, ConnectionSetting> = {
  '--host': 'host',
  '--port': 'port',
  '-u': 'user',
  '--username': 'user',
  '--uri': 'url',
  '-d': 'database',
  '--db': 'database',
};

const PG_DUMP_VALUE_OPTIONS = ['-f', '--file', '-F', '--format', '-j', '--jobs', '-n', '--schema', '-N', '--exclude-schema', '-t', '--table', '-T', '--exclude-table', '--trigger', '-Z', '--compress', '-E', '--encoding', '-e', '--extension', '-S', '--superuser', '--role', '-L', '--use-list', '-I', '--index', '-P', '--function', '--section', '--exclude-table-data', '--lock-wait-timeout'];
const CREATEDB_VALUE_OPTIONS = ['-D', '--tablespace', '-E', '--encoding', '-l', '--locale', '--lc-collate', '--lc-ctype', '-O', '--owner', '-T', '--template', '--maintenance-db', '-S', '--strategy'];

export const CLIENT_CONNECTION_RULES: readonly ClientConnectionRule[] = [
  {
    tools: ['psql', 'pgcli'],
    engine: 'postgres',
    options: LIBPQ_OPTIONS,
    valueOptions: ['-c', '--command', '-f', '--file', '-v', '--set', '--variable', '-o', '--output', '-L', '--log-file', '-P', '--pset', '-F', '--field-separator', '-R', '--record-separator', '-T', '--table-attr', '-D', '--dsn'],
    positionals: ['database', 'user'],
    attachedShortValues: true,
  },
  { tools: ['pg_dump', 'pg_dumpall', 'vacuumdb', 'reindexdb', 'clusterdb'], engine: 'postgres', options: LIBPQ_OPTIONS, valueOptions: PG_DUMP_VALUE_OPTIONS, positionals: ['database'], attachedShortValues: true },
  // pg_restore's positional is the dump file; it connects only with -d.
  { tools: ['pg_restore'], engine: 'postgres', options: LIBPQ_OPTIONS, valueOptions: PG_DUMP_VALUE_OPTIONS, positionals: ['ignore'], attachedShortValues: true },
  { tools: ['createdb', 'dropdb'], engine: 'postgres', options: LIBPQ_OPTIONS, valueOptions: CREATEDB_VALUE_OPTIONS, positionals: ['database', 'ignore'], attachedShortValues: true },
  {
    tools: ['mysql', 'mariadb', 'mycli', 'mysqldump', 'mariadb-dump', 'mysqlimport', 'mariadb-import', 'mysqlcheck', 'mariadb-check'],
    engine: 'mysql',
    options: MYSQL_OPTIONS,
    valueOptions: ['-e', '--execute', '--default-character-set', '--protocol', '-r', '--result-file', '--tables', '--where', '-w', '--ignore-table', '--init-command', '--ssl-ca', '--ssl-cert', '--ssl-key', '--ssl-mode', '--plugin-dir', '--default-auth', '--tee', '--pager', '--prompt'],
    positionals: ['database'],
    attachedShortValues: true,
    attachedOnly: ['-p'],
  },
  // `mysqladmin drop NAME`, `create NAME`: the database is the word after the command.
  { tools: ['mysqladmin', 'mariadb-admin'], engine: 'mysql', options: MYSQL_OPTIONS, valueOptions: ['--protocol'], positionals: ['ignore', 'database'], attachedShortValues: true, attachedOnly: ['-p'] },
  {
    tools: ['mongosh', 'mongo'],
    engine: 'mongodb',
    options: MONGO_OPTIONS,
    valueOptions: ['--eval', '-f', '--file', '-p', '--password', '--authenticationDatabase', '--authenticationMechanism', '--tlsCAFile', '--tlsCertificateKeyFile', '--apiVersion'],
    positionals: ['url'],
  },
  {
    tools: ['mongorestore', 'mongodump', 'mongoimport', 'mongoexport'],
    engine: 'mongodb',
    options: MONGO_OPTIONS,
    valueOptions: ['-p', '--password', '--archive', '--nsInclude', '--nsExclude', '--nsFrom', '--nsTo', '-c', '--collection', '--authenticationDatabase', '--file', '--type', '-q', '--query', '-o', '--out', '--gzip'],
    positionals: ['ignore'],
  },
  {
    tools: ['sqlite3', 'litecli'],
    engine: 'sqlite',
    options: {},
    valueOptions: ['-cmd', '-init', '-separator', '-newline', '-nullvalue', '-vfs', '-maxsize', '-mmap', '-pagecache', '-lookaside', '-heap', '-A', '--archive'],
    positionals: ['file'],
  },
  // usql's first positional is a URL of any engine; only the URL says which.
  { tools: ['usql'], engine: 'postgres', options: {}, valueOptions: ['-c', '--command', '-f', '--file', '-o', '--out', '-v', '--set', '-P', '--pset'], positionals: ['url'] },
];
