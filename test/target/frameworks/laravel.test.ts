import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLaravelTestRun, readLaravel } from '../../../src/target/frameworks/laravel.js';
import { inputFor, removeProjects, writeProject } from './project-dir.js';
import { laravelDotenv, laravelPhpunitXml, laravelProject, LARAVEL_DATABASE_PHP } from './laravel-layout.js';

afterEach(removeProjects);

const PGSQL_TEST_ENV = laravelDotenv('DB_CONNECTION=pgsql\nDB_HOST=127.0.0.1\nDB_PORT=5432\nDB_DATABASE=shop_test\nDB_USERNAME=postgres').replace('APP_ENV=local', 'APP_ENV=testing');
const PRODUCTION_ENV = laravelDotenv('DB_CONNECTION=mysql\nDB_HOST=db.prod.example.com\nDB_PORT=3306\nDB_DATABASE=shop\nDB_USERNAME=shop');

describe('readLaravel', () => {
  it('is not Laravel without artisan, or without laravel/framework in composer.json', () => {
    const noArtisan = writeProject({ 'composer.json': '{"require":{"laravel/framework":"^11"}}' });
    expect(readLaravel(inputFor(noArtisan, ['php', 'artisan', 'migrate']))).toBeNull();
    const notLaravel = writeProject({ artisan: '<?php', 'composer.json': '{"require":{"symfony/console":"^7"}}' });
    expect(readLaravel(inputFor(notLaravel, ['php', 'artisan', 'migrate']))).toBeNull();
  });

  it('reads a fresh Laravel 11 project: .env, and the SQLite default of config/database.php', () => {
    const root = writeProject(laravelProject());
    const reading = readLaravel(inputFor(root, ['php', 'artisan', 'migrate']))!;
    expect(reading.problems).toEqual([]);
    expect(reading.envFiles).toEqual([path.join(root, '.env')]);
    expect(reading.environment).toEqual({ name: 'local', reason: expect.stringContaining('loads .env') });
    expect(reading.variables).toBeUndefined();
    expect(reading.candidates).toHaveLength(1);
    const candidate = reading.candidates[0]!;
    expect(candidate.fields).toEqual({ engine: 'sqlite', database: path.join(root, 'database', 'database.sqlite') });
    expect(candidate.fieldSources?.engine).toEqual({ file: path.join(root, '.env'), variable: 'DB_CONNECTION' });
    expect(candidate.fieldSources?.database).toEqual({ file: path.join(root, 'config', 'database.php'), key: 'connections.sqlite.database', isDefault: true });
  });

  it('names the production host when .env points there', () => {
    const root = writeProject(laravelProject({ '.env': PRODUCTION_ENV }));
    const reading = readLaravel(inputFor(root, ['php', 'artisan', 'migrate:fresh']))!;
    expect(reading.candidates[0]?.fields).toEqual({ engine: 'mysql', host: 'db.prod.example.com', port: '3306', database: 'shop', user: 'shop' });
    expect(reading.candidates[0]?.fieldSources?.host).toEqual({ file: path.join(root, '.env'), variable: 'DB_HOST' });
  });

  it('reads .env.testing and phpunit.xml for `php artisan test`', () => {
    const root = writeProject(laravelProject({ '.env': PRODUCTION_ENV, '.env.testing': PGSQL_TEST_ENV }));
    const reading = readLaravel(inputFor(root, ['php', 'artisan', 'test']))!;
    expect(reading.problems).toEqual([]);
    expect(reading.envFiles).toEqual([path.join(root, '.env.testing')]);
    expect(reading.environment?.name).toBe('testing');
    expect(reading.environment?.reason).toContain('phpunit.xml');
    expect(reading.variables?.['APP_ENV']).toEqual({ value: 'testing', source: { file: path.join(root, 'phpunit.xml'), key: '<env name="APP_ENV">' } });
    // The commented-out DB_* lines of the generated phpunit.xml are not read.
    expect(reading.variables?.['DB_DATABASE']).toBeUndefined();
    expect(reading.candidates[0]?.fields).toMatchObject({ engine: 'postgres', host: '127.0.0.1', database: 'shop_test' });
  });

  it('says that a test run without .env.testing silently falls back to .env (the production database here)', () => {
    const root = writeProject(laravelProject({ '.env': PRODUCTION_ENV }));
    const reading = readLaravel(inputFor(root, ['./vendor/bin/pest']))!;
    expect(reading.envFiles).toEqual([path.join(root, '.env')]);
    expect(reading.environment?.name).toBe('testing');
    expect(reading.environment?.reason).toMatch(/\.env\.testing does not exist, so Laravel silently falls back to \.env$/);
    expect(reading.candidates[0]?.fields?.host).toBe('db.prod.example.com');
  });

  it('reads phpunit.xml <env> over the .env file, and <server>/force over the shell too', () => {
    const phpunit = laravelPhpunitXml(
      '        <env name="DB_CONNECTION" value="sqlite"/>\n        <env name="DB_DATABASE" value=":memory:"/>\n        <server name="DB_HOST" value="127.0.0.1"/>\n        <env name="DB_PORT" value="5433" force="true"/>\n',
    );
    const root = writeProject(laravelProject({ '.env': PRODUCTION_ENV, 'phpunit.xml': phpunit }));
    const reading = readLaravel(inputFor(root, ['vendor/bin/phpunit'], { DB_DATABASE: 'from_shell' }))!;
    expect(reading.variables?.['DB_DATABASE']).toEqual({ value: ':memory:', source: { file: path.join(root, 'phpunit.xml'), key: '<env name="DB_DATABASE">' } });
    expect(reading.variables?.['DB_HOST']?.overridesShell).toBe(true);
    expect(reading.variables?.['DB_PORT']?.overridesShell).toBe(true);
    expect(reading.variables?.['DB_CONNECTION']?.overridesShell).toBeUndefined();
    // The shell's DB_DATABASE beats a non-forced <env>, as PHPUnit does.
    expect(reading.candidates[0]?.fields).toEqual({ engine: 'sqlite', database: 'from_shell' });
  });

  it('names no target for an in-memory SQLite test database (phpunit.xml DB_DATABASE=:memory:)', () => {
    const phpunit = laravelPhpunitXml('        <env name="DB_CONNECTION" value="sqlite"/>\n        <env name="DB_DATABASE" value=":memory:"/>\n');
    const root = writeProject(laravelProject({ 'phpunit.xml': phpunit }));
    const reading = readLaravel(inputFor(root, ['php', 'artisan', 'test']))!;
    expect(reading.problems).toEqual([]);
    expect(reading.variables?.['DB_DATABASE']?.value).toBe(':memory:');
    expect(reading.candidates).toEqual([]);
  });

  it('loads .env.<X> for --env=X, and says when it falls back to .env', () => {
    const root = writeProject(laravelProject({ '.env.staging': PRODUCTION_ENV }));
    const staging = readLaravel(inputFor(root, ['php', 'artisan', 'migrate', '--env=staging']))!;
    expect(staging.envFiles).toEqual([path.join(root, '.env.staging')]);
    expect(staging.environment).toEqual({ name: 'staging', reason: '`--env=staging` loads .env.staging' });
    expect(staging.candidates[0]?.fields?.host).toBe('db.prod.example.com');

    const missing = readLaravel(inputFor(root, ['php', 'artisan', 'migrate', '--env', 'qa']))!;
    expect(missing.envFiles).toEqual([path.join(root, '.env')]);
    expect(missing.environment?.name).toBe('qa');
    expect(missing.environment?.reason).toBe('`--env=qa`, but .env.qa does not exist, so Laravel silently falls back to .env');
  });

  it('loads .env.<APP_ENV> when the shell sets APP_ENV, but not for APP_ENV written in .env', () => {
    const root = writeProject(laravelProject({ '.env.staging': PRODUCTION_ENV, '.env.local': PRODUCTION_ENV }));
    const shell = readLaravel(inputFor(root, ['php', 'artisan', 'migrate'], { APP_ENV: 'staging' }))!;
    expect(shell.envFiles).toEqual([path.join(root, '.env.staging')]);
    // .env says APP_ENV=local: Laravel reads that only after choosing the file, so .env.local is not loaded.
    const plain = readLaravel(inputFor(root, ['php', 'artisan', 'migrate']))!;
    expect(plain.envFiles).toEqual([path.join(root, '.env')]);
  });

  it('uses the caller\'s shell lookup when given, to tell the shell\'s APP_ENV from .env\'s', () => {
    const root = writeProject(laravelProject({ '.env.local': PRODUCTION_ENV }));
    const input = inputFor(root, ['php', 'artisan', 'migrate'], { APP_ENV: 'local' });
    // The same value as .env's: without a shell lookup it is taken as .env's line, which chooses no file.
    expect(readLaravel(input)!.envFiles).toEqual([path.join(root, '.env')]);
    const withShell = readLaravel({ ...input, shell: (name) => (name === 'APP_ENV' ? 'local' : undefined) })!;
    expect(withShell.envFiles).toEqual([path.join(root, '.env.local')]);
    expect(withShell.candidates[0]?.fields?.host).toBe('db.prod.example.com');
  });

  it('recognises the test runners', () => {
    const scripts = { test: ['@php artisan config:clear --ansi', '@php artisan test'], lint: ['pint'] };
    for (const words of [['artisan', 'test'], ['./vendor/bin/phpunit'], ['vendor/bin/pest'], ['./vendor/bin/sail', 'test'], ['./vendor/bin/sail', 'artisan', 'test'], ['composer', 'test'], ['composer', 'run', 'test']]) {
      expect(isLaravelTestRun(words, scripts), words.join(' ')).toBe(true);
    }
    for (const words of [['artisan', 'migrate'], ['composer', 'lint'], ['composer', 'install'], ['./vendor/bin/sail', 'up']]) {
      expect(isLaravelTestRun(words, scripts), words.join(' ')).toBe(false);
    }
  });

  it('reports a phpunit.xml that is not XML, and still reads .env.testing', () => {
    const root = writeProject(laravelProject({ '.env.testing': PGSQL_TEST_ENV, 'phpunit.xml': '<phpunit>\n  <php>\n    <env name="DB_DATABASE" value="x">\n  </php>\n</phpunit>\n' }));
    const reading = readLaravel(inputFor(root, ['php', 'artisan', 'test']))!;
    expect(reading.problems).toHaveLength(1);
    expect(reading.problems[0]?.file).toBe(path.join(root, 'phpunit.xml'));
    expect(reading.problems[0]?.message).toMatch(/phpunit\.xml is not valid XML \(line \d+: .+\).*Fix the XML/);
    expect(reading.envFiles).toEqual([path.join(root, '.env.testing')]);
    expect(reading.candidates[0]?.fields?.database).toBe('shop_test');
  });

  it('reports a default connection computed in PHP, and one that names no connection', () => {
    const computed = LARAVEL_DATABASE_PHP.replace("'default' => env('DB_CONNECTION', 'sqlite'),", "'default' => $app->isLocal() ? 'sqlite' : 'mysql',");
    const root = writeProject(laravelProject({ 'config/database.php': computed }));
    const reading = readLaravel(inputFor(root, ['php', 'artisan', 'migrate']))!;
    expect(reading.candidates).toEqual([]);
    expect(reading.problems[0]?.message).toContain("'default' is computed in PHP");

    const unknown = writeProject(laravelProject({ '.env': laravelDotenv('DB_CONNECTION=oracle') }));
    const missing = readLaravel(inputFor(unknown, ['php', 'artisan', 'migrate']))!;
    expect(missing.problems[0]?.message).toContain("no connection named 'oracle'");
  });

  it('uses the framework\'s own database configuration when the project has no config/database.php', () => {
    const files = laravelProject({ '.env': laravelDotenv('DB_CONNECTION=pgsql\nDB_HOST=db.prod.example.com') });
    delete files['config/database.php'];
    const root = writeProject(files);
    const reading = readLaravel(inputFor(root, ['php', 'artisan', 'migrate']))!;
    expect(reading.problems).toEqual([]);
    expect(reading.candidates[0]?.fields).toEqual({ engine: 'postgres', host: 'db.prod.example.com', port: '5432', database: 'laravel', user: 'root' });
    expect(reading.candidates[0]?.source.file).toBe(path.join(root, 'vendor/laravel/framework/config/database.php'));
  });

  it('uses config/database.php defaults for variables that are unset', () => {
    const root = writeProject(laravelProject({ '.env': laravelDotenv('DB_CONNECTION=pgsql') }));
    const reading = readLaravel(inputFor(root, ['php', 'artisan', 'migrate']))!;
    expect(reading.candidates[0]?.fields).toEqual({ engine: 'postgres', host: '127.0.0.1', port: '5432', database: 'laravel', user: 'root' });
    expect(reading.candidates[0]?.fieldSources?.database?.isDefault).toBe(true);
  });

  it('passes DB_URL on as the connection string', () => {
    const root = writeProject(laravelProject({ '.env': laravelDotenv('DB_CONNECTION=pgsql\nDB_URL=postgres://app@db.prod.example.com/shop') }));
    const reading = readLaravel(inputFor(root, ['php', 'artisan', 'migrate']))!;
    expect(reading.candidates[0]?.url).toBe('postgres://app@db.prod.example.com/shop');
    // It replaces dbsafe's generic reading of DB_URL.
    expect(reading.candidates[0]?.source.variable).toBe('DB_URL');
  });
});
