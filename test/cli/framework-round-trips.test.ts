import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { createMariaDatabase, createPostgresDatabase, mariadb, MARIA, PG, psql, type TestDatabase } from '../helpers/databases.js';
import { laravelDotenv, laravelPhpunitXml, laravelProject, LARAVEL_SQLITE_DB } from '../target/frameworks/laravel-layout.js';
import { railsPostgresYml, railsProject } from '../target/frameworks/rails-layout.js';
import { POSTGRES_FROM_ENVIRON, startproject } from '../target/frameworks/django-layout.js';

/**
 * Round trips through the real CLI: a framework's own configuration names the
 * test database, a guarded test command (a stand-in script on PATH: no Ruby
 * or PHP needed) changes it, dbsafe backed it up first, and restore puts it back.
 */
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function projectWith(files: Record<string, string>, standIns: Record<string, string>): { dir: string; env: Record<string, string> } {
  const { dir: home, cleanup } = tempDir('dbsafe-framework-round-trip-');
  cleanups.push(cleanup);
  const dir = path.join(home, 'app');
  const bin = path.join(home, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const [name, text] of Object.entries({ ...files, 'dbsafe.config.json': '{}\n' })) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  for (const [name, script] of Object.entries(standIns)) {
    writeFileSync(path.join(bin, name), script);
    chmodSync(path.join(bin, name), 0o755);
  }
  return { dir, env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` } };
}

function created(database: TestDatabase): TestDatabase {
  cleanups.push(() => database.drop());
  return database;
}

describe('a Rails project: `bundle exec rspec` on the database.yml test database', () => {
  it('is backed up before the run, and restored after it', async () => {
    const db = created(createPostgresDatabase());
    psql("CREATE TABLE users (id int PRIMARY KEY, name text); INSERT INTO users VALUES (1, 'Ada'), (2, 'Grace')", db.name);
    const yml = railsPostgresYml('shop', db.name).replace('test:\n  <<: *default\n', `test:\n  <<: *default\n  host: <%= ENV.fetch("DB_HOST", "${PG.host}") %>\n  username: ${PG.user}\n`);
    // A stand-in for `bundle exec rspec`: what a suite does to the test database (DatabaseCleaner's truncation).
    const bundle = `#!/bin/sh\n[ "$1 $2" = "exec rspec" ] || exit 64\npsql -q -h ${PG.host} -p ${PG.port} -U ${PG.user} -d ${db.name} -c 'TRUNCATE users'\necho ran > rspec-ran.txt\n`;
    const project = projectWith(railsProject(yml), { bundle });

    const explained = await runCli(['explain', '--json', '--', 'bundle', 'exec', 'rspec'], { cwd: project.dir, env: project.env });
    expect(explained.code, explained.stderr).toBe(0);
    const json = JSON.parse(explained.stdout) as { guarded: boolean; verdict: string; target: Array<{ engine: string; host: string; database: string; source: { file?: string; key?: string } }> };
    expect(json.guarded).toBe(true);
    expect(json.verdict).toBe('safe');
    expect(json.target).toEqual([expect.objectContaining({ engine: 'postgres', host: PG.host, database: db.name, source: expect.objectContaining({ file: path.join(project.dir, 'config', 'database.yml'), key: 'test' }) })]);

    const run = await runCli(['run', '--', 'bundle', 'exec', 'rspec'], { cwd: project.dir, env: project.env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`snapshot of ${db.name}`);
    expect(readFileSync(path.join(project.dir, 'rspec-ran.txt'), 'utf8')).toBe('ran\n');
    expect(psql('SELECT count(*) FROM users', db.name)).toBe('0');

    // RAILS_ENV=test: restore resolves the same database.yml entry.
    const restore = await runCli(['restore', '--yes'], { cwd: project.dir, env: { ...project.env, RAILS_ENV: 'test' } });
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`into PostgreSQL ${db.name}`);
    expect(psql("SELECT string_agg(name, ',' ORDER BY id) FROM users", db.name)).toBe('Ada,Grace');
  });

  it('refuses, and never runs the suite, when the test entry names a production host', async () => {
    const yml = railsPostgresYml('shop').replace('test:\n  <<: *default\n', 'test:\n  <<: *default\n  host: <%= ENV.fetch("DB_HOST", "localhost") %>\n');
    const bundle = '#!/bin/sh\necho ran > rspec-ran.txt\n';
    const project = projectWith(railsProject(yml), { bundle });
    const env = { ...project.env, DB_HOST: 'db.prod.example.com' };
    const explained = JSON.parse((await runCli(['explain', '--json', '--', 'bundle', 'exec', 'rspec'], { cwd: project.dir, env })).stdout) as { verdict: string; target: Array<{ host: string }> };
    expect(explained.verdict).toBe('refused');
    expect(explained.target[0]?.host).toBe('db.prod.example.com');
    const run = await runCli(['run', '--', 'bundle', 'exec', 'rspec'], { cwd: project.dir, env });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('db.prod.example.com');
    expect(() => readFileSync(path.join(project.dir, 'rspec-ran.txt'))).toThrow();
  });
});

