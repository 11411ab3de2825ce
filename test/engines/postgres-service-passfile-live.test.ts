import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, PG_BIN, runAsPostgres } from '../helpers/private-postgres.js';
import { CLI, runCli, testDir } from '../helpers/cli.js';

/**
 * A private PostgreSQL server whose role `dbsafe_test_pw` must log in with a
 * password (the shared server trusts everyone, so it cannot show where a
 * password goes). pg_dump, pg_restore and dropdb are stand-ins that record
 * their own environment (/proc/self/environ) and the password file's mode,
 * then run the real tool.
 */
const ROLE = 'dbsafe_test_pw';
const PASSWORD = 'pw:with\\colon';
let base = '';
let port = 0;

function asPostgres(program: string, args: string[]): void {
  runAsPostgres(program, args, path.join(base, 'commands.log'));
}

function sql(statement: string, database = 'postgres'): string {
  return execFileSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', statement], { encoding: 'utf8' }).trim();
}

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'dbsafe-pg-passfile-'));
  mkdirSync(path.join(base, 'sock'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(base, uid, gid);
    chownSync(path.join(base, 'sock'), uid, gid);
  }
  port = await freePort();
  const data = path.join(base, 'data');
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  writeFileSync(path.join(data, 'pg_hba.conf'), [`host all ${ROLE} 127.0.0.1/32 scram-sha-256`, 'host all all 127.0.0.1/32 trust', 'local all all trust', ''].join('\n'));
  asPostgres('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${path.join(base, 'sock')} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', path.join(base, 'server.log'), '-w', 'start']);
  sql(`CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD.replace(/'/g, "''")}'`);
  sql(`CREATE DATABASE dbsafe_test_shop OWNER ${ROLE}`);
  sql('CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, $$tea$$), (2, $$cake$$)', 'dbsafe_test_shop');
  execFileSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'dbsafe_test_shop', '-qc', `ALTER TABLE orders OWNER TO ${ROLE}`]);
}, 60_000);

afterAll(() => {
  try {
    asPostgres('pg_ctl', ['-D', path.join(base, 'data'), '-m', 'immediate', '-w', 'stop']);
  } catch {
    // Not started (setup failed earlier): nothing to stop.
  }
  if (base) rmSync(base, { recursive: true, force: true });
});

interface Recorded {
  tool: string;
  environ: Record<string, string>;
  passfileMode: string | null;
  passfileDirMode: string | null;
  passfileText: string | null;
}

/**
 * A DBSAFE_PG_BIN directory of stand-ins: each records what it was given into
 * `log` and then execs the real tool, so the process the real tool runs in
 * has exactly the recorded environment. `pause` makes pg_dump wait for a file.
 */
function standIns(dir: string, log: string, pause?: { started: string }): string {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  for (const tool of ['pg_dump', 'pg_restore', 'dropdb']) {
    const waitForSignal = pause && tool === 'pg_dump' ? `[ "$1" = --version ] || { : > "${pause.started}"; exec sleep 60; }\n` : '';
    writeFileSync(
      path.join(bin, tool),
      `#!/bin/sh
if [ "$1" != --version ]; then
  {
    echo "tool ${tool}"
    tr '\\0' '\\n' < /proc/$$/environ | sed 's/^/env /'
    if [ -n "$PGPASSFILE" ]; then
      echo "mode $(stat -c %a "$PGPASSFILE")"
      echo "dirmode $(stat -c %a "$(dirname "$PGPASSFILE")")"
      printf 'text %s\\n' "$(cat "$PGPASSFILE")"
    fi
    echo "end"
  } >> "${log}"
fi
${waitForSignal}exec ${PG_BIN}/${tool} "$@"
`,
      { mode: 0o755 },
    );
  }
  return bin;
}

