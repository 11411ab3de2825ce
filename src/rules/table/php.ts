import type { CommandRule } from '../types.js';

/** PHP: Laravel's artisan, Symfony's console, Doctrine, and the test runners under vendor/bin. */
export const PHP_RULES: readonly CommandRule[] = [
  { id: 'artisan-migrate', tools: ['artisan'], args: ['migrate', 'migrate:*'], guard: true, kind: 'migration', reason: 'runs, rolls back or rebuilds migrations (migrate:fresh drops every table)' },
  { id: 'artisan-db-write', tools: ['artisan'], args: ['db:seed', 'db:wipe', 'db'], guard: true, kind: 'data', reason: 'seeds or wipes the database, or opens a database client' },
  { id: 'artisan-test', tools: ['artisan'], args: ['test', 'dusk', 'dusk:*'], guard: true, kind: 'test', reason: 'runs the test suite, which refreshes the configured database' },
  { id: 'app-console', tools: ['artisan'], args: ['tinker'], guard: true, kind: 'client', reason: 'opens the application console, where any row can be changed' },
  { id: 'artisan-read-only', tools: ['artisan'], args: ['migrate:status', 'db:show', 'db:table', 'db:monitor', 'make:*', 'schema:dump'], guard: false, kind: 'read-only', reason: 'reads the database or generates files' },
  {
    id: 'artisan-framework',
    tools: ['artisan'],
    args: [
      'key:generate', 'package:discover', 'cache:clear', 'clear-compiled', 'config:*', 'route:*', 'view:*', 'event:*', 'optimize', 'optimize:*', 'storage:link', 'storage:unlink', 'vendor:publish', 'lang:publish', 'stub:publish',
      'serve', 'about', 'list', 'env', 'inspire', 'down', 'up', 'schedule:list', 'schedule:work', 'queue:work', 'queue:listen', 'queue:restart', 'horizon', 'horizon:*', 'pail', 'reverb:start', 'octane:*',
      'ide-helper:*', 'boost:*', 'scout:*', 'icons:*', 'filament:*', 'livewire:*', 'sail:*', 'telescope:publish', 'ziggy:generate', 'wayfinder:generate', 'l5-swagger:generate', 'scribe:generate', 'passport:keys', 'sitemap:generate',
    ],
    guard: false,
    kind: 'read-only',
    reason: "clears or builds caches, publishes or generates files, or serves the app (the framework's own commands that touch no rows)",
  },

  { id: 'doctrine-write', tools: ['console'], args: ['doctrine:migrations:migrate', 'doctrine:migrations:execute', 'doctrine:migrations:rollup', 'doctrine:migrations:version', 'doctrine:migrations:sync-metadata-storage', 'doctrine:schema:update', 'doctrine:schema:drop', 'doctrine:schema:create', 'doctrine:fixtures:load', 'doctrine:database:drop', 'doctrine:database:create', 'doctrine:query:sql', 'dbal:run-sql'], guard: true, kind: 'migration', reason: 'migrates, rebuilds or loads fixtures into the database' },
  { id: 'doctrine-read-only', tools: ['console'], args: ['doctrine:migrations:status', 'doctrine:migrations:list', 'doctrine:migrations:diff', 'doctrine:migrations:generate', 'doctrine:migrations:up-to-date', 'doctrine:schema:validate', 'make:*'], guard: false, kind: 'generator', reason: 'generates files or reads migration status' },
  { id: 'doctrine-write', tools: ['doctrine-migrations'], args: ['migrate', 'execute', 'rollup', 'version', 'sync-metadata-storage', 'migrations:migrate', 'migrations:execute'], guard: true, kind: 'migration', reason: 'applies or rolls back migrations' },
  { id: 'doctrine-write', tools: ['doctrine'], args: ['orm:schema-tool:*', 'dbal:run-sql'], guard: true, kind: 'migration', reason: 'creates, updates or drops the schema, or runs SQL' },

  { id: 'php-test-runner', tools: ['phpunit', 'pest', 'paratest', 'codecept', 'behat'], always: true, guard: true, kind: 'test', reason: 'runs a test suite, which usually refreshes or truncates the test database' },
];