describe('a Laravel project: `php artisan test` on the MariaDB database phpunit.xml names', () => {
  it('is backed up before the run, and restored after it', async () => {
    const db = created(createMariaDatabase());
    mariadb('CREATE TABLE users (id int PRIMARY KEY, name text); INSERT INTO users VALUES (1, "Ada"), (2, "Grace")', db.name);
    const phpunit = laravelPhpunitXml(
      `        <env name="DB_CONNECTION" value="mariadb"/>\n        <env name="DB_HOST" value="${MARIA.host}"/>\n        <env name="DB_PORT" value="${MARIA.port}"/>\n        <env name="DB_DATABASE" value="${db.name}"/>\n        <env name="DB_USERNAME" value="${MARIA.user}"/>\n`,
    );
    // A stand-in for `php artisan test`: RefreshDatabase drops and migrates the tables.
    const php = `#!/bin/sh\n[ "$1 $2" = "artisan test" ] || exit 64\nmariadb -h ${MARIA.host} -P ${MARIA.port} -u ${MARIA.user} ${db.name} -e 'DROP TABLE users'\necho ran > phpunit-ran.txt\n`;
    const project = projectWith(laravelProject({ '.env': laravelDotenv(LARAVEL_SQLITE_DB), 'phpunit.xml': phpunit }), { php });
    // `composer create-project` creates and migrates database/database.sqlite.
    mkdirSync(path.join(project.dir, 'database'));
    execFileSync('sqlite3', [path.join(project.dir, 'database', 'database.sqlite'), 'CREATE TABLE migrations (id integer primary key, migration text)']);

    const explained = await runCli(['explain', '--json', '--', 'php', 'artisan', 'test'], { cwd: project.dir, env: project.env });
    expect(explained.code, explained.stderr).toBe(0);
    const json = JSON.parse(explained.stdout) as { guarded: boolean; verdict: string; target: Array<{ engine: string; host: string; database: string }> };
    expect(json.guarded).toBe(true);
    expect(json.verdict).toBe('safe');
    expect(json.target).toEqual([expect.objectContaining({ engine: 'mysql', host: MARIA.host, database: db.name })]);

    const run = await runCli(['run', '--', 'php', 'artisan', 'test'], { cwd: project.dir, env: project.env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`(?:backed up|snapshot of) ${db.name}`));
    expect(readFileSync(path.join(project.dir, 'phpunit-ran.txt'), 'utf8')).toBe('ran\n');
    expect(mariadb(`SELECT count(*) FROM information_schema.tables WHERE table_schema = '${db.name}'`)).toBe('0');

    // Outside a test run Laravel uses .env (its SQLite file): restore is pointed at the test database.
    const restore = await runCli(['restore', '--yes', '--url', db.url], { cwd: project.dir, env: project.env });
    expect(restore.code, restore.stderr).toBe(0);
    expect(mariadb("SELECT group_concat(name ORDER BY id) FROM users", db.name)).toBe('Ada,Grace');
  });

  it('refuses, and never runs the suite, when a test run falls back to a production .env', async () => {
    const php = '#!/bin/sh\necho ran > phpunit-ran.txt\n';
    const production = laravelDotenv('DB_CONNECTION=mysql\nDB_HOST=db.prod.example.com\nDB_DATABASE=shop\nDB_USERNAME=shop');
    const project = projectWith(laravelProject({ '.env': production }), { php });
    const explained = JSON.parse((await runCli(['explain', '--json', '--', 'php', 'artisan', 'test'], { cwd: project.dir, env: project.env })).stdout) as { verdict: string; target: Array<{ host: string }> };
    expect(explained.verdict).toBe('refused');
    expect(explained.target[0]?.host).toBe('db.prod.example.com');
    const check = await runCli(['check', '--offline', '--', 'php', 'artisan', 'test'], { cwd: project.dir, env: project.env });
    expect(check.stdout).toContain('.env.testing does not exist, so Laravel silently falls back to .env');
    const run = await runCli(['run', '--', 'php', 'artisan', 'test'], { cwd: project.dir, env: project.env });
    expect(run.code).toBe(3);
    expect(() => readFileSync(path.join(project.dir, 'phpunit-ran.txt'))).toThrow();
  });
});

