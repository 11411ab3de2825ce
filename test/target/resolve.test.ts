import { describe, expect, it } from 'vitest';
import { resolveTargets, type ResolveInput } from '../../src/target/resolve.js';

const base = (over: Partial<ResolveInput>): ResolveInput => ({ env: {}, dotenv: [], cwd: '/project', osUser: 'dev', ...over });

describe('resolveTargets', () => {
  it('finds nothing in an empty environment', () => {
    const result = resolveTargets(base({}));
    expect(result.primary).toBeNull();
    expect(result.all).toEqual([]);
    expect(result.problems).toEqual([]);
  });

  it('puts --url before DATABASE_URL and lists both', () => {
    const result = resolveTargets(base({ flagUrl: 'postgres://localhost/flagged', env: { DATABASE_URL: 'postgres://localhost/from_env' } }));
    expect(result.primary?.database).toBe('flagged');
    expect(result.primary?.origin).toEqual({ kind: 'flag', name: '--url' });
    expect(result.all.map((t) => t.database)).toEqual(['flagged', 'from_env']);
  });

  it('reads the Laravel DB_* family with its defaults', () => {
    const result = resolveTargets(base({ env: { DB_CONNECTION: 'pgsql', DB_DATABASE: 'shop_dev', DB_USERNAME: 'sail', DB_PASSWORD: 'password' } }));
    expect(result.primary).toMatchObject({ engine: 'postgres', host: '127.0.0.1', database: 'shop_dev', user: 'sail', password: 'password' });
    expect(result.primary?.fields.host?.kind).toBe('default');
    expect(result.primary?.fields.database).toEqual({ kind: 'env', name: 'DB_DATABASE' });
  });

  it('resolves a Laravel SQLite database relative to the project', () => {
    const result = resolveTargets(base({ env: { DB_CONNECTION: 'sqlite' } }));
    expect(result.primary).toMatchObject({ engine: 'sqlite', database: '/project/database/database.sqlite' });
  });

  it('reports DB_* without DB_CONNECTION as a problem instead of guessing', () => {
    const result = resolveTargets(base({ env: { DB_HOST: '127.0.0.1', DB_DATABASE: 'x' } }));
    expect(result.primary).toBeNull();
    expect(result.problems[0]).toMatchObject({ code: 'incomplete' });
    expect(result.problems[0]?.message).toContain('DB_CONNECTION');
  });

  it('reports an unsupported DB_CONNECTION', () => {
    const result = resolveTargets(base({ env: { DB_CONNECTION: 'sqlsrv', DB_DATABASE: 'x' } }));
    expect(result.problems[0]).toMatchObject({ code: 'unknown-scheme' });
  });

  it('lets the shell environment override the same variable in .env', () => {
    const result = resolveTargets(
      base({
        env: { DATABASE_URL: 'postgres://localhost/shell_db' },
        dotenv: [{ file: '/project/.env', values: { DATABASE_URL: 'postgres://localhost/dotenv_db' } }],
      }),
    );
    expect(result.all.map((t) => t.database)).toEqual(['shell_db']);
    expect(result.primary?.origin.kind).toBe('env');
  });

  it('lets later .env files override earlier ones and records the file', () => {
    const result = resolveTargets(
      base({
        dotenv: [
          { file: '/project/.env', values: { DATABASE_URL: 'postgres://localhost/base_db' } },
          { file: '/project/.env.local', values: { DATABASE_URL: 'postgres://localhost/local_db' } },
        ],
      }),
    );
    expect(result.primary?.database).toBe('local_db');
    expect(result.primary?.origin).toEqual({ kind: 'dotenv', name: 'DATABASE_URL', file: '/project/.env.local' });
  });

  it('reads libpq PG* variables, defaulting the database to the user', () => {
    const result = resolveTargets(base({ env: { PGHOST: 'localhost', PGUSER: 'alice', PGPASSWORD: 's3cret' } }));
    expect(result.primary).toMatchObject({ engine: 'postgres', host: 'localhost', database: 'alice', user: 'alice', password: 's3cret' });
  });

  it('treats a PGHOST path as a unix socket', () => {
    const result = resolveTargets(base({ env: { PGHOST: '/var/run/postgresql', PGDATABASE: 'app_dev' } }));
    expect(result.primary).toMatchObject({ socket: '/var/run/postgresql', hosts: [], database: 'app_dev' });
    expect(result.primary?.host).toBeUndefined();
  });

  it('reads MYSQL_* variables', () => {
    const result = resolveTargets(base({ env: { MYSQL_HOST: '127.0.0.1', MYSQL_DATABASE: 'shop', MYSQL_PWD: 'x' } }));
    expect(result.primary).toMatchObject({ engine: 'mysql', database: 'shop', password: 'x' });
  });

  it('reads MongoDB URIs and any *DATABASE_URL / *DB_URL variable', () => {
    const result = resolveTargets(
      base({
        env: {
          MONGODB_URI: 'mongodb://localhost/events',
          NEXT_PRIVATE_DATABASE_URL: 'postgres://localhost/next_db',
          ANALYTICS_DB_URL: 'mysql://localhost/analytics',
          NOT_A_DATABASE_URLX: 'postgres://localhost/ignored',
        },
      }),
    );
    expect(result.all.map((t) => t.database)).toEqual(['events', 'analytics', 'next_db']);
  });

  it('flags TLS client certificates from PGSSLCERT', () => {
    const result = resolveTargets(base({ env: { PGHOST: 'localhost', PGDATABASE: 'd', PGSSLCERT: '/home/u/.postgresql/client.crt' } }));
    expect(result.primary?.tls.cert).toBe('/home/u/.postgresql/client.crt');
  });

  it('collapses the same database named twice', () => {
    const result = resolveTargets(
      base({ env: { DATABASE_URL: 'postgres://app@localhost:5432/app_dev', PGHOST: 'localhost', PGDATABASE: 'app_dev', PGUSER: 'app' } }),
    );
    expect(result.all).toHaveLength(1);
  });

  it('makes the configured variable the primary target', () => {
    const result = resolveTargets(
      base({ env: { DATABASE_URL: 'postgres://localhost/main_db', PG_DATABASE_URL: 'postgres://localhost/other_db' }, preferredVariable: 'PG_DATABASE_URL' }),
    );
    expect(result.primary?.database).toBe('other_db');
    expect(result.all.map((t) => t.database)).toEqual(['other_db', 'main_db']);
  });

  it.each([
    ['unset everywhere', {}, []],
    ['empty', { NOPE_URL: '' }, []],
    ['set only in another .env variable', {}, [{ file: '.env', values: { OTHER_URL: 'postgres://localhost/x' } }]],
  ])('a configured "target" variable that is %s is a problem, never a fall-back to DATABASE_URL', (_case, extra: Record<string, string>, dotenv) => {
    const result = resolveTargets(base({ env: { DATABASE_URL: 'postgres://localhost/main_db', ...extra }, dotenv, preferredVariable: 'NOPE_URL' }));
    expect(result.primary).toBeNull();
    expect(result.problems).toEqual([expect.objectContaining({ code: 'target-variable-unset', origin: { kind: 'config', name: 'NOPE_URL' } })]);
    expect(result.problems[0]?.message).toContain('"target" names NOPE_URL, which is not set');
    expect(result.problems[0]?.message).toContain('Set NOPE_URL to the database\'s URL');
    expect(result.all.map((t) => t.database)).toEqual(['main_db']);
  });

  it('a configured "target" variable set only in .env is the primary target, whatever its name', () => {
    const result = resolveTargets(
      base({ env: { DATABASE_URL: 'postgres://localhost/main_db' }, dotenv: [{ file: '/project/.env', values: { MAIN_DB: 'postgres://localhost/chosen_db' } }], preferredVariable: 'MAIN_DB' }),
    );
    expect(result.problems).toEqual([]);
    expect(result.primary?.database).toBe('chosen_db');
  });

  it('a configured "target" naming a field variable picks its family; --url still wins over the config', () => {
    const env = { DATABASE_URL: 'postgres://localhost/main_db', PGHOST: 'localhost', PGDATABASE: 'pg_db' };
    expect(resolveTargets(base({ env, preferredVariable: 'PGDATABASE' })).primary?.database).toBe('pg_db');
    const flagged = resolveTargets(base({ env, flagUrl: 'postgres://localhost/flagged', preferredVariable: 'NOPE_URL' }));
    expect(flagged.primary?.database).toBe('flagged');
    expect(flagged.problems).toEqual([]);
  });

  it('a configured "target" holding a malformed URL reports that URL, and no other database stands in', () => {
    const result = resolveTargets(base({ env: { DATABASE_URL: 'postgres://localhost/main_db', NOPE_URL: 'postgres://h:notaport/x' }, preferredVariable: 'NOPE_URL' }));
    expect(result.primary).toBeNull();
    expect(result.problems.map((p) => [p.code, p.origin.name])).toEqual([['malformed-url', 'NOPE_URL']]);
  });

  it('keeps a malformed URL as a problem and still reads the others', () => {
    const result = resolveTargets(base({ env: { DATABASE_URL: 'postgres://u:p@host:notaport/db', MONGO_URI: 'mongodb://localhost/ok' } }));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.message).toContain('DATABASE_URL');
    expect(result.problems[0]?.message).not.toContain(':p@');
    expect(result.primary?.database).toBe('ok');
  });

  it('does not suggest --url as the fix for a malformed --url', () => {
    const result = resolveTargets(base({ flagUrl: 'postgres://x@h:zz/db' }));
    expect(result.problems[0]?.message).toContain('--url cannot be read');
    expect(result.problems[0]?.message).not.toContain('point dbsafe at the database with --url');
  });

  it('refuses a non-numeric DB_PORT', () => {
    const result = resolveTargets(base({ env: { DB_CONNECTION: 'mysql', DB_DATABASE: 'x', DB_PORT: 'three' } }));
    expect(result.primary).toBeNull();
    expect(result.problems[0]?.message).toContain('DB_PORT');
  });
});
