import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/private-postgres.js';
import { backupProject, type BackupProject } from '../cli/backup-project.js';
import { buildImages, composeUp, dockerUnavailable, removeProjectContainers, waitFor, type TestService } from './containers.js';

/**
 * A Compose project whose MariaDB is 11 while the host's client tools are
 * 10.11: dbsafe runs mariadb-dump and mariadb inside the container, after
 * proving with a named lock that it serves the database (MariaDB has no
 * @@server_uuid).
 */
const unavailable = dockerUnavailable();
if (unavailable) console.error(`\n*** SKIPPED: the Docker tests need a Docker daemon, and ${unavailable}. .ci/run starts dockerd. ***\n`);

const PASSWORD = 'maria pw#11';

function sqlAt(port: number, sql: string, database?: string): string {
  return execFileSync('mariadb', ['-h', '127.0.0.1', '-P', String(port), '-u', 'app', '--batch', '--skip-column-names', ...(database ? [database] : []), '-e', sql], {
    encoding: 'utf8',
    env: { ...process.env, MYSQL_PWD: PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

const CHECKSUM = 'CHECKSUM TABLE items';

describe.skipIf(unavailable !== null)('MariaDB 11 in Docker Compose, host tools 10.11', () => {
  const projects: BackupProject[] = [];
  let single: { project: BackupProject; port: number };
  let pair: { project: BackupProject; port: number };

  async function composeProject(services: (port: number) => TestService[]): Promise<{ project: BackupProject; port: number }> {
    const port = await freePort();
    const project = backupProject(`mysql://app:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/app`);
    projects.push(project);
    composeUp(project.dir, services(port));
    await waitFor(() => sqlAt(port, 'SELECT 1'), `MariaDB 11 on port ${port}`);
    sqlAt(port, 'CREATE DATABASE app');
    sqlAt(port, "CREATE TABLE items (id int PRIMARY KEY, name varchar(40)); INSERT INTO items SELECT seq, CONCAT('item ', seq) FROM seq_1_to_500", 'app');
    return { project, port };
  }

  beforeAll(async () => {
    buildImages();
    single = await composeProject((port) => [{ name: 'db', engine: 'mariadb', port, password: PASSWORD }]);
    // Two MariaDB services on the host's network: "other" listens on the same port at 127.0.0.2, so only the identity check tells them apart.
    pair = await composeProject((port) => [
      { name: 'db', engine: 'mariadb', port, password: PASSWORD },
      { name: 'other', engine: 'mariadb', port, password: PASSWORD, listenAddress: '127.0.0.2' },
    ]);
  }, 300_000);

  afterAll(() => {
    for (const project of projects) {
      removeProjectContainers(project.dir);
      project.cleanup();
    }
  });

  it('the host has only mariadb-dump 10.11, older than the server', () => {
    expect(execFileSync('mariadb-dump', ['--version'], { encoding: 'utf8' })).toMatch(/Distrib 10\.11\./);
    expect(sqlAt(single.port, 'SELECT VERSION()')).toMatch(/^11\./);
  });

  it('backs up, verifies and restores through the container, table checksums equal', async () => {
    const { project, port } = single;
    const before = sqlAt(port, CHECKSUM, 'app');
    const backup = await project.cli(['backup', '--json']);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const manifest = JSON.parse(backup.stdout) as { id: string; clientTool: string };
    expect(manifest.clientTool).toMatch(/^mariadb-dump 11\.\d+\.\d+ \(in container .*db.*\)$/);

    sqlAt(port, 'DELETE FROM items WHERE id <= 100; CREATE TABLE later (x int)', 'app');
    expect(sqlAt(port, CHECKSUM, 'app')).not.toBe(before);

    const verify = await project.cli(['verify', manifest.id, '--json']);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    expect((JSON.parse(verify.stdout) as { tables: unknown[] }).tables).toContainEqual({ name: 'items', rows: 500 });

    const restore = await project.cli(['restore', manifest.id, '--yes']);
    // The container's server cannot show its free space from here: the one line on stderr says a file backup is taken first, and why.
    expect(restore.stderr).toMatch(/^dbsafe: safety copy: a file backup first, because [^\n]+\n$/);
    expect(restore.code).toBe(0);
    expect(sqlAt(port, CHECKSUM, 'app')).toBe(before);
    expect(sqlAt(port, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 'later'")).toBe('0');
  });

  it('check names the container; doctor says the tools run inside it and why', async () => {
    const check = await single.project.cli(['check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/container +"[^"]*db[^"]*" \(dbsafe-test\/mariadb:11, Compose service db; shares the host's network/);
    const doctor = await single.project.cli(['doctor']);
    expect(doctor.stdout).toMatch(/✓ mariadb-dump +11\.\d+\.\d+ +\S*docker exec \S*db\S* mariadb-dump/);
    expect(doctor.stdout).toMatch(/tools run inside the container \S*db\S*: the host's client tools do not match the server; container .*identity proved/);
  });

  it('two containers could serve the database: dbsafe names both and asks for "container"', async () => {
    const backup = await pair.project.cli(['backup']);
    expect(backup.code).not.toBe(0);
    expect(backup.stderr).toMatch(/Several running MySQL\/MariaDB containers could serve/);
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
    expect(backup.stderr).toMatch(/does not serve .*: a lock dbsafe holds on the database's server \(connection \d+\) is unknown to the server inside it/);
    expect(backup.stderr).toMatch(/refuses to back up or restore through it/);
    expect(pair.project.manifests().length).toBe(before);
  });
});

function writeConfig(project: BackupProject, config: Record<string, unknown>): void {
  const file = path.join(project.dir, 'package.json');
  writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), dbsafe: config }));
}
