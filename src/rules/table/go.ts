import type { CommandRule } from '../types.js';

const SQLDEF = ['psqldef', 'mysqldef', 'sqlite3def', 'mssqldef'];

/** Go's toolchain and the Go-built migration and platform tools not in compiled.ts: sql-migrate, sqldef, the Supabase CLI. */
export const GO_RULES: readonly CommandRule[] = [
  { id: 'go-read-only', tools: ['go'], args: ['build', 'install', 'vet', 'fmt', 'mod', 'generate', 'get', 'env', 'version', 'list', 'tool', 'work', 'clean', 'doc', 'fix'], guard: false, kind: 'read-only', reason: 'builds or inspects Go code; no test suite runs' },
  { id: 'go-run-database-program', tools: ['go'], args: ['run *migrat*', 'run *seed*', 'run *dbsetup*', 'run *setupdb*', 'run *initdb*', 'run *dbinit*'], guard: true, kind: 'migration', reason: 'runs a program whose path says it migrates, seeds or sets up the database' },

  { id: 'sql-migrate', tools: ['sql-migrate'], args: ['up', 'down', 'redo', 'skip'], guard: true, kind: 'migration', reason: 'applies, rolls back or skips migrations' },
  { id: 'sql-migrate-read-only', tools: ['sql-migrate'], args: ['new', 'status'], guard: false, kind: 'generator', reason: 'creates a migration file or reads migration status' },

  { id: 'sqldef-dry-run', tools: SQLDEF, flags: ['--dry-run', '--export'], guard: false, kind: 'read-only', reason: 'prints the schema or the statements it would run; nothing is applied' },
  { id: 'sqldef-apply', tools: SQLDEF, always: true, guard: true, kind: 'migration', reason: 'applies a schema file to the database, altering (and with --enable-drop, dropping) what differs' },

  { id: 'supabase-db-write', tools: ['supabase'], args: ['db reset', 'db push', 'db seed', 'migration up', 'migration down', 'migration repair', 'migration squash', 'seed *', 'test db'], guard: true, kind: 'migration', reason: 'resets, migrates or seeds the database, or runs database tests in it' },
  { id: 'supabase-read-only', tools: ['supabase'], args: ['start', 'stop', 'status', 'gen', 'db diff', 'db pull', 'db dump', 'db lint', 'db start', 'migration new', 'migration list', 'migration fetch', 'functions', 'link', 'unlink', 'login', 'logout', 'init', 'projects', 'secrets', 'inspect', 'orgs', 'services'], guard: false, kind: 'read-only', reason: 'starts or stops the local stack, generates files or reads state' },
];