function recorded(log: string): Recorded[] {
  if (!existsSync(log)) return [];
  const runs: Recorded[] = [];
  let current: Recorded | null = null;
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const [kind, ...rest] = line.split(' ');
    const value = rest.join(' ');
    if (kind === 'tool') current = { tool: value, environ: {}, passfileMode: null, passfileDirMode: null, passfileText: null };
    else if (!current) continue;
    else if (kind === 'env') current.environ[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
    else if (kind === 'mode') current.passfileMode = value;
    else if (kind === 'dirmode') current.passfileDirMode = value;
    else if (kind === 'text') current.passfileText = value;
    else if (kind === 'end') runs.push(current);
  }
  return runs;
}

function project(): { dir: string; tmp: string; log: string; env: (extra?: Record<string, string>) => Record<string, string> } {
  const dir = testDir('dbsafe-passfile-project-');
  execFileSync('git', ['init', '-q'], { cwd: dir });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, dbsafe: {} }));
  const tmp = path.join(dir, '.tmp');
  mkdirSync(tmp);
  const home = path.join(dir, '.home');
  mkdirSync(home);
  const log = path.join(dir, 'tools.log');
  return { dir, tmp, log, env: (extra = {}) => ({ HOME: home, TMPDIR: tmp, XDG_STATE_HOME: path.join(home, 'state'), ...extra }) };
}

const url = (password = PASSWORD) => `postgres://${ROLE}:${encodeURIComponent(password)}@127.0.0.1:${port}/dbsafe_test_shop`;
const secretDirs = (tmp: string) => readdirSync(tmp).filter((name) => name.startsWith('dbsafe-secret-'));

