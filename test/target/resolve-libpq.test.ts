import { describe, expect, it } from 'vitest';
import { describeOrigin } from '../../src/target/describe.js';
import { resolveTargets, type ResolveInput } from '../../src/target/resolve.js';

const SERVICES = '[prod]\nhost=prod.db.example.com\ndbname=shop\n';

function input(overrides: Partial<ResolveInput>): ResolveInput {
  return { env: {}, dotenv: [], cwd: '/project', home: '/home/dev', osUser: 'dev', readFile: () => undefined, ...overrides };
}

describe('resolveTargets applies libpq\'s rules to PostgreSQL connection strings', () => {
  it('PGSERVICE in .env names a database on its own, from ~/.pg_service.conf', () => {
    const result = resolveTargets(
      input({ dotenv: [{ file: '/project/.env', values: { PGSERVICE: 'prod' } }], readFile: (file) => (file === '/home/dev/.pg_service.conf' ? SERVICES : undefined) }),
    );
    expect(result.problems).toEqual([]);
    expect(result.primary).toMatchObject({ engine: 'postgres', hosts: ['prod.db.example.com'], database: 'shop' });
    expect(describeOrigin(result.primary!.fields.host!)).toBe('host of service "prod" in /home/dev/.pg_service.conf (named by PGSERVICE in /project/.env)');
  });

  it('a URL without a password takes PGPASSWORD, as libpq does (so the tools need no inherited PGPASSWORD)', () => {
    const result = resolveTargets(input({ env: { DATABASE_URL: 'postgres://app@localhost/app_dev', PGPASSWORD: 'from-env' } }));
    expect(result.primary).toMatchObject({ password: 'from-env', fields: { password: { kind: 'env', name: 'PGPASSWORD' } } });
  });

  it('a URL without a host takes PGHOST: the database judged is the one libpq reaches', () => {
    const result = resolveTargets(input({ env: { DATABASE_URL: 'postgres:///app_dev', PGHOST: 'prod.db.example.com' } }));
    expect(result.primary?.hosts).toEqual(['prod.db.example.com']);
  });

  it('a service that cannot be found is a problem naming the variable, not a silent local default', () => {
    const result = resolveTargets(input({ env: { PGSERVICE: 'nosuch' } }));
    expect(result.all).toEqual([]);
    expect(result.problems[0]).toMatchObject({ code: 'service-not-found' });
    expect(result.problems[0]!.message).toContain('PGSERVICE');
  });

  it('both readings of a URL are candidates; the libpq one is the primary', () => {
    const result = resolveTargets(input({ env: { DATABASE_URL: 'postgres://127.0.0.1/app_dev?dbname=shop' } }));
    expect(result.all.map((t) => t.database)).toEqual(['shop', 'app_dev']);
    expect(result.primary?.database).toBe('shop');
  });
});

describe('libpq variables that are judged rather than connected to', () => {
  it('PGTARGETSESSIONATTRS=read-only asks for a replica: kept for the replica rule', () => {
    const result = resolveTargets(input({ env: { DATABASE_URL: 'postgres://localhost/app_dev', PGTARGETSESSIONATTRS: 'read-only' } }));
    expect(result.primary?.params).toMatchObject({ target_session_attrs: 'read-only' });
  });
});
