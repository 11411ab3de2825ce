import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKnex } from '../../../src/target/frameworks/knex.js';
import { testProject } from './js-project.js';

// The layout `knex init` writes (knex/knex lib/migrations/migrate/stub/knexfile-js.stub):
// module.exports with development (sqlite3, ./dev.sqlite3), staging and production
// (postgresql with a connection object). Written here in the same shape.
const KNEX_INIT_KNEXFILE = `// knexfile written by \`knex init\`

/**
 * @type { Object.<string, import("knex").Knex.Config> }
 */
module.exports = {

  development: {
    client: 'sqlite3',
    connection: {
      filename: './dev.sqlite3'
    }
  },

  staging: {
    client: 'postgresql',
    connection: {
      database: 'my_db',
      user:     'username',
      password: 'password'
    },
    pool: { min: 2, max: 10 },
    migrations: { tableName: 'knex_migrations' }
  },

  production: {
    client: 'postgresql',
    connection: process.env.DATABASE_URL,
    pool: { min: 2, max: 10 },
    migrations: { tableName: 'knex_migrations' }
  }

};
`;

// The TypeScript form (`knex init -x ts`), with the environment variables most projects switch to.
const TS_KNEXFILE = `import type { Knex } from "knex";
import 'dotenv/config';

const config: { [key: string]: Knex.Config } = {
  development: {
    client: "pg",
    connection: {
      host: process.env.DB_HOST ?? "127.0.0.1",
      port: Number(process.env.DB_PORT || 5432),
      user: process.env.DB_USER,
      password: process.env.DB_PASSWORD,
      database: process.env.DB_NAME!,
    },
  },
  test: {
    client: "pg",
    connection: \`postgres://postgres@localhost:5432/\${process.env.DB_NAME}_test\`,
  },
};

export default config;
`;

