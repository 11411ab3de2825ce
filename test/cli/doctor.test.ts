import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DoctorFacts, DoctorFinding } from '../../src/doctor/judge.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';
import { createPostgresDatabase, psql, type TestDatabase } from '../helpers/databases.js';

type DoctorJson = DoctorFacts & { ok: boolean; problems: DoctorFinding[]; notes: DoctorFinding[] };

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  cleanups = [];
});

/** A git repository using dbsafe (package.json "dbsafe" key) with its own HOME, run with `DATABASE_URL`. */
function doctorProject(url: string | null, config: Record<string, unknown> = {}) {
  const temp = tempDir('dbsafe-doctor-test-');
  cleanups.push(temp.cleanup);
  const dir = path.join(temp.dir, 'project');
  const home = path.join(temp.dir, 'home');
  mkdirSync(dir);
  mkdirSync(home);
  execFileSync('git', ['init', '-q'], { cwd: dir });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, dbsafe: config }));
  const baseEnv = (extra: Record<string, string>) => ({ HOME: home, ...(url ? { DATABASE_URL: url } : {}), ...extra });
  const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: dir, env: baseEnv(extra) });
  return {
    dir,
    home,
    backups: path.join(dir, 'backups'),
    cli,
    env: baseEnv,
    async doctor(extra: Record<string, string> = {}): Promise<{ code: number | null; json: DoctorJson; text: string }> {
      const json = await cli(['doctor', '--json'], extra);
      const text = await cli(['doctor'], extra);
      expect(json.stderr).toBe('');
      expect(text.code).toBe(json.code);
      return { code: json.code, json: JSON.parse(json.stdout) as DoctorJson, text: text.stdout };
    },
  };
}

function sqliteFile(dir: string): string {
  const file = path.join(dir, 'app.db');
  execFileSync('sqlite3', [file, 'CREATE TABLE t (x); INSERT INTO t VALUES (1);']);
  return file;
}

