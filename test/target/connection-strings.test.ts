import { describe, expect, it } from 'vitest';
import type { ConnectionContext, Variable } from '../../src/target/connection-target.js';
import { describeOrigin } from '../../src/target/describe.js';
import type { Target, ValueOrigin } from '../../src/target/types.js';
import { parseConnectionString, UrlProblem } from '../../src/target/url.js';

const origin: ValueOrigin = { kind: 'dotenv', name: 'DATABASE_URL', file: '/project/.env' };

interface World {
  env?: Record<string, string>;
  files?: Record<string, string>;
}

function contextOf(world: World = {}): ConnectionContext {
  return {
    cwd: '/project',
    home: '/home/dev',
    osUser: 'dev',
    variable: (name): Variable | undefined => (world.env?.[name] !== undefined ? { value: world.env[name]!, origin: { kind: 'env', name } } : undefined),
    readFile: (file) => world.files?.[file],
  };
}

const parse = (text: string, world?: World): Target[] => parseConnectionString(text, origin, contextOf(world));
const first = (text: string, world?: World): Target => parse(text, world)[0]!;

function problemOf(text: string, world?: World): UrlProblem {
  try {
    parse(text, world);
  } catch (error) {
    if (error instanceof UrlProblem) return error;
    throw error;
  }
  throw new Error(`${text} was accepted`);
}

const PROD_SERVICE = `# services of this machine
[dev]
host=127.0.0.1
dbname=app_dev
[prod]
host=prod.db.example.com
port=6432
dbname=shop
user=shop_owner
target_session_attrs=read-write
`;