describe('readKnex', () => {
  it('is null for a project without a knexfile', () => {
    expect(readKnex(testProject({ 'package.json': '{}' }).input())).toBeNull();
  });

  it('reads the knex init development SQLite file, relative to the knexfile', () => {
    const project = testProject({ 'knexfile.js': KNEX_INIT_KNEXFILE });
    const reading = readKnex(project.input({ argv: ['npx', 'knex', 'migrate:latest'] }))!;
    expect(reading.environment).toEqual({ name: 'development', reason: expect.stringContaining("knex's default") });
    expect(reading.problems).toEqual([]);
    expect(reading.candidates).toEqual([
      {
        framework: 'knex',
        label: 'knexfile.js `development`',
        fields: { engine: 'sqlite', database: './dev.sqlite3' },
        relativeTo: project.root,
        source: { file: path.join(project.root, 'knexfile.js'), key: 'development.connection' },
        fieldSources: { database: { file: path.join(project.root, 'knexfile.js'), key: 'development.connection.filename' } },
      },
    ]);
  });

  it('reads the production environment chosen by --env, naming the production host', () => {
    const project = testProject({ 'knexfile.js': KNEX_INIT_KNEXFILE, '.env': 'DATABASE_URL=postgres://app:secret@db.prod.example.com:5432/shop\n' });
    const reading = readKnex(project.input({ argv: ['npx', 'knex', 'migrate:latest', '--env', 'production'] }))!;
    expect(reading.environment).toEqual({ name: 'production', reason: 'production: `--env production` on the command line' });
    expect(reading.candidates[0]).toMatchObject({ url: 'postgres://app:secret@db.prod.example.com:5432/shop', source: { key: 'production.connection', variable: 'DATABASE_URL' } });
  });

  it('chooses the environment by NODE_ENV, and --env=staging over it', () => {
    const project = testProject({ 'knexfile.js': KNEX_INIT_KNEXFILE });
    const byNodeEnv = readKnex(project.input({ argv: ['knex', 'migrate:latest'], env: { NODE_ENV: 'staging' } }))!;
    expect(byNodeEnv.environment?.name).toBe('staging');
    expect(byNodeEnv.candidates[0]?.fields).toEqual({ engine: 'postgres', database: 'my_db', user: 'username', password: 'password' });
    const byFlag = readKnex(project.input({ argv: ['knex', 'seed:run', '--env=production'], env: { NODE_ENV: 'staging' } }))!;
    expect(byFlag.environment?.name).toBe('production');
  });

  it('reads the test environment for jest and vitest, which set NODE_ENV=test', () => {
    const project = testProject({ 'knexfile.ts': TS_KNEXFILE, '.env': 'DB_NAME=shop\n', 'package.json': '{"scripts":{"test":"vitest run"}}' });
    const reading = readKnex(project.input({ argv: ['npm', 'test'] }))!;
    expect(reading.environment).toEqual({ name: 'test', reason: 'test: `npm test (vitest)` runs with NODE_ENV=test' });
    expect(reading.variables).toEqual({ NODE_ENV: { value: 'test', source: { variable: 'NODE_ENV', isDefault: true } } });
    expect(reading.candidates[0]?.url).toBe('postgres://postgres@localhost:5432/shop_test');
  });

  it('uses the written defaults of a TypeScript knexfile and says where each field came from', () => {
    const project = testProject({ 'knexfile.ts': TS_KNEXFILE, '.env': 'DB_NAME=shop_dev\nDB_PORT=5433\n' });
    const reading = readKnex(project.input({ argv: ['npx', 'knex', 'migrate:rollback', '--all'] }))!;
    expect(reading.problems).toEqual([]);
    const [candidate] = reading.candidates;
    expect(candidate?.fields).toEqual({ engine: 'postgres', host: '127.0.0.1', port: '5433', database: 'shop_dev' });
    expect(candidate?.fieldSources?.host).toMatchObject({ variable: 'DB_HOST', isDefault: true, key: 'development.connection.host' });
    expect(candidate?.fieldSources?.database).toMatchObject({ variable: 'DB_NAME' });
  });

  it('reports a variable the knexfile names that is unset', () => {
    const project = testProject({ 'knexfile.ts': TS_KNEXFILE });
    const reading = readKnex(project.input({ argv: ['knex', 'migrate:latest'] }))!;
    expect(reading.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^knexfile\.ts names DB_NAME for the development connection \(development\.connection\.database\), which is not set in the environment or \.env\. Set DB_NAME/),
    ]);
  });

  it('reports a knexfile that computes its configuration', () => {
    const project = testProject({
      'knexfile.js': `const { loadConfig } = require('./config');\nmodule.exports = loadConfig(process.env.NODE_ENV);\n`,
    });
    const reading = readKnex(project.input({ argv: ['knex', 'migrate:latest'] }))!;
    expect(reading.candidates).toEqual([]);
    expect(reading.problems[0]?.message).toMatch(/^knexfile\.js has no exported configuration dbsafe can read \(it is built in code\)/);
  });

  it('reports a connection computed by a function, an unknown environment and a syntax error', () => {
    const computed = testProject({ 'knexfile.js': `module.exports = { development: { client: 'pg', connection: async () => ({ host: await lookup() }) } };\n` });
    expect(readKnex(computed.input())!.problems[0]?.message).toMatch(/computes development\.connection in code \(async \(\) => .*\), which dbsafe does not run/);
    const unknown = testProject({ 'knexfile.js': KNEX_INIT_KNEXFILE });
    expect(readKnex(unknown.input({ argv: ['knex', 'migrate:latest', '--env', 'qa'] }))!.problems[0]?.message).toBe(
      'knexfile.js has no "qa" environment (it has development, staging, production), so the command will fail or use another configuration. Add "qa" to it, or choose an existing one with --env or NODE_ENV.',
    );
    const spread = testProject({ 'knexfile.js': `const base = require('./base');\nmodule.exports = { development: { ...base, connection: { database: 'dev' } } };\n` });
    expect(readKnex(spread.input())!.problems[0]?.message).toMatch(/^knexfile\.js computes development\.client in code \(\.\.\.spread\)/);
    const broken = testProject({ 'knexfile.js': `module.exports = {\n  development: { client: 'pg', connection: 'postgres://localhost/x }\n};\n` });
    expect(readKnex(broken.input())!.problems[0]?.message).toBe(
      'knexfile.js cannot be read as JavaScript/TypeScript: a string starting on line 2 is not closed. Fix the syntax, or point dbsafe at the database with --url.',
    );
  });

  it('reads path.join(__dirname, …) filenames, as the TypeScript knexfiles of many projects write them', () => {
    const project = testProject({
      'src/db/knexfile.ts': `import path from "path";\nimport type { Knex } from "knex";\nconst config: { [key: string]: Knex.Config } = {\n  development: {\n    client: "sqlite3",\n    connection: { filename: path.join(__dirname, "..", "..", "db.sqlite") },\n    useNullAsDefault: true,\n  },\n};\nmodule.exports = config;\n`,
    });
    const reading = readKnex(project.input({ argv: ['knex', '--knexfile', 'src/db/knexfile.ts', 'migrate:latest'] }))!;
    expect(reading.problems).toEqual([]);
    expect(reading.candidates[0]?.fields).toEqual({ engine: 'sqlite', database: path.join(project.root, 'db.sqlite') });
  });

  it('follows --knexfile to another directory and reports one that does not exist', () => {
    const project = testProject({ 'db/knexfile.js': `module.exports = { client: 'better-sqlite3', connection: { filename: 'app.db' } };\n` });
    const reading = readKnex(project.input({ argv: ['knex', '--knexfile', 'db/knexfile.js', 'migrate:latest'] }))!;
    expect(reading.candidates[0]).toMatchObject({ label: 'knexfile.js connection', fields: { engine: 'sqlite', database: 'app.db' }, relativeTo: path.join(project.root, 'db') });
    const missing = readKnex(project.input({ argv: ['knex', '--knexfile', 'nope.js', 'migrate:latest'] }))!;
    expect(missing.problems[0]?.message).toMatch(/^--knexfile names nope\.js, which does not exist/);
  });
});
