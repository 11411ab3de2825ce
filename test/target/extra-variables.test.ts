import { describe, expect, it } from 'vitest';
import { resolveTargets, type ResolveInput } from '../../src/target/resolve.js';
import { parseConnectionString } from '../../src/target/url.js';

const base = (over: Partial<ResolveInput>): ResolveInput => ({ env: {}, dotenv: [], cwd: '/project', osUser: 'dev', ...over });
const LOCAL = 'postgres://app@127.0.0.1:5432/app_dev';

describe('connection variables beyond DATABASE_URL', () => {
  const urlVariables: Array<[string, string]> = [
    ['DIRECT_URL', 'postgres://u@db.prod.example.com/shop'],
    ['POSTGRES_URL', 'postgres://u@ep-1.aws.neon.tech/shop'],
    ['POSTGRES_PRISMA_URL', 'postgres://u@ep-1-pooler.aws.neon.tech/shop'],
    ['POSTGRES_URL_NON_POOLING', 'postgres://u@ep-1.aws.neon.tech/shop'],
    ['DATABASE_URI', 'postgresql://u@prod-db.internal.example.com/shop'],
    ['SQLALCHEMY_DATABASE_URI', 'postgresql://u@prod-db.example.com/shop'],
    ['DB_CONNECTION_STRING', 'mysql://u@mysql.prod.example.com/shop'],
    ['SPRING_DATASOURCE_URL', 'jdbc:postgresql://prod-db.example.com:5432/shop?currentSchema=app'],
    ['DATABASE_PRIVATE_URL', 'postgres://u@postgres.railway.internal/railway'],
    ['PGURL', 'postgres://u@prod.example.com/shop'],
    ['DB_URI', 'mongodb://u@mongo.prod.example.com/shop'],
  ];
  it.each(urlVariables)('%s is read and judged beside a local DATABASE_URL (the local one stays primary)', (name, value) => {
    const result = resolveTargets(base({ env: { DATABASE_URL: LOCAL, [name]: value } }));
    expect(result.problems).toEqual([]);
    expect(result.primary?.database).toBe('app_dev');
    const other = result.all.find((t) => t.origin.name === name);
    expect(other?.host).toBe(new URL(value.replace(/^jdbc:/, '')).hostname);
  });

  it('SPRING_DATASOURCE_USERNAME and _PASSWORD complete a JDBC URL', () => {
    const result = resolveTargets(base({ env: { SPRING_DATASOURCE_URL: 'jdbc:mysql://127.0.0.1:3306/shop_dev', SPRING_DATASOURCE_USERNAME: 'shop', SPRING_DATASOURCE_PASSWORD: 's3cret' } }));
    expect(result.primary).toMatchObject({ engine: 'mysql', host: '127.0.0.1', port: 3306, database: 'shop_dev', user: 'shop', password: 's3cret' });
    expect(result.primary?.fields.user).toEqual({ kind: 'env', name: 'SPRING_DATASOURCE_USERNAME' });
  });

  it('reads DATABASE_HOST/DATABASE_NAME…, inferring the engine from the port when DATABASE_ENGINE is unset', () => {
    const result = resolveTargets(base({ env: { DATABASE_HOST: 'db.prod.example.com', DATABASE_NAME: 'shop', DATABASE_USER: 'u', DATABASE_PORT: '3306', DATABASE_PASSWORD: 'pw' } }));
    expect(result.primary).toMatchObject({ engine: 'mysql', host: 'db.prod.example.com', port: 3306, database: 'shop', user: 'u', password: 'pw' });
    const postgres = resolveTargets(base({ env: { DATABASE_HOST: 'localhost', DATABASE_NAME: 'shop' } }));
    expect(postgres.primary).toMatchObject({ engine: 'postgres', host: 'localhost', database: 'shop' });
    expect(postgres.primary?.fields.engine?.kind).toBe('default');
  });

  it('reads PG_HOST/PG_DATABASE/PG_USER/PG_PORT/PG_PASSWORD as PostgreSQL', () => {
    const result = resolveTargets(base({ env: { PG_HOST: 'prod.example.com', PG_DATABASE: 'shop', PG_USER: 'u', PG_PORT: '6543', PG_PASSWORD: 'pw' } }));
    expect(result.primary).toMatchObject({ engine: 'postgres', host: 'prod.example.com', port: 6543, database: 'shop', user: 'u', password: 'pw' });
    expect(result.primary?.fields.database).toEqual({ kind: 'env', name: 'PG_DATABASE' });
  });
});

describe('JDBC URLs', () => {
  const parse = (text: string) => parseConnectionString(text, { kind: 'env', name: 'X' }, { cwd: '/project' });
  it('reads jdbc:postgresql:// and jdbc:mysql:// with their own parameters kept', () => {
    expect(parse('jdbc:postgresql://db.example.com:5433/shop?user=app&password=pw&currentSchema=s')[0]).toMatchObject({ engine: 'postgres', host: 'db.example.com', port: 5433, database: 'shop', user: 'app', password: 'pw', params: { currentSchema: 's' } });
    expect(parse('jdbc:mysql://127.0.0.1/shop_dev?useSSL=false')[0]).toMatchObject({ engine: 'mysql', host: '127.0.0.1', database: 'shop_dev' });
    expect(parse('jdbc:mariadb://127.0.0.1/shop_dev')[0]).toMatchObject({ engine: 'mysql', database: 'shop_dev' });
  });
  it('reads the short form jdbc:postgresql:db as localhost, and jdbc:sqlite: relative to the directory', () => {
    expect(parse('jdbc:postgresql:shop')[0]).toMatchObject({ engine: 'postgres', host: 'localhost', database: 'shop' });
    expect(parse('jdbc:sqlite:data/app.db')[0]).toMatchObject({ engine: 'sqlite', database: '/project/data/app.db' });
  });
  it('refuses a JDBC subprotocol it does not know, naming it', () => {
    expect(() => parse('jdbc:oracle:thin:@prod:1521:orcl')).toThrow(/JDBC subprotocol "oracle"/);
  });
});
