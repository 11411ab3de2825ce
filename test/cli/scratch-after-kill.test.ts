import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli, testDir } from '../helpers/cli.js';
import { createMariaDatabase, createPostgresDatabase, mariadb, psql, type TestDatabase } from '../helpers/databases.js';
import { backupProject } from './backup-project.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  cleanups = [];
});

interface Engine {
  name: string;
  create(): TestDatabase;
  fill(db: string, rows?: number): void;
  exists(name: string): boolean;
  drop(name: string): void;
  /** Run SQL in `db`, the only answer trimmed. */
  sql(db: string, query: string): string;
  hasTable(db: string, table: string): boolean;
}

/** Enough rows that the scratch copy lives long enough (a second or so) to be seen and killed. */
const ROWS = 150_000;

const ENGINES: Engine[] = [
  {
    name: 'PostgreSQL',
    create: () => createPostgresDatabase(),
    fill: (db, rows = ROWS) => psql(`CREATE TABLE big (id int PRIMARY KEY, a text, b text); INSERT INTO big SELECT g, md5(g::text), md5(random()::text) FROM generate_series(1, ${rows}) g`, db),
    exists: (name) => psql(`SELECT count(*) FROM pg_database WHERE datname = '${name}'`) === '1',
    drop: (name) => psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    sql: (db, query) => psql(query, db),
    hasTable: (db, table) => psql(`SELECT to_regclass('${table}') IS NOT NULL`, db) === 't',
  },
  {
    name: 'MariaDB',
    create: () => createMariaDatabase(),
    fill: (db, rows = ROWS) => mariadb(`CREATE TABLE big (id int PRIMARY KEY, a char(32), b char(32)); INSERT INTO big SELECT seq, md5(seq), md5(rand()) FROM seq_1_to_${rows}`, db),
    exists: (name) => mariadb(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${name}'`) === '1',
    drop: (name) => mariadb(`DROP DATABASE IF EXISTS \`${name}\``),
    sql: (db, query) => mariadb(query, db),
    hasTable: (db, table) => mariadb(`SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = '${table}'`) === '1',
  },
];

/** A project with a backup of a database big enough that verify's scratch copy exists for a while; its own HOME and state. */
async function projectWithBackup(engine: Engine, rows = ROWS) {
  const db = engine.create();
  cleanups.push(() => db.drop());
  engine.fill(db.name, rows);
  const project = backupProject(db.url);
  cleanups.push(project.cleanup);
  const home = testDir('dbsafe-scratch-home-');
  const env = { DATABASE_URL: db.url, HOME: home };
  const records = path.join(home, '.local', 'state', 'dbsafe', 'scratch-databases');
  const backup = await runCli(['backup', '--json'], { cwd: project.dir, env });
  expect(backup.code, backup.stderr).toBe(0);
  return { db, project, env, records, backupId: (JSON.parse(backup.stdout) as { id: string }).id };
}

function recordedDatabases(dir: string): Array<{ database: string; purpose: string; pid: number }> {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { database: string; purpose: string; pid: number });
  } catch {
    return [];
  }
}

