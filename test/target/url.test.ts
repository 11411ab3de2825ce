import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, UrlProblem } from '../../src/target/url.js';
import type { ValueOrigin } from '../../src/target/types.js';

const origin: ValueOrigin = { kind: 'env', name: 'DATABASE_URL' };
const parse = (url: string) => parseDatabaseUrl(url, origin, '/project');

describe('parseDatabaseUrl', () => {
  it.each([
    ['postgres://app:secret@127.0.0.1:5433/app_dev', { engine: 'postgres', host: '127.0.0.1', port: 5433, database: 'app_dev', user: 'app', password: 'secret' }],
    ['postgresql://localhost/app_dev?sslmode=require', { engine: 'postgres', host: 'localhost', database: 'app_dev', tls: { mode: 'require' } }],
    ['postgres://u@[::1]:5432/db', { host: '::1', port: 5432, database: 'db' }],
    ['postgres:///app_dev?host=/var/run/postgresql', { socket: '/var/run/postgresql', database: 'app_dev', hosts: [] }],
    ['postgres://%2Fvar%2Frun%2Fpostgresql/app_dev', { socket: '/var/run/postgresql', database: 'app_dev' }],
    ['postgres://u:p@db.example.com/app?sslcert=/c.pem&sslkey=/k.pem', { tls: { cert: '/c.pem', key: '/k.pem' } }],
    ['mysql://root:pa@ss@127.0.0.1:3306/shop', { engine: 'mysql', user: 'root', password: 'pa@ss', database: 'shop' }],
    ['mariadb://root@localhost/shop', { engine: 'mysql', host: 'localhost', database: 'shop' }],
    ['mysql://root:p%40ss@localhost/shop', { password: 'p@ss' }],
    ['sqlite:///var/data/app.db', { engine: 'sqlite', database: '/var/data/app.db' }],
    ['sqlite:db/dev.sqlite3', { engine: 'sqlite', database: '/project/db/dev.sqlite3' }],
    ['file:./dev.db', { engine: 'sqlite', database: '/project/dev.db' }],
    ['file:./dev.db?connection_limit=1', { engine: 'sqlite', database: '/project/dev.db' }],
    ['mongodb://u:p@h1:27017,h2:27018/app?replicaSet=rs0', { engine: 'mongodb', host: 'h1', hosts: ['h1', 'h2'], port: 27017, database: 'app', params: { replicaSet: 'rs0' } }],
    ['mongodb+srv://u:p@cluster0.abcd.mongodb.net/app', { engine: 'mongodb', srv: true, host: 'cluster0.abcd.mongodb.net' }],
  ])('%s', (url, expected) => {
    expect(parse(url)).toMatchObject(expected);
  });

  it('records where every field came from', () => {
    const target = parse('postgres://app:secret@127.0.0.1:5433/app_dev');
    expect(target.fields).toMatchObject({ host: origin, port: origin, database: origin, user: origin, password: origin });
  });

  it.each([
    ['localhost/app', 'malformed-url'],
    ['oracle://scott:tiger@db/orcl', 'unknown-scheme'],
    ['postgres://u:p@host:99999/db', 'malformed-url'],
    ['postgres://u:p@host:abc/db', 'malformed-url'],
    ['postgres:localhost/db', 'malformed-url'],
    ['postgres://u:%E0%A4%A@host/db', 'malformed-url'],
    ['postgres://u:p@[::1/db', 'malformed-url'],
    ['postgres://u:p@bad host/db', 'malformed-url'],
    ['sqlite::memory:', 'malformed-url'],
    ['sqlite://', 'malformed-url'],
    ['mongodb+srv:///app', 'malformed-url'],
  ])('refuses %s (%s)', (url, code) => {
    expect(() => parse(url)).toThrow(UrlProblem);
    try {
      parse(url);
    } catch (error) {
      expect((error as UrlProblem).code).toBe(code);
    }
  });

  it('never repeats the password in a problem description', () => {
    try {
      parse('postgres://u:hunter2@host:notaport/db');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
