import type { CommandRule } from '../types.js';

const TEST_RUN = 'runs a test suite, which usually writes to (and often truncates) the database it is configured for';

/** JavaScript and TypeScript tools (reached through npx, pnpm exec, bunx, yarn dlx, node_modules/.bin or a script). */
export const NODE_RULES: readonly CommandRule[] = [
  { id: 'js-test-runner', tools: ['jest', 'vitest', 'mocha', 'ava', 'tap', 'jasmine', 'cucumber-js', 'nyc', 'c8'], always: true, guard: true, kind: 'test', reason: TEST_RUN },
  { id: 'js-test-runner', tools: ['node', 'deno'], flags: ['--test'], guard: true, kind: 'test', reason: TEST_RUN },
  { id: 'js-test-runner', tools: ['deno'], args: ['test'], guard: true, kind: 'test', reason: TEST_RUN },
  { id: 'e2e-test-runner', tools: ['playwright'], args: ['test'], guard: true, kind: 'test', reason: 'runs end-to-end tests against the running application and its database' },
  { id: 'e2e-test-runner', tools: ['cypress'], args: ['run'], guard: true, kind: 'test', reason: 'runs end-to-end tests against the running application and its database' },
  { id: 'browser-setup', tools: ['cypress'], args: ['open', 'install', 'verify', 'info', 'version', 'cache'], guard: false, kind: 'read-only', reason: 'opens the interactive runner (no test runs until one is chosen there), or installs or checks Cypress' },
  { id: 'browser-setup', tools: ['playwright'], args: ['install', 'install-deps', 'uninstall', 'codegen', 'show-report', 'show-trace', 'merge-reports'], guard: false, kind: 'read-only', reason: 'downloads browsers, records a test or shows a report; no test runs' },
  { id: 'browser-test-runner', tools: ['react-scripts'], args: ['test'], guard: false, kind: 'test', reason: "runs a Create React App's front-end tests in a simulated browser (jsdom), which reaches no database" },
  { id: 'browser-test-runner', tools: ['karma'], always: true, guard: false, kind: 'test', reason: 'runs front-end unit tests inside a browser, which reaches no database' },

  // Before prisma-migrate: on an equal match the earlier row decides.

  { id: 'prisma-migrate', tools: ['prisma'], args: ['migrate dev', 'migrate reset', 'migrate deploy', 'migrate resolve'], guard: true, kind: 'migration', reason: 'applies, resets or rewrites migrations in the database (reset drops every table)' },
  { id: 'prisma-db-write', tools: ['prisma'], args: ['db push', 'db seed', 'db execute'], guard: true, kind: 'data', reason: 'changes the schema or data of the database directly' },
  { id: 'prisma-studio', tools: ['prisma'], args: ['studio'], guard: true, kind: 'client', reason: 'opens a data editor in which any row can be changed or deleted' },
  { id: 'prisma-read-only', tools: ['prisma'], args: ['migrate status', 'migrate diff', 'db pull', 'introspect', 'generate', 'format', 'validate', 'init', 'version', 'debug'], guard: false, kind: 'read-only', reason: 'generates code or reads the schema; no data is changed' },

  { id: 'drizzle-write', tools: ['drizzle-kit'], args: ['push', 'push:*', 'migrate', 'up', 'up:*'], guard: true, kind: 'migration', reason: 'applies schema changes or migrations to the database' },
  { id: 'drizzle-studio', tools: ['drizzle-kit'], args: ['studio'], guard: true, kind: 'client', reason: 'opens a data editor in which any row can be changed or deleted' },
  { id: 'drizzle-files-only', tools: ['drizzle-kit'], args: ['generate', 'generate:*', 'check', 'check:*', 'drop', 'introspect', 'introspect:*', 'pull', 'export'], guard: false, kind: 'generator', reason: 'writes or checks migration files (drop deletes a migration file); the database is not changed' },

  { id: 'knex-migrate', tools: ['knex'], args: ['migrate:latest', 'migrate:rollback', 'migrate:up', 'migrate:down', 'migrate:unlock', 'migrate:fresh'], guard: true, kind: 'migration', reason: 'applies or rolls back migrations' },
  { id: 'knex-seed', tools: ['knex'], args: ['seed:run'], guard: true, kind: 'data', reason: 'runs seed files, which usually delete and re-insert rows' },
  { id: 'knex-generator', tools: ['knex'], args: ['migrate:make', 'seed:make', 'migrate:status', 'migrate:currentVersion', 'migrate:list', 'init'], guard: false, kind: 'generator', reason: 'creates a migration or seed file, or reads migration status' },

  { id: 'sequelize-write', tools: ['sequelize', 'sequelize-cli'], args: ['db:*'], guard: true, kind: 'migration', reason: 'migrates, seeds, creates or drops the database' },
  { id: 'sequelize-read-only', tools: ['sequelize', 'sequelize-cli'], args: ['db:migrate:status', 'migration:*', 'model:*', 'seed:generate', 'seed:create', 'init', 'init:*'], guard: false, kind: 'generator', reason: 'generates files or reads migration status' },

  { id: 'typeorm-write', tools: ['typeorm', 'typeorm-ts-node-commonjs', 'typeorm-ts-node-esm'], args: ['migration:run', 'migration:revert', 'schema:sync', 'schema:drop', 'query', 'cache:clear'], guard: true, kind: 'migration', reason: 'runs migrations, synchronises or drops the schema, or runs a query' },
  { id: 'typeorm-read-only', tools: ['typeorm', 'typeorm-ts-node-commonjs', 'typeorm-ts-node-esm'], args: ['migration:generate', 'migration:create', 'migration:show', 'schema:log', 'entity:create', 'subscriber:create', 'init', 'version'], guard: false, kind: 'generator', reason: 'generates files or reads the schema' },

  { id: 'mikro-orm-write', tools: ['mikro-orm', 'mikro-orm-esm'], args: ['migration:up', 'migration:down', 'migration:fresh', 'schema:create', 'schema:update', 'schema:drop', 'schema:fresh', 'seeder:run', 'database:import', 'database:create'], guard: true, kind: 'migration', reason: 'migrates, rebuilds or seeds the database' },
  { id: 'mikro-orm-read-only', tools: ['mikro-orm', 'mikro-orm-esm'], args: ['migration:create', 'migration:list', 'migration:pending', 'migration:check', 'seeder:create', 'generate-entities', 'cache:*', 'debug', 'discovery:export'], guard: false, kind: 'generator', reason: 'generates files or reads migration status' },

  { id: 'node-pg-migrate', tools: ['node-pg-migrate'], args: ['up', 'down', 'redo'], guard: true, kind: 'migration', reason: 'applies or rolls back migrations' },
  { id: 'db-migrate', tools: ['db-migrate'], args: ['up', 'down', 'reset', 'db:*'], guard: true, kind: 'migration', reason: 'applies, rolls back or resets migrations, or creates/drops a database' },
  { id: 'migration-file-generator', tools: ['node-pg-migrate', 'db-migrate'], args: ['create'], guard: false, kind: 'generator', reason: 'creates a migration file' },
];
