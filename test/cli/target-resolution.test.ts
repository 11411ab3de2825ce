import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A temporary project with the given files (path → contents); `*.db` files named in `sqlite` are created as real databases. */
function project(files: Record<string, string>, sqlite: string[] = []): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  for (const name of sqlite) execFileSync('sqlite3', [path.join(dir, name), `CREATE TABLE t(x); INSERT INTO t VALUES ('${name}');`]);
  return dir;
}

interface ExplainTarget {
  engine: string;
  host: string | null;
  port: number | null;
  database: string;
  primary: boolean;
  source: { description: string; variable?: string; file?: string; key?: string };
}
interface ExplainJson {
  guarded: boolean;
  target: ExplainTarget[];
  verdict: 'safe' | 'refused' | 'unknown';
  verdictReasons: Array<{ rule: string; message: string }>;
}
const explain = async (cwd: string, command: string, env: Record<string, string> = {}) => {
  const result = await runCli(['explain', '--json', '--', command], { cwd, env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ExplainJson;
};

const LOCAL_URL = 'postgres://app@127.0.0.1:5432/app_dev';

describe('connection variables beyond DATABASE_URL (check)', () => {
  it.each([
    ['DIRECT_URL', 'postgres://u@db.prod.example.com/shop'],
    ['POSTGRES_PRISMA_URL', 'postgres://u@ep-cool-1-pooler.aws.neon.tech/shop'],
    ['SQLALCHEMY_DATABASE_URI', 'postgresql://u@prod-db.example.com/shop'],
    ['SPRING_DATASOURCE_URL', 'jdbc:postgresql://prod-db.example.com:5432/shop'],
    ['DATABASE_PRIVATE_URL', 'postgres://u@db.prod.example.com/railway'],
    ['DB_URI', 'mysql://u@mysql.prod.example.com/shop'],
  ])('a local DATABASE_URL and a production %s: check refuses, naming it', async (name, value) => {
    const dir = project({ '.env': `DATABASE_URL=${LOCAL_URL}\n${name}=${value}\n` });
    const result = await runCli(['check', '--offline'], { cwd: dir });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(`${name} in .env`);
    expect(result.stdout).toContain('✗ host is local');
  });

  it('DATABASE_HOST/DATABASE_NAME and PG_HOST/PG_DATABASE pairs are judged too', async () => {
    const pairs = project({ '.env': `DATABASE_URL=${LOCAL_URL}\nDATABASE_HOST=db.prod.example.com\nDATABASE_NAME=shop\n` });
    expect((await runCli(['check', '--offline'], { cwd: pairs })).code).toBe(3);
    const pg = project({ '.env': `DATABASE_URL=${LOCAL_URL}\nPG_HOST=db.prod.example.com\nPG_DATABASE=shop\n` });
    const result = await runCli(['check', '--offline'], { cwd: pg });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('PG_HOST in .env');
    const local = project({ '.env': `DATABASE_URL=${LOCAL_URL}\nPG_HOST=localhost\nPG_DATABASE=app_dev\n` });
    expect((await runCli(['check', '--offline'], { cwd: local })).code).toBe(0);
  });
});

describe('explain --json target and verdict', () => {
  const testProject = (testUrl: string) =>
    project({ 'package.json': JSON.stringify({ name: 'app', scripts: { test: 'vitest run', dev: 'node server.js' } }), '.env': `DATABASE_URL=${LOCAL_URL}\n`, '.env.test': `DATABASE_URL=${testUrl}\n`, '.env.production': 'DATABASE_URL=postgres://u@db.prod.example.com/shop\n', '.env.example': 'DATABASE_URL=postgres://u@db.prod.example.com/shop\n' });

  it('a test runner loads .env.test: its database is the target, with the file and variable it came from', async () => {
    const dir = testProject('postgres://app@127.0.0.1:5432/app_test');
    const json = await explain(dir, 'npm test');
    expect(json.guarded).toBe(true);
    expect(json.verdict).toBe('safe');
    expect(json.target).toEqual([expect.objectContaining({ engine: 'postgres', host: '127.0.0.1', port: 5432, database: 'app_test', primary: true, source: expect.objectContaining({ variable: 'DATABASE_URL', file: path.join(dir, '.env.test') }) })]);
    // Not a test run: .env, never .env.production nor .env.example.
    const dev = await explain(dir, 'npx prisma migrate dev');
    expect(dev.target.map((t) => t.database)).toEqual(['app_dev']);
    expect(dev.verdict).toBe('safe');
  });

  it('a production URL in .env.test makes `npm test` refused, and says why', async () => {
    const dir = testProject('postgres://u@db.prod.example.com/shop');
    const json = await explain(dir, 'npm test');
    expect(json.verdict).toBe('refused');
    expect(json.target[0]).toMatchObject({ host: 'db.prod.example.com', database: 'shop' });
    expect(json.verdictReasons[0]).toMatchObject({ rule: 'host-not-local' });
    const words = await runCli(['check', '--offline', '--', 'npm', 'test'], { cwd: dir });
    expect(words.code).toBe(3);
    expect(words.stdout).toContain('Command  npm test');
    expect(words.stdout).toContain('DATABASE_URL in .env.test');
    expect(words.stdout).toContain('.env files for the "test" environment');
    const forOption = await runCli(['check', '--offline', '--for', 'npm test'], { cwd: dir });
    expect(forOption.code).toBe(3);
    expect((await runCli(['check', '--offline', '--for', 'npm run dev'], { cwd: dir })).code).toBe(0);
    // The refusal points at the view that shows the command's databases, not the project's alone.
    const run = await runCli(['run', '--', 'npm', 'test'], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('DATABASE_URL in');
    expect(run.stderr).toContain('Run `dbsafe check -- <command>`');
    expect(run.stderr).not.toContain('Run `dbsafe check` to see');
  });

  it('a test run is judged on both readings of .env.local (Vite loads it in tests, Next.js does not); the backup is of the first', async () => {
    const dir = project({ 'package.json': JSON.stringify({ name: 'app', scripts: { test: 'jest' } }), '.env': 'DATABASE_URL=postgres://u@db.prod.example.com/shop\n', '.env.local': `DATABASE_URL=${LOCAL_URL}\n` });
    const json = await explain(dir, 'npm test');
    expect(json.target.map((t) => [t.database, t.primary])).toEqual([['shop', true], ['app_dev', false]]);
    expect(json.verdict).toBe('refused');
    const local = project({ 'package.json': JSON.stringify({ name: 'app', scripts: { test: 'jest' } }), '.env': `DATABASE_URL=${LOCAL_URL}\n`, '.env.local': 'DATABASE_URL=postgres://app@127.0.0.1:5432/app_local\n' });
    expect((await explain(local, 'npm test')).target.map((t) => t.database)).toEqual(['app_dev', 'app_local']);
  });

  it('APP_ENV set in .env selects .env.<env> (Symfony\'s .env.dev)', async () => {
    const dir = project({ 'composer.json': '{}', '.env': 'APP_ENV=dev\nDATABASE_URL=postgres://u@127.0.0.1/from_env\n', '.env.dev': 'DATABASE_URL=postgres://u@db.staging.example.com/from_env_dev\n' });
    const json = await explain(dir, 'php bin/console doctrine:migrations:migrate');
    expect(json.target.map((t) => t.database)).toEqual(['from_env_dev']);
    expect(json.verdict).toBe('refused');
  });

  it('a command whose directory is only known at run time is "unknown"', async () => {
    const dir = testProject('postgres://app@127.0.0.1:5432/app_test');
    const json = await explain(dir, 'cd "$APP_DIR" && npm test');
    expect(json.verdict).toBe('unknown');
  });
});

describe('monorepos', () => {
  const monorepo = () =>
    project({
      'dbsafe.config.json': '{}',
      'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
      '.env': `DATABASE_URL=${LOCAL_URL}\n`,
      'packages/db/package.json': JSON.stringify({ name: '@acme/db', scripts: { migrate: 'prisma migrate deploy' } }),
      'packages/db/.env': 'DATABASE_URL=postgres://u@db.prod.example.com/shop\n',
      'packages/web/package.json': JSON.stringify({ name: '@acme/web', scripts: { dev: 'next dev' } }),
    });

  it.each(['npm -w @acme/db run migrate', 'pnpm --filter @acme/db migrate', 'yarn workspace @acme/db migrate', 'turbo run migrate'])('%s is judged on the package\'s .env', async (command) => {
    const dir = monorepo();
    const json = await explain(dir, command);
    expect(json.guarded).toBe(true);
    expect(json.verdict).toBe('refused');
    expect(json.target.map((t) => t.source.file)).toEqual([path.join(dir, 'packages/db/.env')]);
  });

  it('a command run inside packages/db finds that package\'s .env', async () => {
    const dir = monorepo();
    const json = await explain(path.join(dir, 'packages/db'), 'npx prisma migrate deploy');
    expect(json.target.map((t) => t.database)).toEqual(['shop']);
    const root = await explain(dir, 'npx prisma migrate deploy');
    expect(root.target.map((t) => t.database)).toEqual(['app_dev']);
  });
});

describe('dbsafe run backs up the database the command uses', () => {
  it('`npm test` backs up the .env.test SQLite database, not .env\'s', async () => {
    const dir = project(
      {
        'dbsafe.config.json': '{}',
        'package.json': JSON.stringify({ name: 'app', scripts: { test: 'vitest run' } }),
        '.env': 'DATABASE_URL=file:./dev.db\n',
        '.env.test': 'DATABASE_URL=file:./test.db\n',
        // A stand-in for the test runner: npm puts node_modules/.bin on PATH.
        'node_modules/.bin/vitest': '#!/bin/sh\nsqlite3 test.db "DELETE FROM t"\necho ran > ran.txt\n',
      },
      ['dev.db', 'test.db'],
    );
    chmodSync(path.join(dir, 'node_modules/.bin/vitest'), 0o755);
    const result = await runCli(['run', '--', 'npm', 'test'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/(?:backed up|snapshot of) test\.db → /);
    expect(result.stderr).not.toContain('dev.db');
    expect(readFileSync(path.join(dir, 'ran.txt'), 'utf8')).toBe('ran\n');
    expect(existsSync(path.join(dir, 'ran.txt'))).toBe(true);
  });
});
