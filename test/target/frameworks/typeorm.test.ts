import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTypeorm } from '../../../src/target/frameworks/typeorm.js';
import { testProject } from './js-project.js';

// `typeorm init --database postgres` writes src/data-source.ts exporting
// `AppDataSource = new DataSource({ type: "postgres", host: "localhost", port: 5432,
// username/password/database "test", … })` (typeorm/typeorm src/commands/InitCommand.ts;
// the same file in many public repos, e.g. Vital99878/English-Backend src/app-data-source.ts).
const TYPEORM_INIT_DATA_SOURCE = `import "reflect-metadata"
import { DataSource } from "typeorm"
import { User } from "./entity/User"

export const AppDataSource = new DataSource({
    type: "postgres",
    host: "localhost",
    port: 5432,
    username: "test",
    password: "test",
    database: "test",
    synchronize: true,
    logging: false,
    entities: [User],
    migrations: [],
    subscribers: [],
})
`;
const PACKAGE_JSON = JSON.stringify({ dependencies: { typeorm: '0.3.20', pg: '^8.4.0' } });

// The environment-variable form most projects move to (NestJS docs' data source for the CLI).
const ENV_DATA_SOURCE = `import { DataSource, DataSourceOptions } from 'typeorm';
import 'dotenv/config';

export const options: DataSourceOptions = {
  type: 'postgres',
  url: process.env.DATABASE_URL,
  entities: [__dirname + '/**/*.entity{.ts,.js}'],
  migrations: ['dist/migrations/*.js'],
};

export default new DataSource(options);
`;

describe('readTypeorm', () => {
  it('is null for a project without TypeORM', () => {
    expect(readTypeorm(testProject({ 'package.json': '{}', 'src/data-source.ts': TYPEORM_INIT_DATA_SOURCE }).input())).toBeNull();
  });

  it("reads typeorm init's src/data-source.ts", () => {
    const project = testProject({ 'package.json': PACKAGE_JSON, 'src/data-source.ts': TYPEORM_INIT_DATA_SOURCE });
    const reading = readTypeorm(project.input({ argv: ['npm', 'start'] }))!;
    expect(reading.problems).toEqual([]);
    const file = path.join(project.root, 'src/data-source.ts');
    expect(reading.candidates).toEqual([
      {
        framework: 'typeorm',
        label: 'data-source.ts DataSource',
        fields: { engine: 'postgres', host: 'localhost', port: '5432', user: 'test', password: 'test', database: 'test' },
        relativeTo: project.root,
        source: { file, key: 'DataSource' },
        fieldSources: {
          host: { file, key: 'DataSource.host' },
          port: { file, key: 'DataSource.port' },
          user: { file, key: 'DataSource.username' },
          password: { file, key: 'DataSource.password' },
          database: { file, key: 'DataSource.database' },
        },
      },
    ]);
  });

  it('follows -d on a typeorm CLI command to a data source naming a production URL', () => {
    const project = testProject({ 'package.json': PACKAGE_JSON, 'src/config/typeorm.ts': ENV_DATA_SOURCE, '.env': 'DATABASE_URL=postgres://api:pw@api-prod.cluster-x.us-east-1.rds.amazonaws.com:5432/api\n' });
    const reading = readTypeorm(project.input({ argv: ['npx', 'typeorm-ts-node-commonjs', 'migration:revert', '-d', 'src/config/typeorm.ts'] }))!;
    expect(reading.candidates).toMatchObject([{ url: 'postgres://api:pw@api-prod.cluster-x.us-east-1.rds.amazonaws.com:5432/api', source: { key: 'DataSource.url', variable: 'DATABASE_URL' } }]);
    const unset = testProject({ 'package.json': PACKAGE_JSON, 'src/config/typeorm.ts': ENV_DATA_SOURCE });
    expect(readTypeorm(unset.input({ argv: ['typeorm', 'schema:drop', '--dataSource=src/config/typeorm.ts'] }))!.problems[0]?.message).toMatch(
      /^src\/config\/typeorm\.ts names DATABASE_URL for typeorm\.ts DataSource, which is not set in the environment or \.env/,
    );
  });

  it('reads a SQLite database path and the TYPEORM_* variables of TypeORM 0.2', () => {
    const project = testProject({
      'package.json': PACKAGE_JSON,
      'data-source.ts': `import { DataSource } from "typeorm"\nexport default new DataSource({ type: "better-sqlite3", database: "db/app.sqlite" })\n`,
    });
    const reading = readTypeorm(project.input({ env: { TYPEORM_CONNECTION: 'mysql', TYPEORM_HOST: 'mysql.prod.example.com', TYPEORM_DATABASE: 'shop' } }))!;
    expect(reading.candidates).toMatchObject([
      { fields: { engine: 'sqlite', database: 'db/app.sqlite' }, relativeTo: project.root },
      { label: 'TYPEORM_* variables', fields: { engine: 'mysql', host: 'mysql.prod.example.com', database: 'shop' }, source: { variable: 'TYPEORM_CONNECTION' } },
    ]);
  });

  it('reads ormconfig.json (an array of connections)', () => {
    const project = testProject({
      'package.json': PACKAGE_JSON,
      'ormconfig.json': JSON.stringify([{ name: 'default', type: 'mysql', host: '127.0.0.1', database: 'app_dev' }, { name: 'reports', type: 'postgres', url: 'postgres://reports.internal/reports' }]),
    });
    const reading = readTypeorm(project.input())!;
    expect(reading.candidates.map((c) => [c.label, c.url ?? c.fields?.database])).toEqual([
      ['ormconfig.json [0]', 'app_dev'],
      ['ormconfig.json [1]', 'postgres://reports.internal/reports'],
    ]);
  });

  it('reports a data source built in code, an unsupported type and a syntax error', () => {
    const computed = testProject({
      'package.json': PACKAGE_JSON,
      'src/data-source.ts': `import { DataSource } from 'typeorm';\nimport { buildOptions } from './config';\nexport const AppDataSource = new DataSource(buildOptions(process.env.NODE_ENV));\n`,
    });
    expect(readTypeorm(computed.input())!.problems[0]?.message).toMatch(/^src\/data-source\.ts computes DataSource in code \(buildOptions\(…\)\), which dbsafe does not run/);
    const mssql = testProject({ 'package.json': PACKAGE_JSON, 'src/data-source.ts': `export const ds = new DataSource({ type: 'mssql', host: 'sql' });\n` });
    expect(readTypeorm(mssql.input())!.problems[0]?.message).toMatch(/uses type "mssql", an engine dbsafe cannot back up or judge/);
    const broken = testProject({ 'package.json': PACKAGE_JSON, 'src/data-source.ts': `export const ds = new DataSource({ type: "postgres, host: "x" });\n` });
    expect(readTypeorm(broken.input())!.problems[0]?.message).toMatch(/^src\/data-source\.ts cannot be read as JavaScript\/TypeScript: a string starting on line 1 is not closed/);
    const none = testProject({ 'package.json': PACKAGE_JSON, 'src/data-source.ts': `export const AppDataSource = createDataSource();\n` });
    expect(readTypeorm(none.input())!.problems[0]?.message).toMatch(/^src\/data-source\.ts has no `new DataSource\(\{…\}\)` dbsafe can read/);
  });
});
