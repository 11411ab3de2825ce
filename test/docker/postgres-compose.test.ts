import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/private-postgres.js';
import { testDir } from '../helpers/cli.js';
import { backupProject, startUntil, type BackupProject } from '../cli/backup-project.js';
import { buildImages, composeUp, dockerUnavailable, removeProjectContainers, waitFor, type TestService } from './containers.js';

/**
 * A Compose project whose PostgreSQL is 17 while the host's client tools are
 * 15: dbsafe runs pg_dump and pg_restore inside the container, after proving
 * by system_identifier that it serves the database.
 */
const unavailable = dockerUnavailable();
if (unavailable) console.error(`\n*** SKIPPED: the Docker tests need a Docker daemon, and ${unavailable}. .ci/run starts dockerd. ***\n`);

const PASSWORD = 'compose pw:17';

function psqlAt(port: number, sql: string, database = 'postgres'): string {
  return execFileSync('psql', ['-XAtq', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-c', sql], {
    encoding: 'utf8',
    env: { ...process.env, PGPASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

const CHECKSUM = "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM items t";

describe.skipIf(unavailable !== null)('PostgreSQL 17 in Docker Compose, host tools 15', () => {
  const projects: BackupProject[] = [];
  let single: { project: BackupProject; port: number };
  let pair: { project: BackupProject; port: number };

  async function composeProject(services: (port: number) => TestService[]): Promise<{ project: BackupProject; port: number }> {
    const port = await freePort();
    const project = backupProject(`postgres://postgres:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/app`);
    projects.push(project);
    composeUp(project.dir, services(port));
    await waitFor(() => psqlAt(port, 'SELECT 1'), `PostgreSQL 17 on port ${port}`);
    psqlAt(port, 'CREATE DATABASE app');
    psqlAt(port, "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 500) g", 'app');
    return { project, port };
  }

  beforeAll(async () => {
    buildImages();
    single = await composeProject((port) => [{ name: 'db', engine: 'postgres', port, password: PASSWORD }]);
    // Two PostgreSQL services on the host's network: "other" listens on the same port at 127.0.0.2, so only the identity check tells them apart.
    pair = await composeProject((port) => [
      { name: 'db', engine: 'postgres', port, password: PASSWORD },
      { name: 'other', engine: 'postgres', port, password: PASSWORD, listenAddress: '127.0.0.2' },
    ]);
  }, 300_000);

  afterAll(() => {
    for (const project of projects) {
      removeProjectContainers(project.dir);
      project.cleanup();
    }
  });

  it('the host has only pg_dump 15, older than the server', () => {
    expect(execFileSync('pg_dump', ['--version'], { encoding: 'utf8' })).toMatch(/\) 15\./);
    expect(psqlAt(single.port, 'SHOW server_version_num')).toMatch(/^17/);
  });

  it('backs up, verifies and restores through the container, table checksums equal', async () => {
    const { project, port } = single;
    const before = psqlAt(port, CHECKSUM, 'app');
    const backup = await project.cli(['backup', '--json']);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const manifest = JSON.parse(backup.stdout) as { id: string; clientTool: string };
    expect(manifest.clientTool).toMatch(/^pg_dump 17\.\d+ \(in container .*db.*\)$/);

    psqlAt(port, 'DELETE FROM items WHERE id <= 100; CREATE TABLE later (x int)', 'app');
    expect(psqlAt(port, CHECKSUM, 'app')).not.toBe(before);

    const verify = await project.cli(['verify', manifest.id, '--json']);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    expect((JSON.parse(verify.stdout) as { tables: unknown[] }).tables).toContainEqual({ name: 'items', rows: 500 });

    const restore = await project.cli(['restore', manifest.id, '--yes']);
    // The container's server cannot show its free space from here: the one line on stderr says a file backup is taken first, and why.
    expect(restore.stderr).toMatch(/^dbsafe: safety copy: a file backup first, because [^\n]+\n$/);
    expect(restore.code).toBe(0);
    expect(psqlAt(port, CHECKSUM, 'app')).toBe(before);
    expect(psqlAt(port, "SELECT count(*) FROM pg_tables WHERE tablename = 'later'", 'app')).toBe('0');
  });

  it('check names the container; doctor says the tools run inside it and why', async () => {
    const check = await single.project.cli(['check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/container +"[^"]*db[^"]*" \(dbsafe-test\/postgres:17, Compose service db; shares the host's network/);
    const doctor = await single.project.cli(['doctor']);
    expect(doctor.stdout).toMatch(/✓ pg_dump +17\.\d+ +\S*docker exec \S*db\S* pg_dump/);
    expect(doctor.stdout).toMatch(/tools run inside the container \S*db\S*: the host's client tools do not match the server; container .*identity proved/);
  });

  it('podman with the same CLI: every call goes through it, the password never in its arguments', async () => {
    const bin = testDir('dbsafe-podman-');
    const record = path.join(bin, 'calls');
    // A recorded-arguments stand-in: logs each call, then lets Docker answer it as podman would.
    writeFileSync(path.join(bin, 'podman'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${record}'\nexec docker "$@"\n`, { mode: 0o755 });
    writeConfig(single.project, { containerCli: 'podman' });
    try {
      const backup = await single.project.cli(['backup', '--json'], { PATH: `${bin}:${process.env.PATH}` });
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      const calls = readFileSync(record, 'utf8');
      expect(calls).toMatch(/^ps --quiet --no-trunc$/m);
      expect(calls).toMatch(/^exec -i -e PGPORT -e PGUSER -e PGPASSWORD -e PGDATABASE -e PGAPPNAME -e PGCONNECT_TIMEOUT -e DBSAFE_EXEC [0-9a-f]{64} pg_dump --format=custom/m);
      expect(calls).not.toContain(PASSWORD);
    } finally {
      writeConfig(single.project, {});
    }
  });

  it('health reads the archive of a newer pg_dump as "cannot check here", not as damage', async () => {
    const health = await single.project.cli(['health']);
    expect(health.stdout + health.stderr).not.toMatch(/damaged/i);
    expect(health.stdout + health.stderr).toMatch(/older than the pg_dump that wrote/);
  });

  it('"tools": "container" with no container serving the database: a clear error, nothing written', async () => {
    const project = backupProject('postgres://postgres@127.0.0.1:5432/postgres', { tools: 'container' });
    projects.push(project);
    const backup = await project.cli(['backup']);
    expect(backup.code).not.toBe(0);
    expect(backup.stderr).toMatch(/"tools": "container".*no running container serves 127\.0\.0\.1:5432.*docker compose up -d/s);
    expect(project.manifests()).toEqual([]);
  });

  it('a stopped backup stops pg_dump inside the container too', async () => {
    const { project, port } = single;
    psqlAt(port, 'CREATE DATABASE locked');
    psqlAt(port, 'CREATE TABLE held (id int)', 'locked');
    // pg_dump waits for this lock for ever: only stopping it ends its session.
    const holder = spawn('psql', ['-XAtq', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'locked'], { env: { ...process.env, PGPASSWORD: PASSWORD }, stdio: ['pipe', 'ignore', 'ignore'] });
    holder.stdin.write('BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600);\n');
    try {
      const sessions = (condition: string) => psqlAt(port, `SELECT count(*) FROM pg_stat_activity WHERE datname = 'locked' AND application_name = 'dbsafe'${condition}`);
      const url = `postgres://postgres:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/locked`;
      const backup = await startUntil(project.dir, url, ['backup'], 'pg_dump waiting for the lock', () => (sessions(" AND wait_event_type = 'Lock'") === '0' ? undefined : true));
      backup.child.kill('SIGTERM');
      expect(await backup.exited).not.toBe(0);
      await waitFor(() => expect(sessions('')).toBe('0'), 'pg_dump in the container to stop');
    } finally {
      holder.kill();
    }
  });

  it('two containers could serve the database: dbsafe names both and asks for "container"', async () => {
    const backup = await pair.project.cli(['backup']);
    expect(backup.code).not.toBe(0);
    expect(backup.stderr).toMatch(/Several running PostgreSQL containers could serve/);
    expect(backup.stderr).toMatch(/Compose service db\b/);
    expect(backup.stderr).toMatch(/Compose service other\b/);
    expect(backup.stderr).toMatch(/add "container": ".*" .*to dbsafe\.config\.json/);
    expect(pair.project.manifests()).toEqual([]);
  });

  it('"container" names the one that serves the database: the backup goes through it', async () => {
    writeConfig(pair.project, { container: 'db' });
    const backup = await pair.project.cli(['backup', '--json']);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect((JSON.parse(backup.stdout) as { clientTool: string }).clientTool).toMatch(/in container .*db/);
  });

  it('the identity check refuses a container that does not serve the database', async () => {
    writeConfig(pair.project, { container: 'other' });
    const before = pair.project.manifests().length;
    const backup = await pair.project.cli(['backup']);
    expect(backup.code).not.toBe(0);
    expect(backup.stderr).toMatch(/does not serve .*: its PostgreSQL server reports system_identifier \d+, the database's server \d+/);
    expect(backup.stderr).toMatch(/refuses to back up or restore through it/);
    expect(pair.project.manifests().length).toBe(before);
  });
});

function writeConfig(project: BackupProject, config: Record<string, unknown>): void {
  const file = path.join(project.dir, 'package.json');
  writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), dbsafe: config }));
}