describe('a Django project: explain --json names the settings database, and the test database for test runs', () => {
  it('judges DATABASES for migrate, and test_<NAME> (created by the run) for manage.py test', async () => {
    const project = projectWith(startproject(POSTGRES_FROM_ENVIRON, 'import os'), {});
    type Json = { guarded: boolean; verdict: string; target: Array<{ host: string; database: string; source: { file?: string; key?: string } }> };
    const explain = async (argv: string[], env: Record<string, string> = {}) => {
      const result = await runCli(['explain', '--json', '--', ...argv], { cwd: project.dir, env: { ...project.env, ...env } });
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as Json;
    };
    const migrate = await explain(['python', 'manage.py', 'migrate']);
    expect(migrate.verdict).toBe('safe');
    expect(migrate.target).toEqual([expect.objectContaining({ host: 'localhost', database: 'shop', source: expect.objectContaining({ file: path.join(project.dir, 'mysite', 'settings.py'), key: "DATABASES['default']" }) })]);
    const production = await explain(['python', 'manage.py', 'migrate'], { POSTGRES_HOST: 'db.prod.example.com' });
    expect(production.verdict).toBe('refused');
    expect(production.target[0]?.host).toBe('db.prod.example.com');
    const test = await explain(['python', 'manage.py', 'test']);
    expect(test.target.map((target) => target.database)).toEqual(['test_shop']);
  });
});

describe('a Django project: `python manage.py migrate` on the database of DATABASES', () => {
  it('backs up the database the settings name before the run; refuses a production host and never runs', async () => {
    const db = created(createPostgresDatabase());
    psql("CREATE TABLE polls (id int PRIMARY KEY); INSERT INTO polls VALUES (1), (2)", db.name);
    // A stand-in for `python manage.py migrate`: what a migration does to the database.
    const python = `#!/bin/sh\n[ "$1 $2" = "manage.py migrate" ] || exit 64\npsql -q -h ${PG.host} -p ${PG.port} -U ${PG.user} -d ${db.name} -c 'DROP TABLE polls'\necho ran > migrate-ran.txt\n`;
    const project = projectWith(startproject(POSTGRES_FROM_ENVIRON, 'import os'), { python });
    const env = { ...project.env, POSTGRES_DB: db.name, POSTGRES_HOST: PG.host };
    const run = await runCli(['run', '--', 'python', 'manage.py', 'migrate'], { cwd: project.dir, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`snapshot of ${db.name}`);
    expect(readFileSync(path.join(project.dir, 'migrate-ran.txt'), 'utf8')).toBe('ran\n');
    const restore = await runCli(['restore', '--yes'], { cwd: project.dir, env });
    expect(restore.code, restore.stderr).toBe(0);
    expect(psql('SELECT count(*) FROM polls', db.name)).toBe('2');

    const refused = await runCli(['run', '--', 'python', 'manage.py', 'migrate'], { cwd: project.dir, env: { ...env, POSTGRES_HOST: 'db.prod.example.com' } });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('db.prod.example.com');
    expect(psql('SELECT count(*) FROM polls', db.name)).toBe('2');
  });
});
