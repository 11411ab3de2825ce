import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/log.js';
import { createMariaDatabase, createPostgresDatabase, mariadb, psql, type TestDatabase } from '../helpers/databases.js';
import { makeProject, type TestProject } from '../run/project.js';

/**
 * The databases a command names itself (assignments, `env`, `export`, script
 * bodies, client arguments, the directory it runs in) are judged and backed
 * up, not only the project's. The project's own database is a local SQLite
 * file; every refused command would create the file `ran` if it ran.
 */
const PROD_URL = 'postgres://u@prod.db.example.com/app';

let project: TestProject;
const sqlite = (file: string, sql: string) => execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim();
const ran = () => existsSync(path.join(project.dir, 'ran'));
const backups = (dir = project.dir) => {
  try {
    return readdirSync(path.join(dir, 'backups')).filter((name) => !name.endsWith('.json') && name !== 'audit.log' && !name.startsWith('.'));
  } catch {
    return [];
  }
};
const run = (...argv: string[]) => project.run(['run', '--', ...argv]);
const line = (text: string) => run('sh', '-c', text);

/** A second project beside the first, with its own SQLite database (and .env). */
function siblingProject(name: string, env: string): string {
  const dir = path.join(path.dirname(project.dir), name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, scripts: { test: 'touch ran' }, dbsafe: {} }));
  writeFileSync(path.join(dir, '.env'), env);
  sqlite(path.join(dir, `${name}.db`), 'create table t (id int); insert into t values (1);');
  return dir;
}

beforeEach(() => {
  project = makeProject({
    scripts: {
      test: 'touch ran',
      'test:prod-url': `DATABASE_URL=${PROD_URL} touch ran`,
      'test:prod-env': 'NODE_ENV=production touch ran',
      'test:outer': 'npm run helper',
      helper: 'export NODE_ENV=production; touch ran',
    },
  });
  writeFileSync(path.join(project.dir, '.env'), 'DATABASE_URL=file:./dev.db\n');
  sqlite(path.join(project.dir, 'dev.db'), 'create table t (id int); insert into t values (1), (2);');
});
afterEach(() => project.cleanup());

