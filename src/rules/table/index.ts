import type { CommandRule } from '../types.js';
import { CLIENT_RULES } from './clients.js';
import { COMPILED_RULES } from './compiled.js';
import { CONTAINER_RULES } from './containers.js';
import { ELIXIR_RULES } from './elixir.js';
import { GO_RULES } from './go.js';
import { NODE_RULES } from './node.js';
import { PHP_RULES } from './php.js';
import { PYTHON_RULES } from './python.js';
import { RUBY_RULES } from './ruby.js';

/** Every built-in command rule. A new tool is new rows in the file of its ecosystem. */
export const COMMAND_RULES: readonly CommandRule[] = [...NODE_RULES, ...PHP_RULES, ...RUBY_RULES, ...PYTHON_RULES, ...COMPILED_RULES, ...GO_RULES, ...ELIXIR_RULES, ...CLIENT_RULES, ...CONTAINER_RULES];

/**
 * Tools that take several tasks in one call (`rake db:drop db:create`,
 * `mvn clean verify`): every positional argument is judged and any guarded
 * task guards the call. Other tools have one subcommand, found at the first
 * positional argument a row recognises.
 */
export const MULTI_TASK_TOOLS: ReadonlySet<string> = new Set(['rails', 'rake', 'mvn', 'mvnw', 'gradle', 'gradlew', 'mix']);

/** Tools whose first word may pick a toolchain (`cargo +nightly test`): an option, never the subcommand. */
export const TOOLCHAIN_SELECTING_TOOLS: ReadonlySet<string> = new Set(['cargo', 'rustc', 'rustdoc']);

/** Tools whose only purpose is the database: a subcommand no row knows is guarded (fail closed). */
export const DATABASE_TOOLS: ReadonlySet<string> = new Set([
  'prisma', 'drizzle-kit', 'knex', 'sequelize', 'sequelize-cli', 'typeorm', 'typeorm-ts-node-commonjs', 'typeorm-ts-node-esm', 'mikro-orm', 'mikro-orm-esm',
  'node-pg-migrate', 'db-migrate', 'doctrine-migrations', 'alembic', 'migrate', 'goose', 'dbmate', 'atlas', 'flyway', 'liquibase', 'sqlx', 'diesel', 'sql-migrate', 'psqldef', 'mysqldef', 'sqlite3def', 'mssqldef',
  'yoyo', 'yoyo-migrate', 'sea-orm-cli',
]);

/**
 * Options that take a value, for tools whose subcommand comes after them
 * (`migrate -database "$URL" up`, `goose -dir db postgres "$DSN" up`): the
 * value is not mistaken for the subcommand.
 */
export const TOOL_VALUE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  migrate: ['-database', '-path', '-source', '-lock-timeout', '-prefetch', '-ext', '-dir', '-format', '-tz'],
  goose: ['-dir', '-table', '-certfile', '-ssl-cert', '-ssl-key'],
  dbmate: ['-e', '--env', '-d', '--migrations-dir', '-u', '--url', '-s', '--schema-file', '--migrations-table', '--wait-timeout'],
  atlas: ['-u', '--url', '--dir', '--env', '--dev-url', '--to', '--from', '--baseline', '--revisions-schema', '-c', '--config', '--format', '--schema', '--var', '--exclude', '--tx-mode', '--exec-order'],
  'sql-migrate': ['-config', '-env', '-limit'],
  sqlx: ['--database-url', '-D', '--source'],
  diesel: ['--database-url', '--migration-dir', '--config-file'],
  supabase: ['--db-url', '--workdir', '--project-ref', '-p', '--password', '--schema', '-s', '-f', '--file'],
  psql: ['-h', '--host', '-p', '--port', '-U', '--username', '-d', '--dbname', '-v', '--set', '--variable', '-o', '--output', '-P', '--pset', '-F', '-R'],
  mysql: ['-h', '--host', '-P', '--port', '-u', '--user', '-D', '--database', '-S', '--socket', '--default-character-set'],
  flyway: ['-configFiles', '-locations', '-url', '-user', '-password', '-schemas'],
  knex: ['--knexfile', '--cwd', '--env', '--migrations-directory', '--specific'],
  'sequelize-cli': ['--env', '--config', '--options-path', '--migrations-path', '--seeders-path', '--models-path', '--url', '--seed', '--name', '--to', '--from'],
  sequelize: ['--env', '--config', '--options-path', '--migrations-path', '--seeders-path', '--models-path', '--url', '--seed', '--name', '--to', '--from'],
  prisma: ['--schema', '--name', '-n', '--url', '--file', '--config', '--from-url', '--to-url'],
  'drizzle-kit': ['--config', '--dialect', '--schema', '--out', '--url'],
  yoyo: ['-d', '--database', '-c', '--config', '-m', '--message', '-r', '--revision', '--migration-table', '--batch-mode'],
  'sea-orm-cli': ['-d', '--migration-dir', '-u', '--database-url', '-s', '--database-schema', '-o', '--output-dir'],
  gradle: ['-x', '--exclude-task', '-p', '--project-dir', '-b', '--build-file', '-c', '--settings-file', '--init-script', '-I', '-g', '--gradle-user-home'],
  gradlew: ['-x', '--exclude-task', '-p', '--project-dir', '-b', '--build-file', '-c', '--settings-file', '--init-script', '-I', '-g', '--gradle-user-home'],
  mix: ['--only', '--exclude', '--include', '--seed', '--max-failures', '--partitions', '--repo', '-r', '--step', '-n', '--to'],
};
