import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/safety/report.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { createMariaDatabase, createPostgresDatabase, type TestDatabase } from '../helpers/databases.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A temporary project with the given files (name → contents). */
function project(files: Record<string, string> = {}): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const check = (cwd: string, args: string[] = [], env: Record<string, string> = {}) => runCli(['check', ...args], { cwd, env });
const json = (stdout: string) => JSON.parse(stdout) as CheckReport;

describe('dbsafe check (offline)', () => {
  it('shows the verification block with each value\'s source and a masked password', async () => {
    const dir = project({ '.env': 'DATABASE_URL=postgres://app:hunter2-secret@127.0.0.1:5432/app_dev\nAPP_ENV=local\n' });
    const result = await check(dir, ['--offline']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/engine\s+PostgreSQL\s+DATABASE_URL in \.env/);
    expect(result.stdout).toMatch(/database\s+app_dev\s+DATABASE_URL in \.env/);
    expect(result.stdout).toMatch(/host\s+127\.0\.0\.1\s+DATABASE_URL in \.env/);
    expect(result.stdout).toMatch(/port\s+5432\s+DATABASE_URL in \.env/);
    expect(result.stdout).toMatch(/user\s+app\s+DATABASE_URL in \.env/);
    expect(result.stdout).toMatch(/password\s+\*{8}\s+DATABASE_URL in \.env/);
    expect(result.stdout).toContain('APP_ENV=local');
    expect(result.stdout).toContain('✓ host is local: 127.0.0.1: loopback');
    expect(result.stdout).toContain('rules (offline: no connection made)');
    expect(result.stdout).toContain('SAFE');
    expect(result.stdout + result.stderr).not.toContain('hunter2-secret');
  });

  it('says "not set" for a missing password and "default" for defaulted values', async () => {
    const dir = project();
    const result = await check(dir, ['--offline'], { DB_CONNECTION: 'pgsql', DB_DATABASE: 'shop_dev' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/password\s+not set/);
    expect(result.stdout).toMatch(/host\s+127\.0\.0\.1\s+default/);
    expect(result.stdout).toMatch(/database\s+shop_dev\s+DB_DATABASE/);
  });

  it('refuses APP_ENV=production from .env with exit 3, the rule and the fix', async () => {
    const dir = project({ '.env': 'DATABASE_URL=postgres://127.0.0.1/app_dev\nAPP_ENV=production\n' });
    const result = await check(dir, ['--offline']);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('✗ app environment: APP_ENV=production (APP_ENV in .env)');
    expect(result.stdout).toContain('fix: If this is a development machine, change APP_ENV');
    expect(result.stdout).toContain('REFUSED');
  });

  it('no variable and no flag turns a refusal into a pass', async () => {
    const dir = project({ '.env': 'DATABASE_URL=postgres://db.example.com/app_dev\n' });
    const attempts: Array<Record<string, string>> = [{}, { DBSAFE: '0' }, { DBSAFE_ALLOW: '1', FORCE: '1', CI: 'true' }];
    for (const env of attempts) {
      expect((await check(dir, ['--offline'], env)).code).toBe(3);
    }
    expect((await check(dir, ['--offline', '--yes'])).code).toBe(2);
    expect((await check(dir, ['--offline', '--force'])).code).toBe(2);
  });

  it('treats a service of the compose file as local and says "compose service"', async () => {
    const dir = project({
      '.env': 'DB_CONNECTION=mysql\nDB_HOST=mysql\nDB_DATABASE=laravel\nDB_USERNAME=sail\nDB_PASSWORD=password\n',
      'docker-compose.yml': 'services:\n  laravel.test:\n    image: sail\n  mysql:\n    image: mysql/mysql-server:8.0\n',
    });
    const result = await check(dir, ['--offline']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('mysql: compose service (docker-compose.yml)');
  });

  it('an override file aliasing a cloud endpoint does not make it local, and the refusal names that file', async () => {
    const rds = 'mydb.abc123.us-east-1.rds.amazonaws.com';
    const dir = project({
      '.env': `DATABASE_URL=postgres://app@${rds}/app_dev\n`,
      'compose.yaml': 'services:\n  db:\n    image: postgres\n',
      'compose.override.yaml': `services:\n  db:\n    networks:\n      default:\n        aliases: ["${rds}"]\n`,
    });
    const result = await check(dir, ['--offline', '--json']);
    expect(result.code).toBe(3);
    const reason = json(result.stdout).reasons.find((r) => r.rule === 'host-not-local');
    expect(reason?.message).toContain(`compose.override.yaml names "${rds}"`);
  });

  it('refuses the same host without a compose file, naming the fix', async () => {
    const dir = project({ '.env': 'DB_CONNECTION=mysql\nDB_HOST=mysql\nDB_DATABASE=laravel\n' });
    const result = await check(dir, ['--offline', '--json']);
    expect(result.code).toBe(3);
    const report = json(result.stdout);
    expect(report.reasons[0]).toMatchObject({ rule: 'host-not-local', value: 'mysql' });
    expect(report.reasons[0]?.fix).toContain('"allowedHosts" in dbsafe.config.json');
  });

  it('accepts a host listed in allowedHosts of dbsafe.config.json', async () => {
    const dir = project({ '.env': 'DATABASE_URL=postgres://pg.dev.internal/app_dev\n', 'dbsafe.config.json': '{ "allowedHosts": ["pg.dev.internal"] }' });
    const result = await check(dir, ['--offline']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('pg.dev.internal: in allowedHosts');
  });

  it('refuses a name matching a configured production pattern', async () => {
    const dir = project({ '.env': 'DATABASE_URL=postgres://localhost/shop_main\n', 'dbsafe.config.json': '{ "productionPatterns": ["main"] }' });
    const result = await check(dir, ['--offline', '--json']);
    expect(result.code).toBe(3);
    expect(json(result.stdout).reasons.map((r) => r.rule)).toEqual(['production-pattern']);
  });

  it('judges every database named; the strictest wins', async () => {
    const dir = project({ '.env': 'DATABASE_URL=postgres://localhost/app_dev\nANALYTICS_DATABASE_URL=postgres://localhost/analytics_live\n' });
    const result = await check(dir, ['--offline', '--json']);
    expect(result.code).toBe(3);
    const report = json(result.stdout);
    expect(report.targets.map((t) => [t.database, t.primary])).toEqual([
      ['app_dev', true],
      ['analytics_live', false],
    ]);
    expect(report.reasons).toEqual([expect.objectContaining({ rule: 'production-name', value: 'analytics_live' })]);
  });

  it.each([
    ['invalid JSON in dbsafe.config.json', { 'dbsafe.config.json': '{ "allowedHosts": [ }', '.env': 'DATABASE_URL=postgres://localhost/app_dev\n' }, {}, 'config-invalid', 'not valid JSON'],
    ['an unknown config key', { 'dbsafe.config.json': '{ "allowedHost": ["x"] }', '.env': 'DATABASE_URL=postgres://localhost/app_dev\n' }, {}, 'config-invalid', 'unknown key "allowedHost"'],
    ['a reserved config key', { 'dbsafe.config.json': '{ "__proto__": { "allowedHosts": ["*"] } }', '.env': 'DATABASE_URL=postgres://localhost/app_dev\n' }, {}, 'config-invalid', 'the key "__proto__" is not allowed'],
    ['a reserved key nested in the package.json "dbsafe" key', { 'package.json': '{ "dbsafe": { "commands": { "guard": [{ "command": "make x", "constructor": 1 }] } } }', '.env': 'DATABASE_URL=postgres://localhost/app_dev\n' }, {}, 'config-invalid', 'the key "commands.guard[0].constructor" is not allowed'],
    ['a "target" variable that is not set', { 'dbsafe.config.json': '{ "target": "NOPE_URL" }', '.env': 'DATABASE_URL=postgres://localhost/app_dev\n' }, {}, 'target-problem', '"target" names NOPE_URL, which is not set'],
    ['a malformed URL', {}, { DATABASE_URL: 'postgres://app:topsecret@localhost:99999/app_dev' }, 'target-problem', 'not a number between 1 and 65535'],
    ['an unknown scheme', {}, { DATABASE_URL: 'oracle://localhost/app_dev' }, 'target-problem', 'scheme "oracle:"'],
    ['no database configured', {}, {}, 'no-database', 'No database is configured'],
  ])('exits 2 for %s, with the cause and the fix', async (_name, files: Record<string, string>, env: Record<string, string>, rule, text) => {
    const dir = project(files);
    const human = await check(dir, ['--offline'], env);
    expect(human.code).toBe(2);
    expect(human.stdout).toContain(text);
    expect(human.stdout).toContain('fix:');
    expect(human.stdout + human.stderr).not.toContain('topsecret');
    const machine = await check(dir, ['--offline', '--json'], env);
    expect(machine.code).toBe(2);
    const report = json(machine.stdout);
    expect(report).toMatchObject({ verdict: 'error', exitCode: 2 });
    expect(report.reasons[0]?.rule).toBe(rule);
    expect(report.reasons[0]?.fix?.length).toBeGreaterThan(10);
  });

  it('exits 2 when .env cannot be read', async () => {
    const dir = project();
    mkdirSync(path.join(dir, '.env'));
    const result = await check(dir, ['--offline', '--json'], { DATABASE_URL: 'postgres://localhost/app_dev' });
    expect(result.code).toBe(2);
    expect(json(result.stdout).reasons[0]).toMatchObject({ rule: 'target-problem', value: 'unreadable-env-file' });
  });

  it('exits 2 when dbsafe.config.json cannot be read, naming the file and the fix', async () => {
    const dir = project();
    mkdirSync(path.join(dir, 'dbsafe.config.json'));
    const result = await check(dir, ['--offline'], { DATABASE_URL: 'postgres://localhost/app_dev' });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('dbsafe.config.json cannot be read (EISDIR)');
    expect(result.stdout).toContain('Fix its permissions');
  });

  it('prints the documented --json shape without secrets', async () => {
    const dir = project({ '.env': 'DATABASE_URL=postgres://app:hunter2-secret@localhost:5432/app_dev\nNODE_ENV=development\n' });
    const result = await check(dir, ['--offline', '--json']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('hunter2-secret');
    const report = json(result.stdout);
    expect(Object.keys(report)).toEqual(['verdict', 'exitCode', 'reasons', 'checks', 'targets', 'environment']);
    expect(report).toMatchObject({ verdict: 'safe', exitCode: 0, reasons: [] });
    expect(report.targets[0]).toMatchObject({ engine: 'postgres', host: 'localhost', port: 5432, database: 'app_dev', user: 'app', password: 'set', primary: true, live: null });
    expect(report.environment).toMatchObject({ projectRoot: dir, offline: true, appEnvironment: [{ name: 'NODE_ENV', value: 'development', source: `NODE_ENV in ${dir}/.env` }] });
    expect(report.checks.every((c) => c.passed)).toBe(true);
  });

  it('judges --url before the environment', async () => {
    const dir = project({ '.env': 'DATABASE_URL=postgres://localhost/app_dev\n' });
    const result = await check(dir, ['--offline', '--json', '--url', 'postgres://localhost/orders_prod']);
    expect(result.code).toBe(3);
    expect(json(result.stdout).targets[0]).toMatchObject({ database: 'orders_prod', origin: { kind: 'flag', name: '--url' } });
  });
});

describe('dbsafe check (live, real PostgreSQL)', () => {
  let db: TestDatabase | undefined;
  afterEach(() => {
    db?.drop();
    db = undefined;
  });

  it('connects, shows the server version, and refuses once the database is marked production', async () => {
    const created = createPostgresDatabase();
    db = created;
    const dir = project({ '.env': `DATABASE_URL=${created.url}\n` });
    const safe = await check(dir);
    expect(safe.code).toBe(0);
    expect(safe.stdout).toMatch(/server\s+PostgreSQL 1\d/);
    expect(safe.stdout).toContain('✓ marker inside the database: no production marker');

    const marked = await runCli(['mark', 'production'], { cwd: dir });
    expect(marked.code).toBe(0);
    const refused = await check(dir, ['--json']);
    expect(refused.code).toBe(3);
    const report = json(refused.stdout);
    expect(report.reasons.map((r) => r.rule)).toEqual(['production-marker']);
    expect(report.targets[0]?.live).toMatchObject({ ok: true, marker: 'production', standby: false });

    const unmark = await runCli(['mark', 'development'], { cwd: dir });
    expect(unmark.code).toBe(3);
    expect(unmark.stderr).toContain('needs a person to confirm in a terminal');
  });

  it('reports a database that does not exist (exit 1) with the fix', async () => {
    const dir = project({ '.env': 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/dbsafe_test_never_created\n' });
    const result = await check(dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('"dbsafe_test_never_created" does not exist');
    expect(result.stdout).toContain('fix: Create it');
  });

  it('never connects to a database it already refused', async () => {
    const dir = project({ '.env': 'DATABASE_URL=postgres://postgres@127.0.0.1:1/orders_prod\n' });
    const result = await check(dir, ['--json']);
    expect(result.code).toBe(3);
    const report = json(result.stdout);
    expect(report.targets[0]?.live).toBeNull();
    expect(report.reasons.map((r) => r.rule)).toEqual(['production-name']);
  });
});

describe('dbsafe check (live, real MariaDB)', () => {
  let db: TestDatabase | undefined;
  afterEach(() => {
    db?.drop();
    db = undefined;
  });

  it('connects, and refuses once `dbsafe mark production --url` marked the database', async () => {
    const created = createMariaDatabase();
    db = created;
    const dir = project({ '.env': `DB_CONNECTION=mariadb\nDB_HOST=127.0.0.1\nDB_PORT=3306\nDB_DATABASE=${created.name}\nDB_USERNAME=root\n` });
    const safe = await check(dir);
    expect(safe.code).toBe(0);
    expect(safe.stdout).toMatch(/server\s+MariaDB 1\d\.\d+/);
    expect(safe.stdout).toMatch(/database\s+dbsafe_test_\w+\s+DB_DATABASE in \.env/);
    expect(safe.stdout).toMatch(/password\s+not set/);
    const marked = await runCli(['mark', 'production', '--url', created.url], { cwd: dir });
    expect(marked.code).toBe(0);
    const refused = await check(dir, ['--json']);
    expect(refused.code).toBe(3);
    expect(json(refused.stdout).reasons).toEqual([expect.objectContaining({ rule: 'production-marker', value: 'production' })]);
  });
});
