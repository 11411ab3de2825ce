import type { CommandRule } from '../types.js';

/** Go, Rust, Elixir, .NET and JVM build tools, and the stand-alone migration tools they use. */
export const COMPILED_RULES: readonly CommandRule[] = [
  { id: 'go-test', tools: ['go'], args: ['test'], guard: true, kind: 'test', reason: 'runs the Go tests, which often use the configured database' },
  { id: 'cargo-test', tools: ['cargo'], args: ['test', 'nextest'], guard: true, kind: 'test', reason: 'runs the Rust tests, which often use the configured database' },
  { id: 'mix-test', tools: ['mix'], args: ['test'], guard: true, kind: 'test', reason: 'runs the Elixir tests, which use the test database' },
  { id: 'mix-ecto', tools: ['mix'], args: ['ecto.*'], guard: true, kind: 'migration', reason: 'migrates, rolls back, resets or drops the database' },
  { id: 'mix-ecto-read-only', tools: ['mix'], args: ['ecto.gen.*', 'ecto.migrations', 'ecto.dump'], guard: false, kind: 'generator', reason: 'generates a migration or reads migration state' },
  { id: 'dotnet-test', tools: ['dotnet'], args: ['test'], guard: true, kind: 'test', reason: 'runs the .NET tests, which often use the configured database' },
  { id: 'dotnet-ef-write', tools: ['dotnet'], args: ['ef database update', 'ef database drop'], guard: true, kind: 'migration', reason: 'applies migrations to, or drops, the database' },
  { id: 'dotnet-ef-read-only', tools: ['dotnet'], args: ['ef migrations add', 'ef migrations list', 'ef migrations script', 'ef migrations remove', 'ef dbcontext *'], guard: false, kind: 'generator', reason: 'generates migration code or scripts; nothing is applied' },
  { id: 'jvm-build-test', tools: ['mvn', 'mvnw', 'gradle', 'gradlew'], args: ['test', 'verify', 'package', 'install', 'deploy', 'integration-test', 'check', 'build', 'integrationTest', '*:test', '*:check', '*:build'], guard: true, kind: 'test', reason: 'runs the test phase, whose tests often use the configured database' },
  { id: 'jvm-build-migrate', tools: ['mvn', 'mvnw', 'gradle', 'gradlew'], args: ['flyway:*', 'liquibase:*', 'sql:execute', 'flyway*', 'update', 'dropAll', 'rollback*'], guard: true, kind: 'migration', reason: 'runs Flyway or Liquibase against the database' },
  { id: 'jvm-build-read-only', tools: ['mvn', 'mvnw', 'gradle', 'gradlew'], args: ['flyway:info', 'flyway:validate', 'flywayInfo', 'flywayValidate', 'liquibase:status', 'liquibase:diff', 'liquibase:updateSQL'], guard: false, kind: 'read-only', reason: 'reads migration state' },

  { id: 'golang-migrate', tools: ['migrate'], args: ['up', 'down', 'drop', 'force', 'goto'], guard: true, kind: 'migration', reason: 'applies, rolls back or drops migrations' },
  { id: 'goose', tools: ['goose'], args: ['up', 'up-by-one', 'up-to', 'down', 'down-to', 'redo', 'reset'], guard: true, kind: 'migration', reason: 'applies, rolls back or resets migrations' },
  { id: 'dbmate', tools: ['dbmate'], args: ['up', 'migrate', 'down', 'rollback', 'drop', 'create', 'load'], guard: true, kind: 'migration', reason: 'migrates, rolls back, creates, loads or drops the database' },
  { id: 'atlas', tools: ['atlas'], args: ['schema apply', 'schema clean', 'migrate apply', 'migrate down', 'migrate set'], guard: true, kind: 'migration', reason: 'applies schema changes or migrations to the database' },
  { id: 'flyway', tools: ['flyway'], args: ['migrate', 'clean', 'repair', 'baseline', 'undo'], guard: true, kind: 'migration', reason: 'migrates, cleans (drops everything), repairs or baselines the database' },
  { id: 'liquibase', tools: ['liquibase'], args: ['update', 'update-count', 'update-to-tag', 'update-testing-rollback', 'updateCount', 'rollback', 'rollback-count', 'rollback-to-date', 'rollback-one-*', 'rollbackCount', 'drop-all', 'dropAll', 'execute-sql', 'changelog-sync', 'changelog-sync-to-tag', 'clear-checksums', 'release-locks', 'tag', 'mark-next-changeset-ran'], guard: true, kind: 'migration', reason: 'applies, rolls back or drops changes in the database' },
  { id: 'sqlx', tools: ['sqlx'], args: ['migrate run', 'migrate revert', 'database reset', 'database drop', 'database setup', 'database create'], guard: true, kind: 'migration', reason: 'applies or reverts migrations, or resets the database' },
  { id: 'diesel', tools: ['diesel'], args: ['migration run', 'migration redo', 'migration revert', 'database reset', 'database drop', 'database setup', 'setup'], guard: true, kind: 'migration', reason: 'applies or reverts migrations, or resets the database' },
  { id: 'migration-tool-read-only', tools: ['migrate', 'goose', 'dbmate', 'atlas', 'flyway', 'liquibase', 'sqlx', 'diesel'], args: ['create', 'new', 'version', 'status', 'info', 'validate', 'fix', 'wait', 'dump', 'history', 'diff', 'generate-changelog', '*-sql', 'schema inspect', 'schema diff', 'migrate diff', 'migrate status', 'migrate lint', 'migrate new', 'migrate hash', 'migrate validate', 'migrate add', 'migrate info', 'migration generate', 'migration list', 'migration pending', 'print-schema', 'prepare'], guard: false, kind: 'read-only', reason: 'creates migration files or reads migration state' },
];