describe('PostgreSQL URIs: every parameter that changes the target is honoured, as libpq reads it', () => {
  it.each<[string, Partial<Target>]>([
    ['postgres://127.0.0.1/app_dev?dbname=shop', { database: 'shop', hosts: ['127.0.0.1'] }],
    ['postgres://127.0.0.1/app_dev?host=prod.db.example.com', { hosts: ['prod.db.example.com'], database: 'app_dev' }],
    ['postgres://127.0.0.1/app_dev?hostaddr=10.1.2.3', { hosts: ['127.0.0.1', '10.1.2.3'] }],
    ['postgres://127.0.0.1/app_dev?port=6543', { port: 6543 }],
    ['postgres://app@127.0.0.1/app_dev?user=admin', { user: 'admin' }],
    ['postgres://127.0.0.1/app_dev?database=shop', { database: 'shop' }],
    ['postgres://h1:5432,h2:5433/app_dev', { hosts: ['h1', 'h2'], port: 5432 }],
    ['postgres:///app_dev?host=localhost,prod.db.example.com&port=5432,5433', { hosts: ['localhost', 'prod.db.example.com'], port: 5432 }],
    ['postgres://%2Fvar%2Frun%2Fpostgresql/app_dev', { socket: '/var/run/postgresql', hosts: [] }],
    ['postgresql:///app_dev?host=/var/run/postgresql', { socket: '/var/run/postgresql', hosts: [] }],
    ['postgres:///app_dev?host=%2Ftmp', { socket: '/tmp', hosts: [] }],
    ['postgres:///app_dev?host=prod%2Edb%2Eexample%2Ecom', { hosts: ['prod.db.example.com'] }],
    ['postgres://?host=prod.db.example.com&dbname=app_dev', { hosts: ['prod.db.example.com'], database: 'app_dev' }],
    ['postgres://u@db.example.com/app?sslcert=/c.pem&sslkey=/k.pem', { tls: { cert: '/c.pem', key: '/k.pem' } }],
    ['postgres://localhost/app?target_session_attrs=read-only', { params: { target_session_attrs: 'read-only' } }],
    ['postgres://localhost/app?options=-c%20search_path%3Dx&application_name=web&sslmode=require', { params: { options: '-c search_path=x', application_name: 'web' }, tls: { mode: 'require' } }],
    ['postgres://localhost/app?schema=public&connection_limit=5', { database: 'app' }],
    ['postgres://localhost/app?host=localhost&host=localhost', { hosts: ['localhost'] }],
    // The authority ends at the first "/": libpq and node-postgres both connect to prod here.
    ['postgres://prod.db.example.com/app_dev@localhost', { hosts: ['prod.db.example.com'], database: 'app_dev@localhost' }],
    ['postgres://app:p@ss@localhost/app_dev', { hosts: ['localhost'], user: 'app', password: 'p@ss' }],
  ])('%s', (url, expected) => {
    expect(first(url)).toMatchObject(expected);
  });

  it('shows the parameter that set a value: "dbname parameter of DATABASE_URL in /project/.env"', () => {
    const target = first('postgres://127.0.0.1/app_dev?dbname=shop');
    expect(describeOrigin(target.fields.database!)).toBe('dbname parameter of DATABASE_URL in /project/.env');
    expect(describeOrigin(target.fields.host!)).toBe('DATABASE_URL in /project/.env');
  });

  it('an empty ?host= is libpq\'s default, the local socket, even after a host in the URL', () => {
    const target = first('postgres://127.0.0.1/app_dev?host=');
    expect(target.hosts).toEqual([]);
    expect(target.socket).toBeUndefined();
  });

  it('judges node-postgres\'s reading too where it differs: it ignores ?dbname= and ?hostaddr=', () => {
    const [libpq, nodePostgres, ...rest] = parse('postgres://127.0.0.1/app_dev?dbname=shop');
    expect(libpq!.database).toBe('shop');
    expect(nodePostgres!.database).toBe('app_dev');
    expect(nodePostgres!.origin.reading).toBe('node-postgres');
    expect(describeOrigin(nodePostgres!.origin)).toBe('DATABASE_URL in /project/.env, as node-postgres reads it');
    expect(rest).toEqual([]);
    expect(parse('postgres://127.0.0.1/app_dev?hostaddr=10.1.2.3').map((t) => t.hosts)).toEqual([['127.0.0.1', '10.1.2.3'], ['127.0.0.1']]);
    // Parameters node-postgres reads as libpq does give one target.
    expect(parse('postgres://127.0.0.1/app_dev?host=prod.db.example.com&user=x&port=6000')).toHaveLength(1);
  });

  it.each([
    ['postgres://127.0.0.1/app_dev?HOST=prod.db.example.com', 'unknown-parameter', /"HOST" is not "host"/],
    ['postgres://127.0.0.1/app_dev?DbName=shop', 'unknown-parameter', /"DbName" is not "dbname"/],
    ['postgres://127.0.0.1/app_dev?frobnicate=1', 'unknown-parameter', /parameter "frobnicate" is not one dbsafe knows for PostgreSQL URLs/],
    ['postgres://127.0.0.1/app_dev?host=localhost&host=prod.db.example.com', 'contradictory-parameters', /sets host more than once \("localhost", "prod.db.example.com"\)/],
    ['postgres://127.0.0.1/app_dev?host=prod.db.example.com&host=localhost', 'contradictory-parameters', /host more than once/],
    ['postgres://127.0.0.1/app_dev?dbname=a&database=b', 'contradictory-parameters', /dbname\/database more than once/],
    ['postgres://127.0.0.1/app_dev?service=nosuch', 'service-not-found', /service "nosuch"/],
    // A fragment: node-postgres stops at "#" (host prod) while libpq reads on, or the reverse.
    ['postgres://127.0.0.1/app_dev?host=localhost#&host=prod.db.example.com', 'malformed-url', /contains "#"/],
    ['postgres://prod.db.example.com#@localhost/app_dev', 'malformed-url', /contains "#"/],
  ])('refuses %s (%s), naming the parameter', (url, code, message) => {
    const problem = problemOf(url);
    expect(problem.code).toBe(code);
    expect(problem.message).toMatch(message);
    expect(problem.fix).toBeTruthy();
  });
});

