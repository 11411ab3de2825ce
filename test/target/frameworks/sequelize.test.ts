import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSequelize } from '../../../src/target/frameworks/sequelize.js';
import { testProject } from './js-project.js';

// `sequelize-cli init` writes config/config.json with development, test and production
// entries (username root, password null, database_<env>, host 127.0.0.1, dialect mysql)
// (sequelize/cli src/assets/config.json). Written here in the same shape.
const SEQUELIZE_INIT_CONFIG = JSON.stringify(
  {
    development: { username: 'root', password: null, database: 'database_development', host: '127.0.0.1', dialect: 'mysql' },
    test: { username: 'root', password: null, database: 'database_test', host: '127.0.0.1', dialect: 'mysql' },
    production: { use_env_variable: 'DATABASE_URL', dialect: 'postgres' },
  },
  null,
  2,
);
const PACKAGE_JSON = JSON.stringify({ scripts: { test: 'jest --runInBand' }, devDependencies: { 'sequelize-cli': '^6.6.2' }, dependencies: { sequelize: '^6.37.0' } });

// The .sequelizerc the sequelize docs show ("The .sequelizerc file"): paths built with path.resolve.
const SEQUELIZERC = `// .sequelizerc
const path = require('path');

module.exports = {
  'config': path.resolve('config', 'database.js'),
  'models-path': path.resolve('db', 'models'),
  'seeders-path': path.resolve('db', 'seeders'),
  'migrations-path': path.resolve('db', 'migrations')
};
`;
const DATABASE_JS = `require('dotenv').config();

module.exports = {
  development: {
    dialect: 'sqlite',
    storage: './db/development.sqlite3'
  },
  test: {
    dialect: 'sqlite',
    storage: ':memory:'
  },
  production: {
    username: process.env.DB_USERNAME,
    password: process.env.DB_PASSWORD,
    database: process.env.DB_NAME,
    host: process.env.DB_HOSTNAME,
    port: process.env.DB_PORT || 5432,
    dialect: 'postgres',
    dialectOptions: { ssl: { require: true } }
  }
};
`;

