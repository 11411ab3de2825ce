import type { CommandRule } from '../types.js';
import { CLIENT_RULES } from './clients.js';
import { COMPILED_RULES } from './compiled.js';
import { NODE_RULES } from './node.js';
import { PHP_RULES } from './php.js';
import { PYTHON_RULES } from './python.js';
import { RUBY_RULES } from './ruby.js';

/** Every built-in command rule. A new tool is new rows in the file of its ecosystem. */
export const COMMAND_RULES: readonly CommandRule[] = [...NODE_RULES, ...PHP_RULES, ...RUBY_RULES, ...PYTHON_RULES, ...COMPILED_RULES, ...CLIENT_RULES];

/**
 * Tools that take several tasks in one call (`rake db:drop db:create`,
 * `mvn clean verify`): every positional argument is judged and any guarded
 * task guards the call. Other tools have one subcommand, found at the first
 * positional argument a row recognises.
 */
export const MULTI_TASK_TOOLS: ReadonlySet<string> = new Set(['rails', 'rake', 'mvn', 'mvnw', 'gradle', 'gradlew', 'mix']);

/** Tools whose only purpose is the database: a subcommand no row knows is guarded (fail closed). */
export const DATABASE_TOOLS: ReadonlySet<string> = new Set([
  'prisma', 'drizzle-kit', 'knex', 'sequelize', 'sequelize-cli', 'typeorm', 'typeorm-ts-node-commonjs', 'typeorm-ts-node-esm', 'mikro-orm', 'mikro-orm-esm',
  'node-pg-migrate', 'db-migrate', 'doctrine-migrations', 'alembic', 'migrate', 'goose', 'dbmate', 'atlas', 'flyway', 'liquibase', 'sqlx', 'diesel',
]);