describe('PostgreSQL passwords travel in a private password file, never in the environment', () => {
  it('backup and restore: pg_dump, pg_restore and dropdb get PGPASSFILE (0600, directory 0700), no PGPASSWORD; the file is gone afterwards', async () => {
    const p = project();
    const bin = standIns(p.dir, p.log);
    // A PGPASSWORD in the user's shell must not reach the tools either.
    const env = p.env({ DATABASE_URL: url(), DBSAFE_PG_BIN: bin, PGPASSWORD: 'from-the-shell' });
    const backup = await runCli(['backup', '--json'], { cwd: p.dir, env });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const restore = await runCli(['restore', 'latest', '--yes'], { cwd: p.dir, env });
    expect(restore.code).toBe(0);
    expect(sql('SELECT count(*) FROM orders', 'dbsafe_test_shop')).toBe('2');

    const runs = recorded(p.log);
    expect(runs.map((r) => r.tool)).toEqual(expect.arrayContaining(['pg_dump', 'pg_restore']));
    // pg_restore --list reads an archive without connecting: only the connecting runs get a password file.
    const connecting = runs.filter((run) => run.environ.PGPASSFILE !== undefined);
    expect(connecting.map((r) => r.tool)).toEqual(expect.arrayContaining(['pg_dump', 'pg_restore']));
    for (const run of runs) {
      expect(run.environ.PGPASSWORD, run.tool).toBeUndefined();
      expect(Object.values(run.environ).join('\n')).not.toContain(PASSWORD);
    }
    for (const run of connecting) {
      expect(run.environ.PGPASSFILE, run.tool).toMatch(new RegExp(`^${p.tmp}/dbsafe-secret-[^/]+/pgpass$`));
      expect(run.passfileMode).toBe('600');
      expect(run.passfileDirMode).toBe('700');
      expect(run.passfileText).toBe('*:*:*:*:pw\\:with\\\\colon');
    }
    // dropdb runs detached after the restore: it removes its own password file when it is done.
    const deadline = Date.now() + 20_000;
    while (secretDirs(p.tmp).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(secretDirs(p.tmp)).toEqual([]);
  }, 60_000);

  it('a wrong password: the backup fails and its password file is removed all the same', async () => {
    const p = project();
    const bin = standIns(p.dir, p.log);
    const result = await runCli(['backup'], { cwd: p.dir, env: p.env({ DATABASE_URL: url('wrong-password'), DBSAFE_PG_BIN: bin }) });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('wrong-password');
    expect(secretDirs(p.tmp)).toEqual([]);
  });

  it('Ctrl-C while pg_dump runs: the password file is removed', async () => {
    const p = project();
    const started = path.join(p.dir, 'pg_dump-started');
    const bin = standIns(p.dir, p.log, { started });
    const child = spawn(process.execPath, [CLI, 'backup'], {
      cwd: p.dir,
      env: { PATH: process.env.PATH, ...p.env({ DATABASE_URL: url(), DBSAFE_PG_BIN: bin }) },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!existsSync(started) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(existsSync(started)).toBe(true);
    expect(secretDirs(p.tmp)).toHaveLength(1);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(secretDirs(p.tmp)).toEqual([]);
  }, 60_000);
});

/** libpq's password file escapes ":" and "\\" inside a field. */
const pgpassField = (text: string) => text.replace(/[\\:]/g, (c) => `\\${c}`);

describe('a PostgreSQL service file names the database (live)', () => {
  function serviceProject(serviceLines: string[], withPgpass: boolean) {
    const p = project();
    const home = p.env().HOME!;
    writeFileSync(path.join(home, '.pg_service.conf'), ['# the team\'s services', '[shop]', ...serviceLines, '[other]', 'host=prod.db.example.com', ''].join('\n'));
    if (withPgpass) writeFileSync(path.join(home, '.pgpass'), `127.0.0.1:${port}:dbsafe_test_shop:${ROLE}:${pgpassField(PASSWORD)}\n`, { mode: 0o600 });
    writeFileSync(path.join(p.dir, '.env'), 'PGSERVICE=shop\n');
    return p;
  }

  it('check (live) and backup reach the database the service names; the password comes from ~/.pgpass and is never in the environment', async () => {
    const p = serviceProject(['host=127.0.0.1', `port=${port}`, 'dbname=dbsafe_test_shop', `user=${ROLE}`], true);
    const bin = standIns(p.dir, p.log);
    const env = p.env({ DBSAFE_PG_BIN: bin });
    const check = await runCli(['check', '--json'], { cwd: p.dir, env });
    expect(check.stderr).toBe('');
    const report = JSON.parse(check.stdout) as { verdict: string; targets: Array<{ database: string; host: string; port: number; user: string; live: { ok: boolean } | null }> };
    expect(report.targets[0]).toMatchObject({ database: 'dbsafe_test_shop', host: '127.0.0.1', port, user: ROLE });
    expect(report.verdict).toBe('safe');
    expect(check.code).toBe(0);

    const backup = await runCli(['backup', '--json'], { cwd: p.dir, env });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect((JSON.parse(backup.stdout) as { database: string }).database).toBe('dbsafe_test_shop');
    const dump = recorded(p.log).find((run) => run.tool === 'pg_dump')!;
    expect(dump.environ).toMatchObject({ PGHOST: '127.0.0.1', PGPORT: String(port), PGDATABASE: 'dbsafe_test_shop', PGUSER: ROLE });
    expect(dump.environ.PGSERVICE).toBeUndefined();
    expect(dump.environ.PGPASSWORD).toBeUndefined();
    // No password of dbsafe's own: libpq reads the user's ~/.pgpass as it would for psql.
    expect(dump.environ.PGPASSFILE).toBeUndefined();
  }, 60_000);

  it('a password written in the service file travels in dbsafe\'s private password file', async () => {
    const p = serviceProject(['host=127.0.0.1', `port=${port}`, 'dbname=dbsafe_test_shop', `user=${ROLE}`, `password=${PASSWORD}`], false);
    const bin = standIns(p.dir, p.log);
    const backup = await runCli(['backup', '--json'], { cwd: p.dir, env: p.env({ DBSAFE_PG_BIN: bin }) });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const dump = recorded(p.log).find((run) => run.tool === 'pg_dump')!;
    expect(dump.environ.PGPASSWORD).toBeUndefined();
    expect(dump.passfileMode).toBe('600');
    expect(secretDirs(p.tmp)).toEqual([]);
  }, 60_000);
});
