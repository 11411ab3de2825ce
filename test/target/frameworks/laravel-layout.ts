/**
 * A Laravel 11 project as `composer create-project laravel/laravel` writes it,
 * trimmed to the files dbsafe reads. Shapes follow laravel/laravel (11.x):
 * composer.json, .env.example → .env, phpunit.xml (the DB_* lines commented
 * out), config/database.php (env('DB_CONNECTION', 'sqlite'), database_path()).
 */
export const LARAVEL_COMPOSER = JSON.stringify(
  {
    name: 'laravel/laravel',
    type: 'project',
    require: { php: '^8.2', 'laravel/framework': '^11.9', 'laravel/tinker': '^2.9' },
    'require-dev': { 'phpunit/phpunit': '^11.0.1' },
    scripts: { test: ['@php artisan config:clear --ansi', '@php artisan test'] },
  },
  null,
  4,
);

export const LARAVEL_ARTISAN = `#!/usr/bin/env php
<?php

use Symfony\\Component\\Console\\Input\\ArgvInput;

define('LARAVEL_START', microtime(true));

require __DIR__.'/vendor/autoload.php';

$status = (require_once __DIR__.'/bootstrap/app.php')
    ->handleCommand(new ArgvInput);

exit($status);
`;

export function laravelDotenv(db: string): string {
  return `APP_NAME=Laravel
APP_ENV=local
APP_KEY=base64:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
APP_DEBUG=true
APP_TIMEZONE=UTC
APP_URL=http://localhost

LOG_CHANNEL=stack
LOG_LEVEL=debug

${db}

SESSION_DRIVER=database
QUEUE_CONNECTION=database
CACHE_STORE=database
`;
}

export const LARAVEL_SQLITE_DB = `DB_CONNECTION=sqlite
# DB_HOST=127.0.0.1
# DB_PORT=3306
# DB_DATABASE=laravel
# DB_USERNAME=root
# DB_PASSWORD=`;

export function laravelPhpunitXml(extraEnv = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<phpunit xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:noNamespaceSchemaLocation="vendor/phpunit/phpunit/phpunit.xsd"
         bootstrap="vendor/autoload.php"
         colors="true"
>
    <testsuites>
        <testsuite name="Unit">
            <directory>tests/Unit</directory>
        </testsuite>
        <testsuite name="Feature">
            <directory>tests/Feature</directory>
        </testsuite>
    </testsuites>
    <source>
        <include>
            <directory>app</directory>
        </include>
    </source>
    <php>
        <env name="APP_ENV" value="testing"/>
        <env name="BCRYPT_ROUNDS" value="4"/>
        <env name="CACHE_STORE" value="array"/>
        <!-- <env name="DB_CONNECTION" value="sqlite"/> -->
        <!-- <env name="DB_DATABASE" value=":memory:"/> -->
        <env name="MAIL_MAILER" value="array"/>
        <env name="QUEUE_CONNECTION" value="sync"/>
        <env name="SESSION_DRIVER" value="array"/>
${extraEnv}    </php>
</phpunit>
`;
}

/** config/database.php in Laravel 11's shape, the connections dbsafe reads (redis and the comments left out). */
export const LARAVEL_DATABASE_PHP = `<?php

use Illuminate\\Support\\Str;

return [

    /*
    | Default Database Connection Name
    */

    'default' => env('DB_CONNECTION', 'sqlite'),

    'connections' => [

        'sqlite' => [
            'driver' => 'sqlite',
            'url' => env('DB_URL'),
            'database' => env('DB_DATABASE', database_path('database.sqlite')),
            'prefix' => '',
            'foreign_key_constraints' => env('DB_FOREIGN_KEYS', true),
        ],

        'mysql' => [
            'driver' => 'mysql',
            'url' => env('DB_URL'),
            'host' => env('DB_HOST', '127.0.0.1'),
            'port' => env('DB_PORT', '3306'),
            'database' => env('DB_DATABASE', 'laravel'),
            'username' => env('DB_USERNAME', 'root'),
            'password' => env('DB_PASSWORD', ''),
            'unix_socket' => env('DB_SOCKET', ''),
            'charset' => env('DB_CHARSET', 'utf8mb4'),
            'prefix_indexes' => true,
            'strict' => true,
            'engine' => null,
            'options' => extension_loaded('pdo_mysql') ? array_filter([
                PDO::MYSQL_ATTR_SSL_CA => env('MYSQL_ATTR_SSL_CA'),
            ]) : [],
        ],

        'mariadb' => [
            'driver' => 'mariadb',
            'url' => env('DB_URL'),
            'host' => env('DB_HOST', '127.0.0.1'),
            'port' => env('DB_PORT', '3306'),
            'database' => env('DB_DATABASE', 'laravel'),
            'username' => env('DB_USERNAME', 'root'),
            'password' => env('DB_PASSWORD', ''),
            'unix_socket' => env('DB_SOCKET', ''),
        ],

        'pgsql' => [
            'driver' => 'pgsql',
            'url' => env('DB_URL'),
            'host' => env('DB_HOST', '127.0.0.1'),
            'port' => env('DB_PORT', '5432'),
            'database' => env('DB_DATABASE', 'laravel'),
            'username' => env('DB_USERNAME', 'root'),
            'password' => env('DB_PASSWORD', ''),
            'search_path' => 'public',
            'sslmode' => 'prefer',
        ],

    ],

    'migrations' => [
        'table' => 'migrations',
        'update_date_on_publish' => true,
    ],

    'redis' => [
        'options' => [
            'prefix' => env('REDIS_PREFIX', Str::slug(env('APP_NAME', 'laravel'), '_').'_database_'),
        ],
    ],

];
`;

export function laravelProject(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    artisan: LARAVEL_ARTISAN,
    'composer.json': LARAVEL_COMPOSER,
    '.env': laravelDotenv(LARAVEL_SQLITE_DB),
    '.env.example': laravelDotenv(LARAVEL_SQLITE_DB).replace(/^APP_KEY=.*$/m, 'APP_KEY='),
    'phpunit.xml': laravelPhpunitXml(),
    'config/database.php': LARAVEL_DATABASE_PHP,
    ...overrides,
  };
}
