import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProjectContext } from '../../../src/config/context.js';
import { describeOrigin } from '../../../src/target/describe.js';
import type { FrameworkReader, FrameworkReading } from '../../../src/target/frameworks/types.js';
import { resolveTargets, type ResolveInput } from '../../../src/target/resolve.js';
import { tempDir } from '../../helpers/cli.js';

const base = (over: Partial<ResolveInput>): ResolveInput => ({ env: {}, dotenv: [], cwd: '/project', osUser: 'dev', ...over });

/** Prisma's default SQLite layout, as a reader reports it: DATABASE_URL read through schema.prisma, relative to prisma/. */
const prismaReading: FrameworkReading = {
  framework: 'prisma',
  candidates: [{ framework: 'prisma', label: 'schema.prisma datasource db', url: 'file:./dev.db', relativeTo: '/project/prisma', source: { file: '/project/prisma/schema.prisma', key: 'datasource db.url', variable: 'DATABASE_URL' } }],
  problems: [],
};

describe('resolveTargets with framework readings', () => {
  it('a candidate read from DATABASE_URL replaces the generic reading: the SQLite file is relative to the schema', () => {
    const result = resolveTargets(base({ dotenv: [{ file: '/project/.env', values: { DATABASE_URL: 'file:./dev.db' } }], frameworks: [prismaReading] }));
    expect(result.all.map((t) => t.database)).toEqual(['/project/prisma/dev.db']);
    expect(result.primary?.origin).toMatchObject({ kind: 'dotenv', name: 'DATABASE_URL', file: '/project/.env', readBy: { kind: 'framework', name: 'datasource db.url', file: '/project/prisma/schema.prisma' } });
    expect(describeOrigin(result.primary!.origin)).toBe('DATABASE_URL in /project/.env, read by datasource db.url in /project/prisma/schema.prisma');
  });

  it('field candidates are built like the DB_* family, each field with its own source; the framework database comes first', () => {
    const reading: FrameworkReading = {
      framework: 'rails',
      environment: { name: 'test', reason: 'rspec runs with RAILS_ENV=test' },
      candidates: [{
        framework: 'rails', label: 'database.yml `test`', relativeTo: '/project',
        fields: { engine: 'postgres', host: 'db.prod.example.com', database: 'shop_test', user: 'shop' },
        source: { file: '/project/config/database.yml', key: 'test' },
        fieldSources: { host: { file: '/project/config/database.yml', key: 'test.host', variable: 'ENV.fetch("DB_HOST", "localhost")' } },
      }],
      problems: [],
    };
    const result = resolveTargets(base({ env: { DATABASE_URL: 'postgres://127.0.0.1/shop_dev', DB_HOST: 'db.prod.example.com' }, frameworks: [reading] }));
    expect(result.all.map((t) => `${t.host}/${t.database}`)).toEqual(['db.prod.example.com/shop_test', '127.0.0.1/shop_dev']);
    expect(result.primary?.fields.host).toMatchObject({ kind: 'env', name: 'DB_HOST', readBy: { kind: 'framework', name: 'test.host' } });
    expect(result.primary?.fields.database).toEqual({ kind: 'framework', name: 'test', file: '/project/config/database.yml' });
  });

  it('reads JDBC URLs and SQLite fields relative to the candidate, and keeps createdByRun', () => {
    const reading: FrameworkReading = {
      framework: 'django',
      candidates: [
        { framework: 'django', label: 'DATABASES.default (test run)', relativeTo: '/project', fields: { engine: 'postgres', host: '127.0.0.1', database: 'test_shop' }, source: { file: '/project/shop/settings.py', key: 'DATABASES.default.NAME' }, createdByRun: true },
        { framework: 'django', label: 'DATABASES.legacy', relativeTo: '/project/data', fields: { engine: 'sqlite', database: 'legacy.sqlite3' }, source: { file: '/project/shop/settings.py', key: 'DATABASES.legacy.NAME' } },
        { framework: 'django', label: 'DATABASES.reports', relativeTo: '/project', url: 'jdbc:mysql://127.0.0.1:3306/reports', source: { file: '/project/shop/settings.py', key: 'DATABASES.reports' } },
      ],
      problems: [],
    };
    const result = resolveTargets(base({ frameworks: [reading] }));
    expect(result.all.map((t) => [t.engine, t.database, t.createdByRun ?? false])).toEqual([
      ['postgres', 'test_shop', true],
      ['sqlite', '/project/data/legacy.sqlite3', false],
      ['mysql', 'reports', false],
    ]);
  });

  it('a candidate that cannot be read is a problem; a reader problem is a notice while something else names a database', () => {
    const reading: FrameworkReading = {
      framework: 'knex',
      candidates: [{ framework: 'knex', label: 'knexfile development', relativeTo: '/project', fields: { host: 'localhost', database: 'x' }, source: { file: '/project/knexfile.js', key: 'development.connection' } }],
      problems: [{ framework: 'knex', file: '/project/knexfile.js', message: 'knexfile.js computes its production config; dbsafe reads literal values only.' }],
    };
    const result = resolveTargets(base({ env: { DATABASE_URL: 'postgres://127.0.0.1/app' }, frameworks: [reading] }));
    expect(result.problems.map((p) => p.code)).toEqual(['incomplete']);
    expect(result.problems[0]?.message).toContain('knexfile development');
    expect(result.notices).toEqual([{ framework: 'knex', file: '/project/knexfile.js', message: 'knexfile.js computes its production config; dbsafe reads literal values only.' }]);
  });

  it('when nothing can be read, the reader problem becomes a problem: fail closed', () => {
    const result = resolveTargets(base({ frameworks: [{ framework: 'rails', candidates: [], problems: [{ framework: 'rails', file: '/project/config/database.yml', message: 'database.yml is not valid YAML (line 3).' }] }] }));
    expect(result.primary).toBeNull();
    expect(result.notices).toBeUndefined();
    expect(result.problems[0]?.message).toMatch(/database\.yml is not valid YAML \(line 3\)\. Nothing else names a database/);
  });
});

