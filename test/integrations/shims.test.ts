import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

/** A recording stand-in for dbsafe (named as such): proves what the shims hand over, and when dbsafe is never started. */
const STAND_IN = `#!/bin/sh
printf '%s | PATH=%s\\n' "$*" "$PATH" >> "$DBSAFE_STANDIN_RECORD"
exit "\${DBSAFE_STANDIN_EXIT:-0}"
`;

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

async function shimmedMachine() {
  const { dir, cleanup } = tempDir('dbsafe-shims-');
  cleanups.push(cleanup);
  const home = path.join(dir, 'home');
  const bin = path.join(dir, 'stand-in-bin');
  const project = path.join(dir, 'project');
  for (const d of [home, bin, path.join(project, 'lib')]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(bin, 'dbsafe'), STAND_IN);
  chmodSync(path.join(bin, 'dbsafe'), 0o755);
  writeFileSync(path.join(project, 'dbsafe.config.json'), '{}\n');
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'shop', scripts: { test: `node -p "'real-test-ran'"` } }));
  const installed = await runCli(['install', '--shims'], { cwd: project, env: { HOME: home } });
  expect(installed.code).toBe(0);
  const shimDir = path.join(home, '.local', 'share', 'dbsafe', 'shims');
  const record = path.join(dir, 'record');
  const bashC = (script: string, options: { path: string; env?: Record<string, string>; cwd?: string }) =>
    spawnSync('bash', ['-c', script], {
      cwd: options.cwd ?? path.join(project, 'lib'),
      encoding: 'utf8',
      env: { HOME: home, PATH: options.path, DBSAFE_STANDIN_RECORD: record, ...options.env },
    });
  const recorded = () => (existsSync(record) ? readFileSync(record, 'utf8') : '');
  return { dir, home, bin, project, shimDir, bashC, recorded };
}

describe('PATH shims', () => {
  it('`bash -c "npm test"` with the shim dir on PATH goes through dbsafe run, with the shim dir taken off PATH', async () => {
    const m = await shimmedMachine();
    const result = m.bashC('npm test', { path: `${m.shimDir}:${m.bin}:${process.env.PATH}` });
    expect(result.status).toBe(0);
    const lines = m.recorded().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^run -- npm test \| PATH=/);
    expect(lines[0]).not.toContain(m.shimDir);
  });

  it('a refusal from dbsafe stops the command: its exit code comes back and the real program never runs', async () => {
    const m = await shimmedMachine();
    const result = m.bashC('npm test && echo after-test', { path: `${m.shimDir}:${m.bin}:${process.env.PATH}`, env: { DBSAFE_STANDIN_EXIT: '3' } });
    expect(result.status).toBe(3);
    expect(result.stdout).not.toContain('real-test-ran');
    expect(result.stdout).not.toContain('after-test');
  });

  it('non-matching calls exec the real program without starting dbsafe, even with the shim dir listed twice and through a symlink', async () => {
    const m = await shimmedMachine();
    const alias = path.join(m.dir, 'shims-link');
    symlinkSync(m.shimDir, alias);
    const result = m.bashC('npm --version && npx --version', { path: `${alias}:${m.shimDir}:${alias}:${m.bin}:${process.env.PATH}` });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n\d+\.\d+\.\d+\n$/);
    expect(m.recorded()).toBe('');
  });

  it('outside an opted-in project, and with DBSAFE=0, `npm test` runs the real npm at once', async () => {
    const m = await shimmedMachine();
    const outside = path.join(m.dir, 'elsewhere');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'package.json'), JSON.stringify({ name: 'x', scripts: { test: `node -p "'outside-test-ran'"` } }));
    const pathValue = `${m.shimDir}:${m.bin}:${process.env.PATH}`;
    expect(m.bashC('npm test', { path: pathValue, cwd: outside }).stdout).toContain('outside-test-ran');
    expect(m.bashC('npm test', { path: pathValue, env: { DBSAFE: '0' } }).stdout).toContain('real-test-ran');
    expect(m.recorded()).toBe('');
    // An agent's session cannot switch the shims off.
    m.bashC('npm test', { path: pathValue, env: { DBSAFE: '0', CODEX_SANDBOX: 'seatbelt' } });
    expect(m.recorded()).toMatch(/^run -- npm test \|/);
  });

  it('says so, and fails closed, when the project uses dbsafe but no dbsafe command exists', async () => {
    const m = await shimmedMachine();
    const result = m.bashC('npm test', { path: `${m.shimDir}:${process.env.PATH}` });
    expect(result.status).toBe(127);
    expect(result.stderr).toContain('the dbsafe command is not installed');
    expect(result.stdout).not.toContain('real-test-ran');
  });

  it('install puts the shim dir on PATH for login shells (~/.profile), and a login `bash -lc` is guarded by the project-local dbsafe', async () => {
    const m = await shimmedMachine();
    expect(readFileSync(path.join(m.home, '.profile'), 'utf8')).toContain(m.shimDir);
    // /etc/profile resets PATH, so the stand-in is the project's own node_modules/.bin/dbsafe.
    mkdirSync(path.join(m.project, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(path.join(m.bin, 'dbsafe'), path.join(m.project, 'node_modules', '.bin', 'dbsafe'));
    const result = spawnSync('bash', ['-lc', 'npm test'], {
      cwd: m.project,
      encoding: 'utf8',
      env: { HOME: m.home, PATH: process.env.PATH, DBSAFE_STANDIN_RECORD: path.join(m.dir, 'record') },
    });
    expect(result.status).toBe(0);
    expect(m.recorded()).toMatch(/^run -- npm test \|/);
  });
});