describe('libpq key/value connection strings', () => {
  it.each<[string, Partial<Target>]>([
    ["host=127.0.0.1 dbname='my db' port=5433 user=app", { hosts: ['127.0.0.1'], database: 'my db', port: 5433, user: 'app' }],
    ["host = localhost  dbname = shop", { hosts: ['localhost'], database: 'shop' }],
    ["dbname=my\\ db password='it\\'s a \\\\secret'", { database: 'my db', password: "it's a \\secret" }],
    ['host=/var/run/postgresql dbname=app_dev', { socket: '/var/run/postgresql', hosts: [] }],
    ['host=localhost hostaddr=10.9.8.7 dbname=app_dev', { hosts: ['localhost', '10.9.8.7'] }],
    ["host=localhost dbname=app sslcert=/c.pem", { tls: { cert: '/c.pem' } }],
  ])('%s', (conninfo, expected) => {
    expect(first(conninfo)).toMatchObject(expected);
  });

  it.each([
    ['host=localhost DBNAME=prod', 'unknown-parameter', /"DBNAME" is not "dbname"/],
    ['host=localhost schema=public', 'unknown-parameter', /"schema" is not one dbsafe knows for libpq key\/value/],
    ["host=localhost dbname='open", 'malformed-url', /no closing quote/],
    ['host=localhost dbname', 'malformed-url', /"dbname" has no "="/],
    ['host=localhost host=prod.db.example.com', 'contradictory-parameters', /host more than once/],
  ])('refuses %s (%s)', (conninfo, code, message) => {
    const problem = problemOf(conninfo);
    expect(problem.code).toBe(code);
    expect(problem.message).toMatch(message);
  });
});

describe('PostgreSQL services: service=, PGSERVICE, PGSERVICEFILE, PGSYSCONFDIR, ~/.pg_service.conf', () => {
  const home = { files: { '/home/dev/.pg_service.conf': PROD_SERVICE } };

  it('a service in the URL fills what the URL leaves unset, and says where each value came from', () => {
    const target = first('postgres:///?service=prod', home);
    expect(target).toMatchObject({ hosts: ['prod.db.example.com'], port: 6432, database: 'shop', user: 'shop_owner', params: { target_session_attrs: 'read-write' } });
    expect(describeOrigin(target.fields.host!)).toBe('host of service "prod" in /home/dev/.pg_service.conf (named by service parameter of DATABASE_URL in /project/.env)');
  });

  it('values written in the string win over the service (libpq precedence)', () => {
    expect(first('postgres://127.0.0.1/app_dev?service=prod', home)).toMatchObject({ hosts: ['127.0.0.1'], database: 'app_dev', port: 6432, user: 'shop_owner' });
    expect(first("service=prod dbname='app_dev'", home)).toMatchObject({ hosts: ['prod.db.example.com'], database: 'app_dev' });
  });

  it('the service wins over PG* variables, which fill the rest; PGSERVICE names the service when the string does not', () => {
    const world = { ...home, env: { PGSERVICE: 'prod', PGDATABASE: 'from_env', PGPASSWORD: 'pw' } };
    const target = first('postgres://', world);
    expect(target).toMatchObject({ hosts: ['prod.db.example.com'], database: 'shop', password: 'pw' });
    expect(target.fields.password).toEqual({ kind: 'env', name: 'PGPASSWORD' });
    expect(describeOrigin(target.fields.host!)).toBe('host of service "prod" in /home/dev/.pg_service.conf (named by PGSERVICE)');
  });

  it('PGSERVICEFILE replaces ~/.pg_service.conf; the system file (PGSYSCONFDIR) is read only when the user file lacks the service', () => {
    const files = {
      '/home/dev/.pg_service.conf': '[dev]\nhost=localhost\ndbname=app_dev\n',
      '/srv/services.conf': '[dev]\nhost=staging.example.com\ndbname=app_dev\n',
      '/etc/pg/pg_service.conf': '[dev]\nhost=ignored.example.com\n[prod]\nhost=prod.db.example.com\ndbname=shop\n',
    };
    expect(first('service=dev', { files, env: { PGSYSCONFDIR: '/etc/pg' } }).hosts).toEqual(['localhost']);
    expect(first('service=dev', { files, env: { PGSERVICEFILE: '/srv/services.conf' } }).hosts).toEqual(['staging.example.com']);
    const prod = first('service=prod', { files, env: { PGSYSCONFDIR: '/etc/pg' } });
    expect(prod.hosts).toEqual(['prod.db.example.com']);
    expect(prod.fields.host?.file).toBe('/etc/pg/pg_service.conf');
  });

  it('the first value of a keyword in a section wins; errors in other sections do not matter', () => {
    const files = { '/home/dev/.pg_service.conf': '[a]\n  dbname=first  \ndbname=second\n[b]\nnot a setting\n' };
    expect(first('service=a host=localhost', { files }).database).toBe('first');
  });

  it.each([
    ['[prod]\nhost = prod.db.example.com\n', /line 2: "host " is not a libpq keyword/],
    ['[prod]\nfrob=1\n', /line 2: "frob" is not a libpq keyword/],
    ['[prod]\nservice=other\n', /cannot name another service/],
    ['[prod]\nhost\n', /not keyword=value/],
  ])('a malformed section is refused, as libpq refuses it: %j', (text, message) => {
    const problem = problemOf('service=prod', { files: { '/home/dev/.pg_service.conf': text } });
    expect(problem.code).toBe('service-file-invalid');
    expect(problem.message).toMatch(message);
  });

  it('a service no file defines is refused, listing the files read', () => {
    const problem = problemOf('postgres://localhost/app?service=nosuch', home);
    expect(problem.code).toBe('service-not-found');
    expect(problem.message).toContain('/home/dev/.pg_service.conf');
  });
});