describe('loadProjectContext with readers (real files)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));
  const project = (files: Record<string, string>) => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return dir;
  };

  /** A Laravel-like reader: `artisan test` loads .env.testing and phpunit.xml's DB_DATABASE. */
  const laravelLike: FrameworkReader = (input) => {
    if (input.readFile(path.join(input.root, 'artisan')) === undefined) return null;
    const testing = input.argv?.[2] === 'test';
    if (!testing) return { framework: 'laravel', candidates: [], problems: [] };
    return {
      framework: 'laravel',
      environment: { name: 'testing', reason: 'artisan test' },
      envFiles: [path.join(input.root, '.env'), path.join(input.root, '.env.testing')],
      variables: { DB_DATABASE: { value: 'shop_phpunit', source: { file: path.join(input.root, 'phpunit.xml'), key: '<env name="DB_DATABASE">' } } },
      candidates: [],
      problems: [],
    };
  };

  it('a reading\'s envFiles replace the default list, its variables override them, the shell overrides both', () => {
    const dir = project({ artisan: '', '.env': 'DB_CONNECTION=pgsql\nDB_HOST=127.0.0.1\nDB_DATABASE=shop\n', '.env.testing': 'DB_HOST=db.testing.example.com\n', '.env.local': 'DB_HOST=local-only\n' });
    const frameworks = [{ framework: 'laravel' as const, read: laravelLike }];
    const dev = loadProjectContext({ cwd: dir, env: {}, argv: ['php', 'artisan', 'migrate'], frameworks });
    expect(dev.targets.primary).toMatchObject({ host: 'local-only', database: 'shop' });
    const test = loadProjectContext({ cwd: dir, env: {}, argv: ['php', 'artisan', 'test'], frameworks });
    expect(test.targets.primary).toMatchObject({ host: 'db.testing.example.com', database: 'shop_phpunit' });
    expect(describeOrigin(test.targets.primary!.fields.database!)).toBe(`DB_DATABASE in ${dir}/phpunit.xml`);
    expect(test.targets.frameworks).toEqual([{ framework: 'laravel', environment: { name: 'testing', reason: 'artisan test' } }]);
    const shell = loadProjectContext({ cwd: dir, env: { DB_DATABASE: 'from_shell' }, argv: ['php', 'artisan', 'test'], frameworks });
    expect(shell.targets.primary?.database).toBe('from_shell');
  });

  it('a variable the framework forces (phpunit.xml <server>) overrides the shell too, and is listed from its file', () => {
    const dir = project({ '.env': 'DB_CONNECTION=pgsql\nDB_DATABASE=shop\n' });
    const forcing: FrameworkReader = (input) => ({ framework: 'laravel', variables: { DB_DATABASE: { value: 'shop_forced', overridesShell: true, source: { file: path.join(input.root, 'phpunit.xml'), key: '<server name="DB_DATABASE">' } } }, candidates: [], problems: [] });
    const context = loadProjectContext({ cwd: dir, env: { DB_DATABASE: 'from_shell' }, argv: ['vendor/bin/phpunit'], frameworks: [{ framework: 'laravel', read: forcing }] });
    expect(context.targets.primary?.database).toBe('shop_forced');
    expect(context.targets.primary?.fields.database).toEqual({ kind: 'dotenv', name: 'DB_DATABASE', file: path.join(dir, 'phpunit.xml') });
  });

  it('a reader that throws is a notice, and the environment is judged', () => {
    const dir = project({ '.env': 'DATABASE_URL=postgres://127.0.0.1/app\n' });
    const context = loadProjectContext({ cwd: dir, env: {}, argv: null, frameworks: [{ framework: 'typeorm', read: () => { throw new Error('boom'); } }] });
    expect(context.targets.primary?.database).toBe('app');
    expect(context.targets.notices?.[0]?.message).toContain('(boom)');
  });

  it('a command inside a monorepo package reads that package\'s .env over the root\'s', () => {
    const dir = project({ 'package.json': '{"workspaces":["packages/*"]}', '.env': 'DATABASE_URL=postgres://127.0.0.1/root_db\nSHARED=1\n', 'packages/db/package.json': '{"name":"db"}', 'packages/db/.env': 'DATABASE_URL=postgres://127.0.0.1/package_db\n', 'packages/db/src/x.ts': '' });
    const context = loadProjectContext({ cwd: path.join(dir, 'packages/db/src'), env: {} });
    expect(context.projectRoot).toBe(path.join(dir, 'packages/db'));
    expect(context.targets.primary?.database).toBe('package_db');
    const optedIn = project({ 'dbsafe.config.json': '{}', '.env': 'DATABASE_URL=postgres://127.0.0.1/root_db\n', 'packages/db/package.json': '{"name":"db"}', 'packages/db/.env': 'DATABASE_URL=postgres://127.0.0.1/package_db\n' });
    const inPackage = loadProjectContext({ cwd: path.join(optedIn, 'packages/db'), env: {} });
    expect(inPackage.projectRoot).toBe(optedIn);
    expect(inPackage.targets.primary?.database).toBe('package_db');
    expect(inPackage.targets.primary?.origin.file).toBe(path.join(optedIn, 'packages/db/.env'));
  });
});
