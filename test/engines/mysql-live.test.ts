import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { commentWithMarker, live, MARKER_TABLE, markerStoreFor } from '../../src/engines/mysql/live.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import { createMariaDatabase, MARIA, mariadb, uniqueName, type TestDatabase } from '../helpers/databases.js';
import { dbsafeErrorOf } from '../helpers/errors.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function database(): TestDatabase {
  const db = createMariaDatabase();
  cleanups.push(() => db.drop());
  return db;
}
const targetOf = (url: string) => parseDatabaseUrl(url, { kind: 'flag', name: '--url' }, '/tmp');

const failure = dbsafeErrorOf;

describe('MariaDB live checks', () => {
  it('reads the version, primary state and no marker of a fresh database', async () => {
    const facts = await live.probe(targetOf(database().url));
    expect(facts).toEqual({ serverVersion: expect.stringMatching(/^MariaDB 1\d\.\d+\.\d+$/), standby: false, readOnly: false, marker: null });
  });

  it('writes the marker into the database comment, keeping the comment it had', async () => {
    const db = database();
    mariadb(`ALTER DATABASE \`${db.name}\` COMMENT = 'shop data'`);
    await live.writeMarker(targetOf(db.url), 'production');
    expect(mariadb(`SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${db.name}'`)).toBe('shop data; dbsafe.environment=production');
    expect((await live.probe(targetOf(db.url))).marker).toBe('production');
    await live.writeMarker(targetOf(db.url), 'development');
    expect(mariadb(`SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${db.name}'`)).toBe('shop data; dbsafe.environment=development');
  });

  it('does not carry the marker through mariadb-dump into another database', async () => {
    const marked = database();
    const copy = database();
    mariadb('CREATE TABLE orders (id INT PRIMARY KEY); INSERT INTO orders VALUES (1), (2);', marked.name);
    await live.writeMarker(targetOf(marked.url), 'production');
    const dump = execFileSync('mariadb-dump', ['-h', MARIA.host, '-P', String(MARIA.port), '-u', MARIA.user, '--single-transaction', '--routines', '--triggers', '--events', marked.name], {
      encoding: 'utf8',
    });
    expect(dump).toContain('CREATE TABLE `orders`');
    expect(dump).not.toContain('dbsafe.environment');
    execFileSync('mariadb', ['-h', MARIA.host, '-P', String(MARIA.port), '-u', MARIA.user, copy.name], { input: dump });
    expect(mariadb('SELECT COUNT(*) FROM orders', copy.name)).toBe('2');
    expect((await live.probe(targetOf(copy.url))).marker).toBeNull();
  });

  it('reads the MySQL-style marker table on any server', async () => {
    const db = database();
    mariadb(`CREATE TABLE ${MARKER_TABLE} (id TINYINT PRIMARY KEY, environment VARCHAR(16) NOT NULL, marked_at DATETIME NOT NULL); INSERT INTO ${MARKER_TABLE} VALUES (1, 'production', NOW());`, db.name);
    expect((await live.probe(targetOf(db.url))).marker).toBe('production');
  });

  it('chooses the comment on MariaDB 10.5+ and the table elsewhere', () => {
    expect(markerStoreFor('10.11.19-MariaDB-0+deb12u1')).toBe('comment');
    expect(markerStoreFor('11.4.2-MariaDB')).toBe('comment');
    expect(markerStoreFor('10.4.32-MariaDB')).toBe('table');
    expect(markerStoreFor('8.0.36')).toBe('table');
    expect(commentWithMarker('', 'production')).toBe('dbsafe.environment=production');
    expect(commentWithMarker('x; dbsafe.environment=production', 'development')).toBe('x; dbsafe.environment=development');
  });

  it('explains a wrong password, and accepts the right one', async () => {
    const db = database();
    const user = uniqueName();
    mariadb(`CREATE USER '${user}'@'%' IDENTIFIED BY 'right-password'; GRANT ALL ON \`${db.name}\`.* TO '${user}'@'%';`);
    cleanups.push(() => mariadb(`DROP USER IF EXISTS '${user}'@'%'`));
    const url = (password: string) => `mysql://${user}:${password}@${MARIA.host}:${MARIA.port}/${db.name}`;
    const error = await failure(live.probe(targetOf(url('wrong-password'))));
    expect(error.code).toBe('live-authentication');
    expect(error.message).toContain(`refused the login of user "${user}"`);
    expect(error.message).not.toContain('wrong-password');
    expect((await live.probe(targetOf(url('right-password')))).marker).toBeNull();
  });

  it('says the database does not exist, and how to fix it', async () => {
    const error = await failure(live.probe(targetOf(`mysql://${MARIA.user}@${MARIA.host}:${MARIA.port}/dbsafe_test_missing_db`)));
    expect(error.code).toBe('live-missing-database');
    expect(error.message).toContain('Create it');
  });

  it('says the server is unreachable, and how to fix it', async () => {
    const error = await failure(live.probe(targetOf('mysql://root@127.0.0.1:1/app_dev')));
    expect(error.code).toBe('live-unreachable');
    expect(error.message).toContain('Start the server');
  });
});