describe('dbsafe doctor', () => {
  it('reports a healthy SQLite project with exit 0: versions, project, database, sqlite3, backups, integrations, environment', async () => {
    const p = doctorProject(null);
    const url = `sqlite:${sqliteFile(p.dir)}`;
    expect((await p.cli(['backup'], { DATABASE_URL: url })).code).toBe(0);
    const { code, json, text } = await p.doctor({ DATABASE_URL: url });
    expect(code).toBe(0);
    expect(json.ok).toBe(true);
    expect(json.problems).toEqual([]);
    expect(json.dbsafe).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.version });
    expect(json.project).toEqual({ root: p.dir, optedIn: true, configFile: path.join(p.dir, 'package.json') });
    expect(json.check).toEqual({ verdict: 'safe', exitCode: 0, reasons: [] });
    expect(json.databases).toEqual([expect.objectContaining({ description: `SQLite file ${path.join(p.dir, 'app.db')} (DATABASE_URL)`, primary: true })]);
    expect(json.engine).toBe('sqlite');
    expect(json.tools).toEqual([{ name: 'sqlite3', path: expect.stringMatching(/sqlite3$/), version: expect.stringMatching(/^3\.\d+/) }]);
    expect(json.server).toEqual({ state: 'answered', version: expect.stringMatching(/^SQLite 3\./) });
    expect(json.backups).toMatchObject({ dir: p.backups, exists: true, mode: 0o700, git: 'ignored', count: 1 });
    expect(json.backups!.totalSize).toBeGreaterThan(0);
    expect(json.integrations.gitHooks).toMatchObject({ repository: true, installed: [] });
    expect(json.environment).toEqual({ dbsafeZero: false, integrationsDisabled: false, agent: null });

    expect(text).toContain(`dbsafe ${json.dbsafe.version}, Node ${process.version}`);
    expect(text).toContain('Databases (dbsafe check, offline: SAFE)');
    expect(text).toMatch(/✓ sqlite3 +3\.\d+/);
    expect(text).toContain('✓ answers: SQLite 3.');
    expect(text).toContain('✓ private    mode 0700');
    expect(text).toContain('✓ ignored by git');
    // The same integration lines `dbsafe status` prints.
    const status = await p.cli(['status'], { DATABASE_URL: url });
    for (const line of status.stdout.trim().split('\n')) expect(text).toContain(`  ${line}`);
    expect(text.trim().endsWith('Nothing needs fixing.')).toBe(true);
  });

  it('reports a PostgreSQL project: pg_dump and pg_restore versions, the server version, and never the password', async () => {
    const db: TestDatabase = createPostgresDatabase();
    cleanups.push(() => db.drop());
    psql('CREATE TABLE t (id int)', db.name);
    const p = doctorProject(db.url.replace('postgres@', 'postgres:Hunter2-secret@'));
    const { code, json, text } = await p.doctor();
    expect(code).toBe(0);
    expect(json.engine).toBe('postgres');
    expect(json.tools.map((tool) => tool.name)).toEqual(['pg_dump', 'pg_restore']);
    for (const tool of json.tools) expect(tool).toMatchObject({ path: expect.stringContaining(tool.name), version: expect.stringMatching(/^\d+\.\d+/) });
    expect(json.server).toEqual({ state: 'answered', version: expect.stringMatching(/^PostgreSQL \d+/) });
    expect(json.databases[0]).toMatchObject({ description: `PostgreSQL ${db.name} on 127.0.0.1:5432 (DATABASE_URL)`, target: { password: 'set', user: 'postgres' } });
    expect(json.backups).toMatchObject({ exists: false, count: 0 });
    expect(text).toContain('(not created yet: the first backup creates it)');
    expect(JSON.stringify(json) + text).not.toContain('Hunter2');
  });

  it('reports an unreachable server as a note and still exits 0', async () => {
    const p = doctorProject('postgres://postgres:Hunter2-secret@127.0.0.1:1/dbsafe_test_unreachable');
    const { code, json, text } = await p.doctor();
    expect(code).toBe(0);
    expect(json.server).toMatchObject({ state: 'unreachable', detail: expect.stringContaining('Cannot reach the PostgreSQL server at 127.0.0.1:1') });
    expect(json.notes).toEqual([expect.objectContaining({ area: 'server' })]);
    expect(json.tools.every((tool) => tool.path !== null)).toBe(true);
    expect(text).toContain('! server: The database server did not answer');
    expect(JSON.stringify(json) + text).not.toContain('Hunter2');
  });

  it('gives up on a server that accepts the connection but never answers after a short timeout', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      silent.close();
    });
    const port = (silent.address() as net.AddressInfo).port;
    const p = doctorProject(`postgres://postgres@127.0.0.1:${port}/dbsafe_test_silent`);
    const started = Date.now();
    const result = await p.cli(['doctor', '--json']);
    const json = JSON.parse(result.stdout) as DoctorJson;
    expect(result.code).toBe(0);
    expect(json.server).toEqual({ state: 'unreachable', detail: expect.stringContaining('no answer within 3 s') });
    expect(Date.now() - started).toBeLessThan(9000);
  });

  it('does not connect to a database the check refuses without connecting', async () => {
    const p = doctorProject('postgres://postgres@127.0.0.1:5432/orders_live');
    const { code, json, text } = await p.doctor();
    expect(code).toBe(1);
    expect(json.check.verdict).toBe('refused');
    expect(json.server).toEqual({ state: 'skipped', detail: expect.stringContaining('dbsafe never connects to it') });
    expect(json.problems[0]).toMatchObject({ area: 'check', message: expect.stringContaining('orders_live'), fix: expect.any(String) });
    expect(text).toContain('Databases (dbsafe check, offline: REFUSED)');
  });

  it('exits 1 when the PostgreSQL client tools cannot be found, naming the package to install', async () => {
    const db: TestDatabase = createPostgresDatabase();
    cleanups.push(() => db.drop());
    const p = doctorProject(db.url);
    const empty = path.join(p.dir, 'no-tools');
    mkdirSync(empty);
    const { code, json, text } = await p.doctor({ DBSAFE_PG_BIN: empty, PATH: `${path.dirname(process.execPath)}:/nonexistent` });
    expect(code).toBe(1);
    expect(json.tools.map((tool) => [tool.name, tool.path])).toEqual([['pg_dump', null], ['pg_restore', null]]);
    expect(json.problems).toHaveLength(2);
    expect(json.problems[0]).toMatchObject({ area: 'client tools', message: `DBSAFE_PG_BIN is ${empty}, but there is no pg_dump in it.`, fix: expect.stringContaining('apt-get install postgresql-client-') });
    expect(text).toMatch(/✗ pg_dump +missing/);
    expect(text).toContain('2 problems to fix:');
    expect(text).toContain('fix: Point DBSAFE_PG_BIN at the bin directory');
  });

  it('exits 1 when sqlite3 is not installed, with the Debian package that provides it', () => {
    const p = doctorProject(null);
    const url = `sqlite:${sqliteFile(p.dir)}`;
    // sqlite3 hidden in a private mount namespace: dbsafe also searches /usr/bin whatever PATH says.
    const run = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind /dev/null /usr/bin/sqlite3 && exec "$0" "$@"', process.execPath, CLI, 'doctor', '--json'], {
      cwd: p.dir,
      env: { PATH: process.env.PATH, NO_COLOR: '1', ...p.env({ DATABASE_URL: url }) },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(1);
    const json = JSON.parse(run.stdout) as DoctorJson;
    expect(json.tools).toEqual([{ name: 'sqlite3', path: null, version: null, problem: expect.any(String) }]);
    expect(json.problems).toEqual([
      { area: 'client tools', message: "sqlite3 was not found on PATH (nor in Homebrew's or Postgres.app's directories), and dbsafe needs it to back up, check and restore SQLite databases.", fix: expect.stringContaining('apt-get install sqlite3') },
    ]);
    expect(json.server).toMatchObject({ state: 'unreachable' });
  });

  it('exits 1 for a backup directory other users can read, or that git would commit, and says the fix', async () => {
    const p = doctorProject(null);
    const url = `sqlite:${sqliteFile(p.dir)}`;
    expect((await p.cli(['backup'], { DATABASE_URL: url })).code).toBe(0);
    chmodSync(p.backups, 0o755);
    writeFileSync(path.join(p.dir, '.gitignore'), 'node_modules/\n');
    const { code, json, text } = await p.doctor({ DATABASE_URL: url });
    expect(code).toBe(1);
    expect(json.backups).toMatchObject({ mode: 0o755, git: 'not-ignored', count: 1 });
    expect(json.problems.map((problem) => problem.area)).toEqual(['backups', 'backups']);
    expect(text).toContain(`✗ backups: The backup directory ${p.backups} has mode 0755: other users on this machine can read your database copies.`);
    expect(text).toContain(`fix: Run \`chmod 700 ${p.backups}\``);
    expect(text).toContain('is not ignored by git');
    expect(text).toMatch(/✗ private +mode 0755/);

    chmodSync(p.backups, 0o700);
    expect((await p.cli(['backup'], { DATABASE_URL: url })).code).toBe(0);
    expect((await p.doctor({ DATABASE_URL: url })).code).toBe(0);
  });

  it('reports the check verdict: no database configured, or a configuration that cannot be read, is a problem with its fix', async () => {
    const none = doctorProject(null);
    const noDb = await none.doctor();
    expect(noDb.code).toBe(1);
    expect(noDb.json).toMatchObject({ engine: null, tools: [], server: null, databases: [] });
    expect(noDb.json.problems).toEqual([expect.objectContaining({ area: 'check', message: expect.stringContaining('No database is configured'), fix: expect.stringContaining('Set DATABASE_URL') })]);

    const broken = doctorProject('sqlite:./app.db', { retention: 'many' });
    const bad = await broken.doctor();
    expect(bad.code).toBe(1);
    expect(bad.json.check.verdict).toBe('error');
    expect(bad.json.backups).toBeNull();
    expect(bad.json.problems[0]!.message).toContain('"retention" must be a whole number');
    expect(bad.text).toContain('Integrations');
  });

  it('shows DBSAFE=0 and a detected AI agent', async () => {
    const p = doctorProject(null);
    const url = `sqlite:${sqliteFile(p.dir)}`;
    const off = await p.doctor({ DATABASE_URL: url, DBSAFE: '0' });
    expect(off.code).toBe(0);
    expect(off.json.environment).toEqual({ dbsafeZero: true, integrationsDisabled: true, agent: null });
    expect(off.text).toContain('DBSAFE=0      DBSAFE=0 is set: the shell functions, shims and git hooks stand aside');

    const agent = await p.doctor({ DATABASE_URL: url, DBSAFE: '0', CLAUDECODE: '1' });
    expect(agent.json.environment).toEqual({ dbsafeZero: true, integrationsDisabled: false, agent: { name: 'Claude Code', variable: 'CLAUDECODE' } });
    expect(agent.text).toContain('AI agent      Claude Code (CLAUDECODE)');
    expect(agent.text).toContain('DBSAFE=0 is ignored');
  });

  it('reports backup encryption: the key in use by its id (never the key), and a key file others can read as a problem', async () => {
    const keyDir = tempDir('dbsafe-doctor-key-');
    cleanups.push(keyDir.cleanup);
    const keyFile = path.join(keyDir.dir, 'backup.key');
    const key = Buffer.alloc(32, 7).toString('base64');
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
    const p = doctorProject(null, { encryption: { keyFile } });
    const url = `sqlite:${sqliteFile(p.dir)}`;
    const good = await p.doctor({ DATABASE_URL: url });
    expect(good.code).toBe(0);
    expect(good.json.encryption).toEqual({ encryptNewBackups: true, key: { source: keyFile, keyId: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown }, problem: null });
    expect(good.text).toContain('new backups are encrypted');
    expect(good.text).not.toContain(key);

    chmodSync(keyFile, 0o644);
    const open = await p.doctor({ DATABASE_URL: url });
    expect(open.code).toBe(1);
    expect(open.json.problems).toEqual([expect.objectContaining({ area: 'encryption', message: expect.stringContaining('can be read by other users') as unknown, fix: expect.stringContaining(`chmod 600 ${keyFile}`) as unknown })]);
    expect(open.text).toContain('key cannot be loaded');

    const plain = doctorProject(null);
    const off = await plain.doctor({ DATABASE_URL: `sqlite:${sqliteFile(plain.dir)}` });
    expect(off.json.encryption).toEqual({ encryptNewBackups: false, key: null, problem: null });
    expect(off.text).toContain('off: backups are stored unencrypted');
  });
});