describe('environment assignments in the command line are judged', () => {
  const refused: Array<[string, string[]]> = [
    ['a VAR=value prefix', ['sh', '-c', `DATABASE_URL=${PROD_URL} npm test`]],
    ['env VAR=value', ['env', `DATABASE_URL=${PROD_URL}`, 'npm', 'test']],
    ['env -i VAR=value', ['env', '-i', `PATH=${process.env.PATH}`, `DATABASE_URL=${PROD_URL}`, 'npm', 'test']],
    ['export earlier in the line', ['sh', '-c', `export DATABASE_URL=${PROD_URL}; npm test`]],
    ['an app environment', ['sh', '-c', 'NODE_ENV=production npm test']],
    ['bash -c around it', ['bash', '-c', `DATABASE_URL=${PROD_URL} npm test`]],
    ['VAR=x sudo -E VAR=…', ['sh', '-c', `VAR=x sudo -E DATABASE_URL=${PROD_URL} npm test`]],
    ['cross-env', ['sh', '-c', `cross-env NODE_ENV=production npm test`]],
    ['make NAME=value (make exports it to the recipes)', ['make', 'db-reset', `DATABASE_URL=${PROD_URL}`]],
    ['an assignment in the script body', ['npm', 'run', 'test:prod-url']],
    ['NODE_ENV=production in the script body', ['npm', 'run', 'test:prod-env']],
    ['a script calling a script that exports NODE_ENV=production', ['npm', 'run', 'test:outer']],
  ];
  it.each(refused)('%s: refused (exit 3), nothing run or backed up', async (_name, argv) => {
    const result = await run(...argv);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/prod\.db\.example\.com|NODE_ENV/);
    expect(ran()).toBe(false);
    expect(backups()).toEqual([]);
  });

  it.each([
    ['dotenv -e', 'dotenv -e .env.production -- npm test'],
    ['env-cmd -f', 'env-cmd -f .env.production npm test'],
    ['. FILE (set -a)', 'set -a; . ./.env.production; set +a; npm test'],
    ['source FILE', 'source ./.env.production && npm test'],
  ])('%s FILE: the file’s production database is judged: refused', async (_name, text) => {
    writeFileSync(path.join(project.dir, '.env.production'), `DATABASE_URL=${PROD_URL}\n`);
    const result = await line(text);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('prod.db.example.com');
    expect(ran()).toBe(false);
  });

  it('a file sourced from $HOME is read: a production setting there is refused, a harmless one is not', async () => {
    const home = project.env.HOME!;
    writeFileSync(path.join(home, 'tools.sh'), 'export PATH="$PATH:/opt/tools"\nTOOLS_DIR=/opt/tools\n');
    const harmless = await line('. "$HOME/tools.sh" && npm test');
    expect(harmless.code, harmless.stderr).toBe(0);
    expect(ran()).toBe(true);
    writeFileSync(path.join(home, 'prod.sh'), 'export NODE_ENV=production\n');
    rmSync(path.join(project.dir, 'ran'));
    const refused = await line('. ~/prod.sh; npm test');
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toContain('NODE_ENV');
    expect(ran()).toBe(false);
  });

  it('env -u removes the shell’s variable, so the .env file’s production database is the one used: refused', async () => {
    writeFileSync(path.join(project.dir, '.env'), `DATABASE_URL=${PROD_URL}\n`);
    const safe = `file:${path.join(project.dir, 'dev.db')}`;
    const result = await project.run(['run', '--', 'env', '-u', 'DATABASE_URL', 'npm', 'test'], { DATABASE_URL: safe });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('prod.db.example.com');
    expect(ran()).toBe(false);
  });

  it('a database variable set from $(…) cannot be judged: refused with the reason', async () => {
    writeFileSync(path.join(project.dir, 'url.txt'), PROD_URL);
    const result = await line('DATABASE_URL=$(cat url.txt) npm test');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('only known when it runs');
    expect(result.stderr).toContain('DATABASE_URL');
    expect(ran()).toBe(false);
  });

  it('DATABASE_URL=$OTHER takes OTHER from the environment: a production value is refused', async () => {
    const result = await project.run(['run', '--', 'sh', '-c', 'DATABASE_URL=$TEST_DATABASE_URL npm test'], { TEST_DATABASE_URL: PROD_URL });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('prod.db.example.com');
    expect(ran()).toBe(false);
  });

  it('DATABASE_URL=$OTHER with a local value: that database is backed up', async () => {
    sqlite(path.join(project.dir, 'other.db'), 'create table t (id int);');
    const result = await project.run(['run', '--', 'sh', '-c', 'DATABASE_URL="$TEST_DATABASE_URL" npm test'], { TEST_DATABASE_URL: 'file:./other.db' });
    expect(result.code, result.stderr).toBe(0);
    expect(backups()).toEqual([expect.stringMatching(/^other/)]);
  });

  it('a run-time value in a variable that names no database does not block the command', async () => {
    const result = await line('BUILD_ID=$(date +%s) npm test');
    expect(result.code, result.stderr).toBe(0);
    expect(ran()).toBe(true);
    expect(backups()).toHaveLength(1);
  });

  it('a safe database named by the command is the one backed up', async () => {
    sqlite(path.join(project.dir, 'other.db'), 'create table t (id int);');
    const result = await line('DATABASE_URL=file:./other.db npm test');
    expect(result.code, result.stderr).toBe(0);
    expect(backups()).toEqual([expect.stringMatching(/^other/)]);
    expect(result.stderr).toMatch(/(?:backed up|snapshot of) other\.db/);
  });
});