describe('MySQL/MariaDB URLs: the CLI\'s option names and mysql2\'s reading', () => {
  it('?database= and ?host= change the target for most clients; mysql2 keeps the URL\'s own parts, so both are judged', () => {
    const [generic, mysql2] = parse('mysql://root@127.0.0.1/shop_dev?database=orders&host=prod.db.example.com');
    expect(generic).toMatchObject({ database: 'orders', hosts: ['prod.db.example.com'] });
    expect(mysql2).toMatchObject({ database: 'shop_dev', hosts: ['127.0.0.1'], origin: { reading: 'mysql2' } });
  });

  it.each<[string, Partial<Target>]>([
    ['mysql://root@localhost/shop?socketPath=/run/mysqld/mysqld.sock', { socket: '/run/mysqld/mysqld.sock' }],
    ['mysql://root@localhost/shop?socket=/tmp/my.sock', { socket: '/tmp/my.sock' }],
    ['mysql://root@localhost/shop?charset=utf8mb4&connectionLimit=5&ssl-mode=REQUIRED', { database: 'shop', tls: { mode: 'REQUIRED' } }],
    ['mysql://root@localhost/shop?ssl={"cert":"/c.pem","key":"/k.pem"}', { tls: { cert: '{"cert":"/c.pem","key":"/k.pem"}' } }],
    ['mariadb://root@localhost/shop?sslcert=/c.pem', { tls: { cert: '/c.pem' } }],
  ])('%s', (url, expected) => {
    expect(first(url)).toMatchObject(expected);
  });

  it.each([
    ['mysql://root@localhost/shop?frob=1', /"frob" is not one dbsafe knows for MySQL\/MariaDB URLs/],
    ['mysql://root@localhost/shop?Host=prod', /"Host" is not "host"/],
    ['mysql://root@localhost/shop?database=a&dbname=b', /more than once/],
  ])('refuses %s', (url, message) => {
    expect(problemOf(url).message).toMatch(message);
  });
});

describe('MongoDB URIs', () => {
  it('keeps authSource, replicaSet, directConnection (any case) for the tools; hosts and srv from the URI', () => {
    const target = first('mongodb://u:p@h1,h2:27018/app?replicaSet=rs0&AUTHSOURCE=admin&directConnection=false');
    expect(target).toMatchObject({ hosts: ['h1', 'h2'], port: 27018, database: 'app', params: { replicaSet: 'rs0', AUTHSOURCE: 'admin', directConnection: 'false' } });
    expect(first('mongodb+srv://u:p@cluster0.abcd.mongodb.net/app?retryWrites=true&w=majority')).toMatchObject({ srv: true, hosts: ['cluster0.abcd.mongodb.net'] });
    expect(first('mongodb://localhost/app?readPreference=secondary').params).toEqual({ readPreference: 'secondary' });
    expect(first('mongodb://localhost/app?authMechanism=MONGODB-X509&tls=true&tlsCertificateKeyFile=/c.pem').tls).toMatchObject({ cert: '/c.pem' });
  });

  it.each([
    ['mongodb://localhost/app?proxyHost=bastion.example.com', /"proxyHost" is refused: it sends the connection through a SOCKS5 proxy/],
    ['mongodb://localhost/app?database=prod', /"database" is not one dbsafe knows for MongoDB URLs/],
  ])('refuses %s', (url, message) => {
    expect(problemOf(url).message).toMatch(message);
  });
});
