import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { live } from '../../src/engines/postgres/live.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import { createPostgresDatabase, PG, psql, type TestDatabase } from '../helpers/databases.js';
import { dbsafeErrorOf } from '../helpers/errors.js';

const created: TestDatabase[] = [];
afterEach(() => {
  for (const db of created.splice(0)) db.drop();
});

function database(): TestDatabase {
  const db = createPostgresDatabase();
  created.push(db);
  return db;
}
const targetOf = (url: string) => parseDatabaseUrl(url, { kind: 'flag', name: '--url' }, '/tmp');

const failure = dbsafeErrorOf;

describe('PostgreSQL live checks', () => {
  it('reads the version, primary state and no marker of a fresh database', async () => {
    const facts = await live.probe(targetOf(database().url));
    expect(facts).toEqual({ serverVersion: expect.stringMatching(/^PostgreSQL 1\d\.\d+/), standby: false, readOnly: false, marker: null });
  });

  it('writes the production marker inside the database and reads it back, whatever PGOPTIONS says', async () => {
    const db = database();
    await live.writeMarker(targetOf(db.url), 'production');
    expect(psql(`SELECT setconfig::text FROM pg_db_role_setting r JOIN pg_database d ON d.oid = r.setdatabase WHERE d.datname = '${db.name}'`)).toContain(
      'dbsafe.environment=production',
    );
    const saved = process.env.PGOPTIONS;
    process.env.PGOPTIONS = '-c dbsafe.environment=development';
    try {
      expect((await live.probe(targetOf(db.url))).marker).toBe('production');
    } finally {
      if (saved === undefined) delete process.env.PGOPTIONS;
      else process.env.PGOPTIONS = saved;
    }
    await live.writeMarker(targetOf(db.url), 'development');
    expect((await live.probe(targetOf(db.url))).marker).toBe('development');
  });

  it('does not carry the marker through pg_dump into another database', async () => {
    const marked = database();
    const copy = database();
    psql('CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2);', marked.name);
    await live.writeMarker(targetOf(marked.url), 'production');
    const connection = ['-h', PG.host, '-p', String(PG.port), '-U', PG.user];
    const plain = execFileSync('pg_dump', [...connection, marked.name], { encoding: 'utf8' });
    expect(plain).toContain('CREATE TABLE public.orders');
    expect(plain).not.toContain('dbsafe.environment');
    const archive = execFileSync('pg_dump', [...connection, '-Fc', marked.name]);
    execFileSync('pg_restore', [...connection, '--no-owner', '-d', copy.name], { input: archive });
    expect(psql('SELECT count(*) FROM orders', copy.name)).toBe('2');
    expect((await live.probe(targetOf(copy.url))).marker).toBeNull();
    expect((await live.probe(targetOf(marked.url))).marker).toBe('production');
  });

  it('sees a database set read-only by default', async () => {
    const db = database();
    psql(`ALTER DATABASE "${db.name}" SET default_transaction_read_only = on`);
    expect((await live.probe(targetOf(db.url))).readOnly).toBe(true);
  });

  it('says the database does not exist, and how to fix it', async () => {
    const error = await failure(live.probe(targetOf(`postgres://${PG.user}@${PG.host}:${PG.port}/dbsafe_test_missing_db`)));
    expect(error.code).toBe('live-missing-database');
    expect(error.message).toContain('"dbsafe_test_missing_db" does not exist');
    expect(error.message).toContain('Create it');
  });

  it('says the server is unreachable, and how to fix it', async () => {
    const error = await failure(live.probe(targetOf('postgres://postgres@127.0.0.1:1/app_dev')));
    expect(error.code).toBe('live-unreachable');
    expect(error.message).toContain('127.0.0.1:1');
    expect(error.message).toContain('Start the server');
  });
});

describe('PostgreSQL marker written by a database owner that is not a superuser', () => {
  const role = `dbsafe_test_owner_${Math.random().toString(16).slice(2, 8)}`;
  let db: TestDatabase | undefined;
  afterEach(() => {
    db?.drop();
    db = undefined;
    psql(`DROP ROLE IF EXISTS ${role}`);
  });

  it('falls back to the database comment, which pg_dump does not carry either', async () => {
    psql(`CREATE ROLE ${role} LOGIN`);
    db = createPostgresDatabase();
    psql(`ALTER DATABASE "${db.name}" OWNER TO ${role}`);
    psql(`COMMENT ON DATABASE "${db.name}" IS 'orders service'`);
    const asOwner = targetOf(`postgres://${role}@${PG.host}:${PG.port}/${db.name}`);
    await live.writeMarker(asOwner, 'production');
    expect(psql(`SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '${db.name}'`)).toBe('orders service; dbsafe.environment=production');
    expect((await live.probe(asOwner)).marker).toBe('production');
    const plain = execFileSync('pg_dump', ['-h', PG.host, '-p', String(PG.port), '-U', PG.user, db.name], { encoding: 'utf8' });
    expect(plain).not.toContain('dbsafe.environment');
    await live.writeMarker(asOwner, 'development');
    expect((await live.probe(asOwner)).marker).toBe('development');
  });
});