/** Poll (no fixed sleep) until `ready` gives a value, or fail naming `what`. */
async function waitFor<T>(what: string, ready: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = ready();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what} never happened`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Run `dbsafe ARGS` and SIGKILL it once its recorded scratch database of
 * `purpose` exists on the server (the record comes first, then the
 * database); the database the kill left behind, checked to be there.
 */
async function killOnceScratchExists(engine: Engine, at: { project: { dir: string }; env: Record<string, string>; records: string }, args: string[], purpose: string): Promise<string> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: at.project.dir, env: { PATH: process.env.PATH, ...at.env }, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const scratch = await waitFor(`the ${purpose} database on the server`, () => {
    const record = recordedDatabases(at.records).find((r) => r.pid === child.pid && r.purpose === purpose);
    return record && engine.exists(record.database) ? record.database : undefined;
  });
  cleanups.push(() => engine.drop(scratch));
  child.kill('SIGKILL');
  await exited;
  expect(engine.exists(scratch)).toBe(true);
  return scratch;
}

describe.each(ENGINES)('$name: a verify killed with SIGKILL', (engine) => {
  it('leaves its scratch database recorded; doctor lists it; the next verify drops it', async () => {
    const { project, env, records } = await projectWithBackup(engine);
    const scratch = await killOnceScratchExists(engine, { project, env, records }, ['verify'], 'verify');

    const doctor = await runCli(['doctor', '--json'], { cwd: project.dir, env });
    const facts = JSON.parse(doctor.stdout) as { scratchDatabases: Array<{ database: string }>; problems: Array<{ area: string; fix: string }> };
    expect(facts.scratchDatabases.map((s) => s.database)).toEqual([scratch]);
    expect(facts.problems.find((p) => p.area === 'scratch databases')?.fix).toContain('dbsafe verify');

    const again = await runCli(['verify'], { cwd: project.dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(String(ROWS));
    expect(engine.exists(scratch)).toBe(false);
    expect(recordedDatabases(records)).toEqual([]);
  });
});

describe('only recorded databases are dropped, and only when their owner is gone', () => {
  it('a database named like a scratch copy but not recorded, recorded by a live process, or recorded under a name dbsafe never gives, stays', async () => {
    const engine = ENGINES[0]!;
    const { db, project, env, records } = await projectWithBackup(engine, 10);
    const { recordScratchDatabase, processStartTime } = await import('../../src/engines/scratch-database.js');
    const { parseDatabaseUrl } = await import('../../src/target/url.js');
    const target = parseDatabaseUrl(env.DATABASE_URL, { kind: 'env', name: 'DATABASE_URL' }, project.dir);
    const scratchLike = () => `dbsafe_verify_${randomBytes(4).toString('hex')}`;
    const [unrecorded, live, dead, reused] = [scratchLike(), scratchLike(), scratchLike(), scratchLike()] as [string, string, string, string];
    const real = createPostgresDatabase();
    cleanups.push(() => real.drop());
    for (const name of [unrecorded, live, dead, reused]) {
      psql(`CREATE DATABASE "${name}"`);
      cleanups.push(() => engine.drop(name));
    }
    const gone = { pid: spawnSync('true').pid!, processStart: null };
    recordScratchDatabase(target, live, 'verify', { pid: process.pid, processStart: processStartTime(process.pid) }, env);
    recordScratchDatabase(target, dead, 'verify', gone, env);
    // A live pid whose start time is not the recorded one: the owner died and the pid went to another process.
    recordScratchDatabase(target, reused, 'verify', { pid: process.pid, processStart: '1' }, env);
    // Hand-written records naming real databases: the project's own and another one.
    recordScratchDatabase(target, real.name, 'verify', gone, env);
    recordScratchDatabase(target, db.name, 'verify', gone, env);

    const verify = await runCli(['verify'], { cwd: project.dir, env });
    expect(verify.code, verify.stderr).toBe(0);
    expect([unrecorded, live, dead, reused, real.name, db.name].map((name) => [name, engine.exists(name)])).toEqual([
      [unrecorded, true],
      [live, true],
      [dead, false],
      [reused, false],
      [real.name, true],
      [db.name, true],
    ]);
    expect(recordedDatabases(records).map((r) => r.database).sort()).toEqual([live, real.name, db.name].sort());
  });
});

describe.each(ENGINES)('$name: a restore killed with SIGKILL', (engine) => {
  it('leaves its staging copy recorded, and the next restore drops it and restores', async () => {
    const { db, project, env, records, backupId } = await projectWithBackup(engine);
    engine.sql(db.name, 'CREATE TABLE made_later (x int)');
    const staging = await killOnceScratchExists(engine, { project, env, records }, ['restore', backupId, '--yes'], 'restore staging');
    expect(engine.hasTable(db.name, 'made_later')).toBe(true);

    const again = await runCli(['restore', backupId, '--yes'], { cwd: project.dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(engine.exists(staging)).toBe(false);
    expect(engine.hasTable(db.name, 'made_later')).toBe(false);
    expect(engine.sql(db.name, 'SELECT count(*) FROM big')).toBe(String(ROWS));
    // PostgreSQL drops the replaced database in the background; its record goes with it.
    await waitFor('the background drop to finish', () => (recordedDatabases(records).length === 0 ? true : undefined));
  });
});

describe('a scratch database that cannot be recorded is not created', () => {
  it('verify fails with the cause and the fix when the state directory cannot be written', async () => {
    const engine = ENGINES[0]!;
    const { project, env } = await projectWithBackup(engine, 10);
    // A HOME whose .local is a file: the state directory cannot be made.
    const home = path.join(env.HOME, 'unwritable-home');
    mkdirSync(home);
    writeFileSync(path.join(home, '.local'), '');
    const result = await runCli(['verify'], { cwd: project.dir, env: { ...env, HOME: home } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('records every scratch database before it creates one');
    expect(result.stderr).toContain('Make the directory writable');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
