import type { CommandRule } from '../types.js';

const SQL_CLIENTS = ['psql', 'mysql', 'mariadb', 'sqlite3', 'mongosh', 'mongo', 'pgcli', 'mycli', 'litecli', 'usql', 'mysqlsh'];

/**
 * Raw database clients. An interactive session is guarded too: it can run
 * any statement, and dbsafe cannot see what will be typed.
 */
export const CLIENT_RULES: readonly CommandRule[] = [
  { id: 'sql-client-list', tools: ['psql'], flags: ['-l', '--list'], guard: false, kind: 'read-only', reason: 'lists the databases and exits' },
  { id: 'sql-client-statement', tools: SQL_CLIENTS, flags: ['-c', '--command', '-e', '--execute', '--eval', '-cmd'], guard: true, kind: 'client', reason: 'runs the statements given on the command line' },
  { id: 'sql-client-script', tools: SQL_CLIENTS, flags: ['-f', '--file', '-init', '--init'], guard: true, kind: 'client', reason: 'runs the statements of a script file' },
  { id: 'sql-client-script', tools: SQL_CLIENTS, stdin: true, guard: true, kind: 'client', reason: 'runs the statements fed on standard input' },
  { id: 'sql-client-statement', tools: ['sqlite3'], args: ['* *'], guard: true, kind: 'client', reason: 'runs the statements given after the database file' },
  { id: 'sql-client-interactive', tools: SQL_CLIENTS, always: true, guard: true, kind: 'client', reason: 'opens an interactive session that can run any statement' },

  { id: 'db-restore', tools: ['pg_restore'], flags: ['-d', '--dbname'], guard: true, kind: 'data', reason: 'restores a dump into a database, replacing its objects (without -d it only prints SQL)' },
  { id: 'db-restore', tools: ['mongorestore', 'mysqlimport', 'mariadb-import'], always: true, guard: true, kind: 'data', reason: 'loads data into a database' },
  { id: 'pgbench-init', tools: ['pgbench'], flags: ['-i', '--initialize'], guard: true, kind: 'data', reason: 'creates and fills the benchmark tables, dropping any that exist' },
  { id: 'db-drop', tools: ['dropdb'], always: true, guard: true, kind: 'data', reason: 'drops a database' },
  { id: 'db-create', tools: ['createdb'], always: true, guard: true, kind: 'data', reason: 'creates a database on the server' },
  { id: 'db-drop', tools: ['mysqladmin', 'mariadb-admin'], args: ['drop'], guard: true, kind: 'data', reason: 'drops a database' },
];