describe('database clients: the database they connect to is judged', () => {
  const refused: Array<[string, string]> = [
    ['a URL', `psql ${PROD_URL.replace('/app', '/shop')} -c 'select 1'`],
    ['-h and -d', "psql -h prod.db.example.com -d shop -c 'select 1'"],
    ['--host=', "psql --host=prod.db.example.com shop -c 'select 1'"],
    ['a conninfo string', "psql 'host=prod.db.example.com dbname=shop' -c 'select 1'"],
    ['PGHOST in the line', "PGHOST=prod.db.example.com psql -d shop -c 'select 1'"],
    ['a host in the URL query', `psql 'postgresql:///shop?host=prod.db.example.com' -c 'select 1'`],
    ['mysql -h', "mysql -h prod.db.example.com shop -e 'select 1'"],
    ['mysql --host=', "mysql --host=prod.db.example.com -e 'select 1' shop"],
    ['mariadb', "mariadb -h prod.db.example.com -D shop -e 'select 1'"],
    ['mongosh on a cluster seed list', `mongosh "mongodb+srv://cluster0.example.net/shop" --eval 'db.x.drop()'`],
    ['dropdb', 'dropdb -h prod.db.example.com shop'],
    ['pg_restore -d', 'pg_restore -h prod.db.example.com -d shop backup.dump'],
    ['a client setting known only at run time', "psql -h $DBHOST -d shop -c 'select 1'"],
    ['a MySQL options file', "mysql --defaults-extra-file=prod.cnf shop -e 'select 1'"],
  ];
  it.each(refused)('%s: refused, nothing run', async (_name, client) => {
    const result = await line(`${client}; touch ran`);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/prod\.db\.example\.com|cluster0\.example\.net|only known when the command runs|options file/);
    expect(ran()).toBe(false);
    expect(backups()).toEqual([]);
  });

  it('a password in a client’s URL or a run-time assignment never reaches the screen or the audit log', async () => {
    for (const text of ["psql postgres://u:hunter2@prod.db.example.com/shop -c 'select 1'", "psql 'postgres://u:hunter2@$HOST/shop' -c 'select 1'", 'DATABASE_URL=postgres://u:hunter2@$HOST/app npm test']) {
      const result = await line(text);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).not.toContain('hunter2');
    }
    const log = readFileSync(path.join(project.dir, 'backups/audit.log'), 'utf8');
    expect(log).toContain('refused');
    expect(log).not.toContain('hunter2');
  });

  it('sqlite3 other.db backs up other.db, not the project’s database', async () => {
    const other = path.join(project.dir, 'other.db');
    sqlite(other, 'create table t (id int); insert into t values (1), (2), (3);');
    const result = await run('sqlite3', 'other.db', 'delete from t');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/(?:backed up|snapshot of) other\.db/);
    expect(backups()).toEqual([expect.stringMatching(/^other/)]);
    expect(sqlite(other, 'select count(*) from t')).toBe('0');
    expect(sqlite(path.join(project.dir, 'dev.db'), 'select count(*) from t')).toBe('2');
  });

  it('psql "$URL" connects where the variable says: a production URL is refused', async () => {
    const result = await project.run(['run', '--', 'sh', '-c', `psql "$SHOP_URL" -c 'select 1'; touch ran`], { SHOP_URL: PROD_URL });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('prod.db.example.com');
    expect(ran()).toBe(false);
  });

  it('several distinct databases are each backed up once, and the backup lines name each', async () => {
    sqlite(path.join(project.dir, 'one.db'), 'create table t (id int);');
    sqlite(path.join(project.dir, 'two.db'), 'create table t (id int);');
    const result = await line("sqlite3 one.db 'delete from t' && sqlite3 two.db 'delete from t' && sqlite3 one.db 'delete from t'");
    expect(result.code, result.stderr).toBe(0);
    expect(backups().map((name) => name.replace(/_\d.*/, '')).sort()).toEqual(['one', 'two']);
    expect(result.stderr).toMatch(/(?:backed up|snapshot of) one\.db/);
    expect(result.stderr).toMatch(/(?:backed up|snapshot of) two\.db/);
  });
});

describe('a PostgreSQL database named by psql, from a SQLite project', () => {
  let database: TestDatabase;
  beforeAll(() => {
    database = createPostgresDatabase();
    psql('CREATE TABLE customers (id int); INSERT INTO customers VALUES (1), (2);', database.name);
  });
  afterAll(() => database.drop());

  it('is judged local, backed up (a snapshot: the default, auto), and the statement runs', async () => {
    const result = await run('psql', '-q', '-h', '127.0.0.1', '-U', 'postgres', '-d', database.name, '-c', 'DELETE FROM customers');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`snapshot of ${database.name}`);
    expect(backups()).toEqual([expect.stringMatching(new RegExp(`^${database.name}_`))]);
    expect(psql('SELECT count(*) FROM customers', database.name)).toBe('0');
  });

  it('the same database through a URL is the same database: one backup', async () => {
    const result = await line(`psql -q ${database.url} -c 'select 1' && psql -q -h 127.0.0.1 -U postgres -d ${database.name} -c 'select 1'`);
    expect(result.code, result.stderr).toBe(0);
    expect(backups()).toHaveLength(1);
  });
});

describe('a MariaDB database named by mysql, from a SQLite project', () => {
  let database: TestDatabase;
  beforeAll(() => {
    database = createMariaDatabase();
    mariadb('CREATE TABLE customers (id int); INSERT INTO customers VALUES (1), (2);', database.name);
  });
  afterAll(() => database.drop());

  it('is judged local, backed up, and the statement runs', async () => {
    const result = await run('mysql', '-h', '127.0.0.1', '-u', 'root', database.name, '-e', 'DELETE FROM customers');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`(?:backed up|snapshot of) ${database.name}`));
    expect(backups()).toEqual([expect.stringMatching(new RegExp(`^${database.name}_`))]);
    expect(mariadb('SELECT count(*) FROM customers', database.name)).toBe('0');
  });
});

