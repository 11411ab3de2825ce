import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, testDir } from '../helpers/cli.js';

/**
 * The JavaScript framework readers through the real CLI: `explain --json`
 * names the database the framework will use, and `run` backs that one up or
 * refuses without running the command. The framework CLIs are stand-in shell
 * scripts in node_modules/.bin, also on PATH (named as such): they record that
 * they ran and change the SQLite database as a migration would.
 */

interface Project {
  dir: string;
  bin: string;
  env: Record<string, string>;
}

function project(files: Record<string, string>): Project {
  const dir = testDir('dbsafe-framework-js-');
  // Where an installed framework CLI lives; its presence also tells dbsafe the project uses the framework.
  const bin = path.join(dir, 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, dbsafe: {} }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return { dir, bin, env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` } };
}

/** A stand-in for a framework CLI: records its arguments in ran.txt, then empties table t of `database` (relative to the project). */
function standIn({ bin }: Project, name: string, database: string): void {
  writeFileSync(path.join(bin, name), `#!/bin/sh\necho "$*" > ran.txt\nsqlite3 ${database} 'DELETE FROM t'\n`, { mode: 0o755 });
}

function sqliteDatabase(file: string): void {
  execFileSync('sqlite3', [file, 'CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2);']);
}

const rows = (file: string) => execFileSync('sqlite3', [file, 'SELECT count(*) FROM t'], { encoding: 'utf8' }).trim();

async function explain(p: Project, command: string[], env: Record<string, string> = {}) {
  const result = await runCli(['explain', '--json', '--', ...command], { cwd: p.dir, env: { ...p.env, ...env } });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as {
    guarded: boolean;
    verdict: string;
    target: Array<{ engine: string; host: string | null; database: string; source: { variable?: string; file?: string; readBy?: { file?: string; key: string } } }>;
    notices: Array<{ message: string }>;
  };
}

// prisma init --datasource-provider sqlite (Prisma 6): see test/target/frameworks/prisma.test.ts.
const PRISMA_SQLITE_SCHEMA = 'generator client {\n  provider = "prisma-client-js"\n}\n\ndatasource db {\n  provider = "sqlite"\n  url      = env("DATABASE_URL")\n}\n';
// vercel/examples storage/postgres-prisma.
const VERCEL_SCHEMA = 'datasource db {\n  provider  = "postgresql"\n  url       = env("POSTGRES_PRISMA_URL")\n  directUrl = env("POSTGRES_URL_NON_POOLING")\n}\n';
const VERCEL_HOST = 'ep-cool-dawn-123456.us-east-1.postgres.vercel-storage.com';

describe('Prisma through the CLI', () => {
  it("judges and backs up prisma init's prisma/dev.db, the file Prisma uses, not ./dev.db", async () => {
    const p = project({ 'prisma/schema.prisma': PRISMA_SQLITE_SCHEMA, '.env': 'DATABASE_URL="file:./dev.db"\n' });
    const database = path.join(p.dir, 'prisma/dev.db');
    sqliteDatabase(database);
    standIn(p, 'prisma', 'prisma/dev.db');

    const explained = await explain(p, ['npx', 'prisma', 'migrate', 'dev']);
    expect(explained.guarded).toBe(true);
    expect(explained.verdict).toBe('safe');
    expect(explained.target).toMatchObject([
      { engine: 'sqlite', database, source: { variable: 'DATABASE_URL', file: path.join(p.dir, '.env'), readBy: { file: path.join(p.dir, 'prisma/schema.prisma'), key: 'datasource db.url' } } },
    ]);

    // --mode dump: a file backup, whose content shows which file was protected.
    const result = await runCli(['run', '--mode', 'dump', '--', 'prisma', 'migrate', 'dev'], { cwd: p.dir, env: p.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^dbsafe: backed up dev\.db → backups\/dev_\d{8}_\d{6}\.sqlite/);
    expect(rows(database)).toBe('0');
    const backups = readdirSync(path.join(p.dir, 'backups')).filter((name) => name.endsWith('.sqlite'));
    expect(backups).toHaveLength(1);
    expect(rows(path.join(p.dir, 'backups', backups[0]!))).toBe('2');
    expect(existsSync(path.join(p.dir, 'dev.db'))).toBe(false);
  });

  it('refuses a Vercel Postgres POSTGRES_PRISMA_URL although DATABASE_URL is local, and never runs the command', async () => {
    const p = project({
      'prisma/schema.prisma': VERCEL_SCHEMA,
      '.env': `DATABASE_URL="postgresql://postgres@127.0.0.1:5432/app_dev"\nPOSTGRES_PRISMA_URL="postgres://default:pw@${VERCEL_HOST}:5432/verceldb?pgbouncer=true"\nPOSTGRES_URL_NON_POOLING="postgres://default:pw@${VERCEL_HOST}:5432/verceldb"\n`,
    });
    standIn(p, 'prisma', 'nothing.db');

    const explained = await explain(p, ['prisma', 'migrate', 'deploy']);
    expect(explained.verdict).toBe('refused');
    expect(explained.target[0]).toMatchObject({ host: VERCEL_HOST, database: 'verceldb', source: { variable: 'POSTGRES_PRISMA_URL', readBy: { key: 'datasource db.url' } } });
    expect(JSON.stringify(explained)).not.toContain(':pw@');

    const result = await runCli(['run', '--', 'prisma', 'migrate', 'deploy'], { cwd: p.dir, env: p.env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('refused: prisma migrate deploy was not run');
    expect(result.stderr).toContain(`POSTGRES_PRISMA_URL in ${path.join(p.dir, '.env')}, read by datasource db.url in ${path.join(p.dir, 'prisma/schema.prisma')}`);
    expect(existsSync(path.join(p.dir, 'ran.txt'))).toBe(false);
  });

  it('says in explain that a variable the schema names is unset', async () => {
    const p = project({ 'prisma/schema.prisma': VERCEL_SCHEMA, '.env': 'POSTGRES_URL_NON_POOLING="postgresql://postgres@127.0.0.1:5432/app_dev"\n' });
    const explained = await explain(p, ['prisma', 'db', 'push']);
    expect(explained.notices.map((n) => n.message)).toContainEqual(expect.stringContaining('prisma/schema.prisma names POSTGRES_PRISMA_URL for datasource db.url, which is not set in the environment or .env'));
  });
});

// knex init's knexfile.js: see test/target/frameworks/knex.test.ts.
const KNEXFILE = `module.exports = {
  development: {
    client: 'sqlite3',
    connection: { filename: './dev.sqlite3' }
  },
  production: {
    client: 'postgresql',
    connection: process.env.DATABASE_URL,
    pool: { min: 2, max: 10 }
  }
};
`;

describe('Knex through the CLI', () => {
  it('backs up the development SQLite file of the knexfile for knex migrate:latest', async () => {
    const p = project({ 'db/knexfile.js': KNEXFILE });
    const database = path.join(p.dir, 'db/dev.sqlite3');
    sqliteDatabase(database);
    standIn(p, 'knex', 'db/dev.sqlite3');

    const explained = await explain(p, ['npx', 'knex', '--knexfile', 'db/knexfile.js', 'migrate:latest']);
    expect(explained.verdict).toBe('safe');
    expect(explained.target).toMatchObject([{ engine: 'sqlite', database }]);

    const result = await runCli(['run', '--', 'knex', '--knexfile', 'db/knexfile.js', 'migrate:latest'], { cwd: p.dir, env: p.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^dbsafe: (?:backed up|snapshot of) dev\.sqlite3 → /);
    expect(rows(database)).toBe('0');
    expect(existsSync(path.join(p.dir, 'ran.txt'))).toBe(true);
  });

  it('refuses knex migrate:latest --env production against the production DATABASE_URL, without running it', async () => {
    const p = project({ 'knexfile.js': KNEXFILE });
    standIn(p, 'knex', 'dev.sqlite3');
    const env = { DATABASE_URL: 'postgres://app:pw@orders.cluster-abc123.eu-west-1.rds.amazonaws.com:5432/orders' };
    const explained = await explain(p, ['knex', 'migrate:latest', '--env', 'production'], env);
    expect(explained.verdict).toBe('refused');
    expect(explained.target[0]).toMatchObject({ host: 'orders.cluster-abc123.eu-west-1.rds.amazonaws.com', database: 'orders' });
    const result = await runCli(['run', '--', 'knex', 'migrate:latest', '--env', 'production'], { cwd: p.dir, env: { ...p.env, ...env } });
    expect(result.code).toBe(3);
    expect(existsSync(path.join(p.dir, 'ran.txt'))).toBe(false);
  });
});

// drizzle-kit's SQLite config with a literal file (orm.drizzle.team "Drizzle config file").
const DRIZZLE_SQLITE_CONFIG = `import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  dbCredentials: { url: 'file:local.db' },
});
`;

describe('Drizzle through the CLI', () => {
  it('backs up the SQLite file drizzle.config.ts names, which no variable names', async () => {
    const p = project({ 'drizzle.config.ts': DRIZZLE_SQLITE_CONFIG });
    const database = path.join(p.dir, 'local.db');
    sqliteDatabase(database);
    standIn(p, 'drizzle-kit', 'local.db');
    const explained = await explain(p, ['npx', 'drizzle-kit', 'push']);
    expect(explained.verdict).toBe('safe');
    expect(explained.target).toMatchObject([{ engine: 'sqlite', database, source: { file: path.join(p.dir, 'drizzle.config.ts'), key: 'dbCredentials.url' } }]);
    const result = await runCli(['run', '--', 'drizzle-kit', 'push'], { cwd: p.dir, env: p.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^dbsafe: (?:backed up|snapshot of) local\.db → /);
    expect(rows(database)).toBe('0');
  });
  it('refuses drizzle-kit push when dbCredentials read a production DATABASE_URL, without running it', async () => {
    const p = project({
      'drizzle.config.ts': `import { defineConfig } from 'drizzle-kit';\n\nexport default defineConfig({\n  dialect: 'postgresql',\n  schema: './src/db/schema.ts',\n  dbCredentials: { url: process.env.DATABASE_URL! },\n});\n`,
      '.env': 'DATABASE_URL=postgres://app:pw@db.prod.example.com:5432/shop_production\n',
    });
    standIn(p, 'drizzle-kit', 'nothing.db');
    const explained = await explain(p, ['npx', 'drizzle-kit', 'push']);
    expect(explained.verdict).toBe('refused');
    expect(explained.target[0]).toMatchObject({ host: 'db.prod.example.com', database: 'shop_production', source: { variable: 'DATABASE_URL' } });
    const result = await runCli(['run', '--', 'drizzle-kit', 'push'], { cwd: p.dir, env: p.env });
    expect(result.code).toBe(3);
    expect(existsSync(path.join(p.dir, 'ran.txt'))).toBe(false);
  });
});

// sequelize-cli init's config/config.json, with SQLite for development (sequelize.org "Migrations").
const SEQUELIZE_CONFIG = JSON.stringify(
  {
    development: { dialect: 'sqlite', storage: './dev.sqlite' },
    test: { dialect: 'sqlite', storage: ':memory:' },
    production: { use_env_variable: 'DATABASE_URL', dialect: 'postgres' },
  },
  null,
  2,
);

describe('Sequelize through the CLI', () => {
  it('backs up the development storage of config/config.json for sequelize db:migrate', async () => {
    const p = project({ 'config/config.json': SEQUELIZE_CONFIG });
    const database = path.join(p.dir, 'dev.sqlite');
    sqliteDatabase(database);
    standIn(p, 'sequelize', 'dev.sqlite');
    const explained = await explain(p, ['npx', 'sequelize', 'db:migrate']);
    expect(explained.verdict).toBe('safe');
    expect(explained.target).toMatchObject([{ engine: 'sqlite', database }]);
    const result = await runCli(['run', '--', 'sequelize', 'db:migrate'], { cwd: p.dir, env: p.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^dbsafe: (?:backed up|snapshot of) dev\.sqlite → /);
    expect(rows(database)).toBe('0');
  });

  it('refuses sequelize db:migrate --env production through use_env_variable, without running it', async () => {
    const p = project({ 'config/config.json': SEQUELIZE_CONFIG });
    standIn(p, 'sequelize', 'dev.sqlite');
    const env = { DATABASE_URL: 'postgres://app:pw@db.prod.example.com:5432/shop' };
    const explained = await explain(p, ['sequelize', 'db:migrate', '--env', 'production'], env);
    expect(explained.verdict).toBe('refused');
    expect(explained.target[0]).toMatchObject({ host: 'db.prod.example.com', database: 'shop', source: { variable: 'DATABASE_URL' } });
    const result = await runCli(['run', '--', 'sequelize', 'db:migrate', '--env', 'production'], { cwd: p.dir, env: { ...p.env, ...env } });
    expect(result.code).toBe(3);
    expect(existsSync(path.join(p.dir, 'ran.txt'))).toBe(false);
  });
});

// typeorm init's src/data-source.ts, SQLite variant (typeorm.io "Quick start").
const TYPEORM_SQLITE = `import "reflect-metadata"
import { DataSource } from "typeorm"
import { User } from "./entity/User"

export const AppDataSource = new DataSource({
    type: "sqlite",
    database: "database.sqlite",
    synchronize: true,
    logging: false,
    entities: [User],
    migrations: [],
    subscribers: [],
})
`;
const TYPEORM_PRODUCTION = `import { DataSource } from "typeorm"

export const AppDataSource = new DataSource({
    type: "postgres",
    host: "orders-db.internal.example.com",
    port: 5432,
    username: "app",
    password: process.env.DB_PASSWORD,
    database: "orders",
    migrations: ["src/migration/*.ts"],
})
`;

describe('TypeORM through the CLI', () => {
  const typeormProject = (source: string) => {
    const p = project({ 'src/data-source.ts': source });
    writeFileSync(path.join(p.dir, 'package.json'), JSON.stringify({ name: 'app', private: true, dbsafe: {}, dependencies: { typeorm: '^0.3.20' } }));
    return p;
  };

  it('backs up the SQLite database of src/data-source.ts for typeorm migration:run', async () => {
    const p = typeormProject(TYPEORM_SQLITE);
    const database = path.join(p.dir, 'database.sqlite');
    sqliteDatabase(database);
    standIn(p, 'typeorm', 'database.sqlite');
    const explained = await explain(p, ['npx', 'typeorm', 'migration:run', '-d', 'src/data-source.ts']);
    expect(explained.verdict).toBe('safe');
    expect(explained.target).toMatchObject([{ engine: 'sqlite', database }]);
    const result = await runCli(['run', '--', 'typeorm', 'migration:run', '-d', 'src/data-source.ts'], { cwd: p.dir, env: p.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^dbsafe: (?:backed up|snapshot of) database\.sqlite → /);
    expect(rows(database)).toBe('0');
  });

  it('refuses a data source on a remote server, without running the migration', async () => {
    const p = typeormProject(TYPEORM_PRODUCTION);
    standIn(p, 'typeorm', 'nothing.db');
    const explained = await explain(p, ['typeorm', 'migration:run', '-d', 'src/data-source.ts']);
    expect(explained.verdict).toBe('refused');
    expect(explained.target[0]).toMatchObject({ engine: 'postgres', host: 'orders-db.internal.example.com', database: 'orders' });
    const result = await runCli(['run', '--', 'typeorm', 'migration:run', '-d', 'src/data-source.ts'], { cwd: p.dir, env: p.env });
    expect(result.code).toBe(3);
    expect(existsSync(path.join(p.dir, 'ran.txt'))).toBe(false);
  });
});