describe('PATH shims with the real dbsafe', () => {
  it('`bash -c "npm test"`: a production .env is refused (exit 3, tests never run); a local database is backed up, then tested', async () => {
    const { createPostgresDatabase } = await import('../helpers/databases.js');
    const { CLI } = await import('../helpers/cli.js');
    const { readdirSync, rmSync } = await import('node:fs');
    const m = await shimmedMachine();
    rmSync(path.join(m.bin, 'dbsafe'));
    writeFileSync(path.join(m.bin, 'dbsafe'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(path.join(m.bin, 'dbsafe'), 0o755);
    const pathValue = `${m.shimDir}:${m.bin}:${process.env.PATH}`;

    writeFileSync(path.join(m.project, '.env'), 'DATABASE_URL=postgres://app@db.prod.example.com:5432/shop\n');
    const refused = m.bashC('npm test', { path: pathValue });
    expect(refused.status).toBe(3);
    expect(refused.stdout).not.toContain('real-test-ran');
    expect(refused.stderr).toContain('db.prod.example.com');

    const db = createPostgresDatabase();
    cleanups.push(() => db.drop());
    writeFileSync(path.join(m.project, '.env'), `DATABASE_URL=${db.url}\n`);
    const allowed = m.bashC('npm test', { path: pathValue });
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('real-test-ran');
    expect(readdirSync(path.join(m.project, 'backups')).filter((name) => name.startsWith(`${db.name}_`) && !name.endsWith('.json'))).toHaveLength(1);
  });
});

describe('dbsafe’s own work with the shims on PATH', () => {
  it('a backup of a SQLite project reaches the real sqlite3, never the sqlite3 shim (which would guard dbsafe’s own backup)', async () => {
    const { CLI } = await import('../helpers/cli.js');
    const m = await shimmedMachine();
    writeFileSync(path.join(m.project, '.env'), 'DATABASE_URL=sqlite:./app.db\n');
    spawnSync('sqlite3', [path.join(m.project, 'app.db'), 'CREATE TABLE t (x); INSERT INTO t VALUES (1);']);
    expect(existsSync(path.join(m.shimDir, 'sqlite3'))).toBe(true);
    const result = spawnSync(process.execPath, [CLI, 'backup'], {
      cwd: m.project,
      encoding: 'utf8',
      env: { HOME: m.home, XDG_STATE_HOME: path.join(m.dir, 'state'), PATH: `${m.shimDir}:${m.bin}:${process.env.PATH}`, DBSAFE_STANDIN_RECORD: path.join(m.dir, 'record'), NO_COLOR: '1' },
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    // The stand-in dbsafe on PATH records any call a shim hands over: there must be none.
    expect(m.recorded()).toBe('');
  });
});