describe('the directory the command runs in', () => {
  it('cd X && npm test: X’s project and database are judged and backed up there', async () => {
    const other = siblingProject('other', 'DATABASE_URL=file:./other.db\n');
    const result = await line('cd ../other && npm test');
    expect(result.code, result.stderr).toBe(0);
    expect(backups(other)).toEqual([expect.stringMatching(/^other/)]);
    expect(backups()).toEqual([]);
    expect(existsSync(path.join(other, 'ran'))).toBe(true);
  });

  it('npm --prefix X test: the same', async () => {
    const other = siblingProject('other', 'DATABASE_URL=file:./other.db\n');
    const result = await run('npm', '--prefix', '../other', 'test');
    expect(result.code, result.stderr).toBe(0);
    expect(backups(other)).toHaveLength(1);
    expect(backups()).toEqual([]);
  });

  const toProduction: Array<[string, string]> = [
    ['cd X &&', 'cd ../prodapp && npm test'],
    ['npm --prefix X', 'npm --prefix ../prodapp test'],
    ['npm test --prefix X', 'npm test --prefix ../prodapp'],
    ['npm_config_prefix=X npm test', 'npm_config_prefix=../prodapp npm test'],
    ['make -C X', 'make -C ../prodapp db-reset'],
    ['pnpm -C X', 'pnpm -C ../prodapp test'],
    ['yarn --cwd X', 'yarn --cwd ../prodapp test'],
  ];
  it.each(toProduction)('%s a project whose .env says production: refused', async (_name, text) => {
    const prodapp = siblingProject('prodapp', 'DATABASE_URL=file:./prodapp.db\nNODE_ENV=production\n');
    const result = await line(text);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('NODE_ENV');
    expect(existsSync(path.join(prodapp, 'ran'))).toBe(false);
    expect(backups(prodapp)).toEqual([]);
  });

  it('a directory without any database: fails closed and says where', async () => {
    const empty = path.join(path.dirname(project.dir), 'empty');
    mkdirSync(empty);
    writeFileSync(path.join(empty, 'package.json'), JSON.stringify({ scripts: { test: 'touch ran' } }));
    const result = await line('cd ../empty && npm test');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(empty);
    expect(existsSync(path.join(empty, 'ran'))).toBe(false);
  });

  it('a directory that is not a dbsafe project fails closed, even with a database in the environment', async () => {
    const plain = path.join(path.dirname(project.dir), 'plain');
    mkdirSync(plain);
    writeFileSync(path.join(plain, 'package.json'), JSON.stringify({ scripts: { test: 'touch ran' } }));
    const result = await project.run(['run', '--', 'sh', '-c', 'cd ../plain && npm test'], { DATABASE_URL: `file:${path.join(project.dir, 'dev.db')}` });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${plain}, which is not a dbsafe project`);
    expect(existsSync(path.join(plain, 'ran'))).toBe(false);
    expect(existsSync(path.join(plain, 'backups'))).toBe(false);
  });

  it('a cd inside a subshell ends with it: the command after runs, and is judged, here', async () => {
    siblingProject('other', 'DATABASE_URL=file:./other.db\n');
    const prodapp = siblingProject('prodapp', 'DATABASE_URL=file:./prodapp.db\nNODE_ENV=production\n');
    const result = await project.run(['run', '--', 'sh', '-c', '(cd ../other) && cd ../prodapp && (cd ../other; true) && npm test']);
    expect(result.code, result.stderr).toBe(3);
    expect(existsSync(path.join(prodapp, 'ran'))).toBe(false);
  });

  it('a directory only known at run time: fails closed', async () => {
    const result = await line('cd "$(cat where)" && npm test');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('only known when it runs');
    expect(ran()).toBe(false);
    const [entry] = readAuditLog(path.join(project.dir, 'backups/audit.log')).entries;
    expect(entry).toMatchObject({ decision: 'refused', rule: 'target-unknown', exitCode: 3 });
  });
});

describe('dbsafe explain --json', () => {
  it('lists the databases the command would be judged on, and what named each', async () => {
    const result = await project.run(['explain', '--json', '--', `DATABASE_URL=${PROD_URL} npm test && sqlite3 other.db 'delete from t'`]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { targets: Array<Record<string, unknown>> };
    expect(json.targets).toEqual([
      expect.objectContaining({ engine: 'postgres', host: 'prod.db.example.com', database: 'app', source: 'DATABASE_URL' }),
      expect.objectContaining({ engine: 'sqlite', database: path.join(project.dir, 'other.db') }),
    ]);
  });
});
