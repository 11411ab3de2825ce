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

  // Before doctrine-write: on an equal match the earlier row decides, so a dry run without --force passes.
  { id: 'migration-dry-run', tools: ['console'], args: ['doctrine:schema:update', 'doctrine:schema:create', 'doctrine:schema:drop'], ifFlags: ['--dump-sql'], unlessFlags: ['--force', '-f'], guard: false, kind: 'read-only', reason: '--dump-sql without --force prints the SQL and runs none' },
  { id: 'migration-dry-run', tools: ['console'], args: ['doctrine:migrations:migrate', 'doctrine:migrations:execute'], ifFlags: ['--dry-run', '--write-sql'], guard: false, kind: 'read-only', reason: 'a dry run (or --write-sql) prints or writes the SQL and runs none' },
  { id: 'doctrine-write', tools: ['console'], args: ['doctrine:migrations:migrate', 'doctrine:migrations:execute', 'doctrine:migrations:rollup', 'doctrine:migrations:version', 'doctrine:migrations:sync-metadata-storage', 'doctrine:schema:update', 'doctrine:schema:drop', 'doctrine:schema:create', 'doctrine:fixtures:load', 'doctrine:database:drop', 'doctrine:database:create', 'doctrine:query:sql', 'dbal:run-sql'], guard: true, kind: 'migration', reason: 'migrates, rebuilds or loads fixtures into the database' },
  // `bin/console wallabag:install`, `sylius:install`, `kimai:install`: an application's installer creates the schema and the first rows.
  { id: 'app-install', tools: ['console'], args: ['*:install', 'install', '*:install:database', '*:install:db', '*:install:schema', '*:install:sample-data', '*:install:fixtures', '*:install:data', '*:install:setup'], guard: true, kind: 'migration', reason: "runs the application's installer, which creates the database schema and its first rows" },
  { id: 'console-files-only', tools: ['console'], args: ['assets:install', 'importmap:install', 'ckeditor:install', 'elfinder:install', 'tailwind:install', 'sass:install', 'ux:icons:install', 'fos:js-routing:dump', 'cache:*', 'lint:*', 'debug:*', 'secrets:*', 'asset-map:compile'], guard: false, kind: 'read-only', reason: 'installs or builds assets, clears caches or lints files; the database is not touched' },
  { id: 'doctrine-read-only', tools: ['console'], args: ['doctrine:migrations:status', 'doctrine:migrations:list', 'doctrine:migrations:diff', 'doctrine:migrations:generate', 'doctrine:migrations:up-to-date', 'doctrine:schema:validate', 'make:*'], guard: false, kind: 'generator', reason: 'generates files or reads migration status' },
  { id: 'doctrine-write', tools: ['doctrine-migrations'], args: ['migrate', 'execute', 'rollup', 'version', 'sync-metadata-storage', 'migrations:migrate', 'migrations:execute'], guard: true, kind: 'migration', reason: 'applies or rolls back migrations' },
  { id: 'doctrine-write', tools: ['doctrine'], args: ['orm:schema-tool:*', 'dbal:run-sql'], guard: true, kind: 'migration', reason: 'creates, updates or drops the schema, or runs SQL' },

  { id: 'php-test-runner', tools: ['phpunit', 'pest', 'paratest', 'codecept', 'behat'], always: true, guard: true, kind: 'test', reason: 'runs a test suite, which usually refreshes or truncates the test database' },
];