describe('readSequelize', () => {
  it('is null without Sequelize, and ignores a config/config.json that is not Sequelize', () => {
    expect(readSequelize(testProject({ 'package.json': '{}' }).input())).toBeNull();
    expect(readSequelize(testProject({ 'package.json': '{}', 'config/config.json': '{"port": 3000}' }).input())).toBeNull();
  });

  it('reads the development entry of sequelize-cli init', () => {
    const project = testProject({ 'package.json': PACKAGE_JSON, 'config/config.json': SEQUELIZE_INIT_CONFIG });
    const reading = readSequelize(project.input({ argv: ['npx', 'sequelize-cli', 'db:migrate'] }))!;
    expect(reading.environment).toEqual({ name: 'development', reason: "development: sequelize-cli's default when neither --env nor NODE_ENV is set" });
    expect(reading.problems).toEqual([]);
    expect(reading.candidates).toEqual([
      {
        framework: 'sequelize',
        label: 'config.json `development`',
        fields: { engine: 'mysql', host: '127.0.0.1', user: 'root', database: 'database_development' },
        relativeTo: project.root,
        source: { file: path.join(project.root, 'config/config.json'), key: 'development' },
        fieldSources: {
          host: { file: path.join(project.root, 'config/config.json'), key: 'development.host' },
          user: { file: path.join(project.root, 'config/config.json'), key: 'development.username' },
          database: { file: path.join(project.root, 'config/config.json'), key: 'development.database' },
        },
      },
    ]);
  });

  it('reads production by --env through use_env_variable, naming the production host', () => {
    const project = testProject({ 'package.json': PACKAGE_JSON, 'config/config.json': SEQUELIZE_INIT_CONFIG, '.env': 'DATABASE_URL=postgres://app:pw@prod.db.example.com:5432/app\n' });
    const reading = readSequelize(project.input({ argv: ['npx', 'sequelize-cli', 'db:migrate:undo:all', '--env', 'production'] }))!;
    expect(reading.environment?.name).toBe('production');
    expect(reading.candidates[0]).toMatchObject({ url: 'postgres://app:pw@prod.db.example.com:5432/app', source: { key: 'production.use_env_variable', variable: 'DATABASE_URL' } });
  });

  it('reads the test entry for jest (NODE_ENV=test), and NODE_ENV over the default', () => {
    const project = testProject({ 'package.json': PACKAGE_JSON, 'config/config.json': SEQUELIZE_INIT_CONFIG });
    const test = readSequelize(project.input({ argv: ['npm', 'test'] }))!;
    expect(test.environment).toEqual({ name: 'test', reason: 'test: `npm test (jest)` runs with NODE_ENV=test' });
    expect(test.candidates[0]?.fields?.database).toBe('database_test');
    const production = readSequelize(project.input({ argv: ['npx', 'sequelize-cli', 'db:seed:all'], env: { NODE_ENV: 'production' } }))!;
    expect(production.problems[0]?.message).toMatch(/^config\/config\.json names DATABASE_URL for the production configuration, which is not set/);
  });

  it('reads a url key of config.js', () => {
    const project = testProject({ 'package.json': PACKAGE_JSON, 'config/config.js': `module.exports = {\n  development: { url: process.env.DEV_DATABASE_URL, dialect: 'postgres' },\n};\n` });
    const reading = readSequelize(project.input({ env: { DEV_DATABASE_URL: 'postgres://localhost/app_dev' }, argv: ['sequelize', 'db:migrate', '--config', 'config/config.js'] }))!;
    expect(reading.candidates).toMatchObject([{ url: 'postgres://localhost/app_dev', source: { key: 'development.url', variable: 'DEV_DATABASE_URL' } }]);
  });

  it('follows .sequelizerc to config/database.js and its SQLite storage', () => {
    const project = testProject({ 'package.json': PACKAGE_JSON, '.sequelizerc': SEQUELIZERC, 'config/database.js': DATABASE_JS });
    const reading = readSequelize(project.input({ argv: ['npx', 'sequelize-cli', 'db:migrate'] }))!;
    expect(reading.problems).toEqual([]);
    expect(reading.candidates).toEqual([
      {
        framework: 'sequelize',
        label: 'database.js `development`',
        fields: { engine: 'sqlite', database: './db/development.sqlite3' },
        relativeTo: project.root,
        source: { file: path.join(project.root, 'config/database.js'), key: 'development' },
      },
    ]);
    const inMemory = readSequelize(project.input({ argv: ['npx', 'vitest', 'run'] }))!;
    expect(inMemory.environment?.name).toBe('test');
    expect(inMemory).toMatchObject({ candidates: [], problems: [] });
    const production = readSequelize(project.input({ argv: ['sequelize', 'db:migrate', '--env=production'], env: { DB_HOSTNAME: 'shop.cluster-abc.eu-west-1.rds.amazonaws.com', DB_NAME: 'shop' } }))!;
    expect(production.candidates[0]?.fields).toEqual({ engine: 'postgres', host: 'shop.cluster-abc.eu-west-1.rds.amazonaws.com', port: '5432', database: 'shop' });
  });

  it('reports a config that is not JSON, a missing environment, and a computed config path', () => {
    const broken = testProject({ 'package.json': PACKAGE_JSON, 'config/config.json': '{ "development": { "dialect": "mysql", } }' });
    expect(readSequelize(broken.input())!.problems[0]?.message).toMatch(/^config\/config\.json is not valid JSON \(.+\)\. Fix the syntax/);
    const missing = testProject({ 'package.json': PACKAGE_JSON, 'config/config.json': SEQUELIZE_INIT_CONFIG });
    expect(readSequelize(missing.input({ argv: ['sequelize', 'db:migrate', '--env', 'staging'] }))!.problems[0]?.message).toBe(
      'config/config.json has no "staging" environment (it has development, test, production), so the command will fail or use another configuration. Add "staging" to it, or choose an existing one with --env or NODE_ENV.',
    );
    const noDialect = testProject({ 'package.json': PACKAGE_JSON, 'config/config.json': '{ "development": { "database": "app", "host": "127.0.0.1" } }' });
    expect(readSequelize(noDialect.input())!.problems[0]?.message).toMatch(/^config\/config\.json names no dialect for "development"/);
    const computed = testProject({ 'package.json': PACKAGE_JSON, '.sequelizerc': `module.exports = { config: configFor(process.env.TARGET) };\n` });
    expect(readSequelize(computed.input())!.problems[0]?.message).toMatch(/^\.sequelizerc computes config in code \(configFor\(…\)\), which dbsafe does not run/);
  });
});
