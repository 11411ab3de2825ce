import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, testDir } from '../helpers/cli.js';

/**
 * `dbsafe check --offline` judges the database a connection string really
 * names: its query parameters, key/value form and PostgreSQL services, as
 * an attacker (or a stale .env) would write them.
 */
const PROD_SERVICE = '[prod]\nhost=prod.db.example.com\nport=6432\ndbname=shop\nuser=shop_owner\n[dev]\nhost=127.0.0.1\ndbname=app_dev\n';

function project(envFile: string, homeFiles: Record<string, string> = {}): { dir: string; home: string } {
  const dir = testDir();
  const home = path.join(dir, 'home');
  mkdirSync(home);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, dbsafe: {} }));
  writeFileSync(path.join(dir, '.env'), envFile);
  for (const [name, text] of Object.entries(homeFiles)) writeFileSync(path.join(home, name), text);
  return { dir, home };
}

async function checkOffline(envFile: string, homeFiles: Record<string, string> = {}) {
  const { dir, home } = project(envFile, homeFiles);
  const result = await runCli(['check', '--offline'], { cwd: dir, env: { HOME: home, XDG_STATE_HOME: path.join(home, 'state') } });
  return { ...result, home };
}

describe('dbsafe check --offline shows the real target and where each value came from', () => {
  it('?dbname= names the database: "database shop (dbname parameter of DATABASE_URL in .env)"; node-postgres\'s reading is listed too', async () => {
    const result = await checkOffline('DATABASE_URL=postgres://127.0.0.1/app_dev?dbname=shop\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/database\s+shop\s+dbname parameter of DATABASE_URL in \.env/);
    expect(result.stdout).toMatch(/database\s+app_dev\s+DATABASE_URL in \.env, as node-postgres reads it/);
  });

  it('a service named by PGSERVICE in .env: each value says which service file line it came from', async () => {
    const result = await checkOffline('PGSERVICE=dev\n', { '.pg_service.conf': PROD_SERVICE });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/database\s+app_dev\s+dbname of service "dev" in .*home\/\.pg_service\.conf \(named by PGSERVICE in \.env\)/);
    expect(result.stdout).toMatch(/host\s+127\.0\.0\.1\s+host of service "dev"/);
  });

  it('postgresql:///db?host=/var/run/postgresql is the local socket: safe', async () => {
    const result = await checkOffline('DATABASE_URL=postgresql:///app_dev?host=/var/run/postgresql\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('unix socket /var/run/postgresql');
  });
});

describe('a local-looking connection string that reaches production is refused (exit 3)', () => {
  it.each([
    ['?host=', 'DATABASE_URL=postgres://127.0.0.1/app_dev?host=prod.db.example.com', 'prod.db.example.com'],
    ['?host= percent-encoded', 'DATABASE_URL=postgres://127.0.0.1/app_dev?host=prod%2Edb%2Eexample%2Ecom', 'prod.db.example.com'],
    ['an empty host and ?host=', 'DATABASE_URL=postgres:///app_dev?host=prod.db.example.com', 'prod.db.example.com'],
    ['no host part at all and ?host=', 'DATABASE_URL=postgres://?host=prod.db.example.com&dbname=app_dev', 'prod.db.example.com'],
    ['?hostaddr=', 'DATABASE_URL=postgres://localhost/app_dev?hostaddr=10.20.30.40', '10.20.30.40'],
    ['a second host', 'DATABASE_URL=postgres://localhost,prod.db.example.com/app_dev', 'prod.db.example.com'],
    ['?host= with two hosts', 'DATABASE_URL=postgres:///app_dev?host=localhost,prod.db.example.com', 'prod.db.example.com'],
    ['?dbname= with a production name', 'DATABASE_URL=postgres://127.0.0.1/app_dev?dbname=shop_prod', 'shop_prod'],
    ['?database= (pgx, ActiveRecord)', 'DATABASE_URL=postgres://127.0.0.1/app_dev?database=orders_live', 'orders_live'],
    ['?service= naming a remote host', 'DATABASE_URL=postgres:///?service=prod', 'prod.db.example.com'],
    ['PGSERVICE=prod in .env', 'PGSERVICE=prod', 'prod.db.example.com'],
    ['?sslcert=/?sslkey= (certificate authentication)', 'DATABASE_URL=postgres://127.0.0.1/app_dev?sslcert=/c.pem&sslkey=/k.pem', 'client certificate /c.pem'],
    ['?target_session_attrs=read-only', 'DATABASE_URL=postgres://127.0.0.1/app_dev?target_session_attrs=read-only', 'target_session_attrs=read-only'],
    ['a key/value string', "DATABASE_URL=\"host=prod.db.example.com dbname='app dev'\"", 'prod.db.example.com'],
    ['MySQL ?host=', 'DATABASE_URL=mysql://root@127.0.0.1/shop_dev?host=prod.db.example.com', 'prod.db.example.com'],
    ['MySQL ?database=', 'DATABASE_URL=mysql://root@127.0.0.1/shop_dev?database=shop_production', 'shop_production'],
    ['an "@" after the path (the host is the part before the first "/")', 'DATABASE_URL=postgres://prod.db.example.com/app_dev@localhost', 'prod.db.example.com'],
  ])('%s', async (_, envLine, shown) => {
    const result = await checkOffline(`${envLine}\n`, { '.pg_service.conf': PROD_SERVICE });
    expect(result.stdout).toContain(shown);
    expect(result.stdout).toContain('REFUSED');
    expect(result.code).toBe(3);
  });

  it('PGSERVICE=prod with the service file PGSERVICEFILE names (in .env too)', async () => {
    const { dir, home } = project('PGSERVICE=prod\nPGSERVICEFILE=./services.conf\n');
    writeFileSync(path.join(dir, 'services.conf'), PROD_SERVICE);
    const result = await runCli(['check', '--offline'], { cwd: dir, env: { HOME: home } });
    // libpq resolves a relative PGSERVICEFILE against the working directory, which is the project here.
    expect(result.stdout).toContain('prod.db.example.com');
    expect(result.code).toBe(3);
  });
});

describe('parameters dbsafe cannot judge are refused with the parameter and the fix (exit 2, nothing runs)', () => {
  it.each([
    ['an unknown parameter', 'DATABASE_URL=postgres://127.0.0.1/app_dev?frobnicate=1', 'parameter "frobnicate" is not one dbsafe knows', 'fix: Remove it from the connection string'],
    ['an upper-case HOST', 'DATABASE_URL=postgres://127.0.0.1/app_dev?HOST=prod.db.example.com', 'parameter "HOST" is not "host"', 'fix: Write it as host'],
    ['a repeated host', 'DATABASE_URL=postgres://127.0.0.1/app_dev?host=localhost&host=prod.db.example.com', 'sets host more than once', 'fix: Keep one host'],
    ['a service no file defines', 'DATABASE_URL=postgres://127.0.0.1/app_dev?service=nosuch', 'service "nosuch"', 'fix: Add a [nosuch] section'],
    ['a "#" (node-postgres stops there, libpq reads on)', 'DATABASE_URL="postgres://prod.db.example.com#@localhost/app_dev"', 'contains "#"', 'fix: Percent-encode "#" as %23'],
    ['a MongoDB proxy', 'DATABASE_URL=mongodb://localhost/app?proxyHost=bastion.example.com', 'parameter "proxyHost" is refused', 'fix: Remove it'],
  ])('%s', async (_, envLine, message, fix) => {
    const result = await checkOffline(`${envLine}\n`, { '.pg_service.conf': PROD_SERVICE });
    expect(result.stdout).toContain(message);
    expect(result.stdout).toContain(fix);
    expect(result.code).toBe(2);
  });
});
