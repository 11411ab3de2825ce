import type { CommandRule } from '../types.js';

/** Ruby: rails and rake tasks (several per invocation), rspec. */
export const RUBY_RULES: readonly CommandRule[] = [
  { id: 'rails-db', tools: ['rails', 'rake'], args: ['db:*', 'dbconsole', 'db'], guard: true, kind: 'migration', reason: 'migrates, seeds, resets or drops the database, or opens a database client' },
  { id: 'rails-db-read-only', tools: ['rails', 'rake'], args: ['db:migrate:status', 'db:version', 'db:schema:dump', 'db:structure:dump', 'db:abort_if_pending_migrations', 'db:schema:cache:dump', 'db:system:change'], guard: false, kind: 'read-only', reason: 'reads the database or writes a schema file' },
  { id: 'rails-test', tools: ['rails', 'rake'], args: ['test', 'test:*', 'spec', 'spec:*', 'default', 'parallel:*', 'knapsack:*', 'knapsack_pro:*'], guard: true, kind: 'test', reason: 'runs the test suite, which loads the schema into and truncates the test database' },
  { id: 'rails-generator', tools: ['rails'], args: ['generate', 'g', 'destroy', 'd', 'new', 'server', 's'], guard: false, kind: 'generator', reason: 'generates files or serves the app; no migration or test run' },
  {
    id: 'rails-read-only-task',
    tools: ['rails', 'rake'],
    args: [
      'assets:*', 'routes', 'stats', 'notes', 'notes:*', 'about', 'secret', 'middleware', 'initializers', 'environment', 'restart', 'time:zones', 'time:zones:*', 'tmp:*', 'log:*', 'zeitwerk:check',
      'credentials:*', 'secrets:*', 'encrypted:*', 'app:update', 'app:template', 'app:binstub:*', 'yarn:install', 'javascript:*', 'css:*', 'tailwindcss:*', 'dartsass:*', 'importmap:*', 'webpacker:*', 'shakapacker:*',
      'vite:*', 'rails:update:*', 'app:update:*', 'webdrivers:*', 'cache_digests:*', 'active_storage:install', 'action_text:install', 'action_mailbox:install', 'railties:install:migrations', '*:install:migrations', 'stimulus:install', 'turbo:install',
      'rubocop', 'rubocop:*', 'bundle:audit', 'bundle:audit:*', 'bundler:audit', 'bundler:audit:*', 'brakeman', 'brakeman:*', 'erb_lint', 'erblint', 'haml_lint', 'eslint', 'stylelint', 'yard', 'doc:*', 'js:routes', 'js:routes:*',
    ],
    guard: false,
    kind: 'read-only',
    reason: "compiles assets, lints, prints the app's routes or statistics, or generates files; no migration, seed or test run",
  },
  { id: 'rails-job-queue', tools: ['rails', 'rake'], args: ['jobs:clear'], guard: true, kind: 'data', reason: 'deletes every queued job row (delayed_job)' },
  { id: 'app-console', tools: ['rails'], args: ['console', 'c', 'runner', 'r'], guard: true, kind: 'client', reason: 'opens the application console or runs code in the application, where any row can be changed' },
  { id: 'ruby-test-runner', tools: ['rspec', 'cucumber', 'minitest', 'parallel_rspec', 'parallel_test', 'parallel_cucumber', 'turbo_rspec'], always: true, guard: true, kind: 'test', reason: 'runs a test suite, which usually truncates the test database' },
];
