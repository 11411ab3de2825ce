import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, psql, type TestDatabase } from '../helpers/databases.js';
import { backupProject, backupUntilItWrites, restoreUntilItsCopyExists, type BackupProject } from './backup-project.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function database(fill: string): TestDatabase {
  const db = createPostgresDatabase();
  cleanups.push(() => db.drop());
  psql(fill, db.name);
  return db;
}

function project(url: string, config: Record<string, unknown> = {}): BackupProject {
  const p = backupProject(url, config);
  cleanups.push(() => p.cleanup());
  return p;
}

const sha256 = (file: string) => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];

describe('backup faults', () => {
  it('disk full: says so, removes the partial file, keeps older backups intact', async () => {
    const db = database("CREATE TABLE t (id serial PRIMARY KEY, v text); INSERT INTO t(v) SELECT 'small' FROM generate_series(1, 10)");
    const p = project(db.url);
    mkdirSync(p.backups);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', p.backups]);
    cleanups.push(() => execFileSync('umount', [p.backups]));

    const first = await p.cli(['backup', '--json']);
    expect(first.code).toBe(0);
    const older = JSON.parse(first.stdout) as { file: string; sha256: string };

    // Random text does not compress: this dump cannot fit in what is left of 64 KiB.
    psql("INSERT INTO t(v) SELECT md5(random()::text) || md5(random()::text) FROM generate_series(1, 6000)", db.name);
    const full = await p.cli(['backup']);
    expect(full.code).toBe(1);
    expect(full.stderr).toContain('is full (ENOSPC)');
    expect(full.stderr).toContain('The partial file was removed and older backups are intact');
    expect(p.files()).toEqual([older.file, older.file.replace(/\.dump$/, '.json')].sort());
    expect(sha256(path.join(p.backups, older.file))).toBe(older.sha256);
    const listed = await p.cli(['list', '--json']);
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(1);
  });

  it('killed mid-backup: nothing half-written is listed or restored, and the next run cleans up', async () => {
    const db = database(
      "CREATE TABLE big (id int PRIMARY KEY, a text, b text); INSERT INTO big SELECT g, md5(g::text), md5(random()::text) FROM generate_series(1, 300000) g",
    );
    const p = project(db.url);
    const { child, exited, found: partial } = await backupUntilItWrites(p, db.url);
    child.kill('SIGKILL');
    await exited;
    expect(p.files()).toContain(partial);
    expect(p.files().some((f) => f.endsWith('.lock'))).toBe(true);

    const list = await p.cli(['list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([]);
    const restore = await p.cli(['restore', 'latest', '--yes']);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain(`There is no backup of ${db.name} yet`);

    const again = await p.cli(['backup', '--json']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    const manifest = JSON.parse(again.stdout) as { id: string; file: string };
    expect(p.files()).toEqual([manifest.file, `${manifest.id}.json`].sort());
  });

  it('Ctrl-C mid-backup: stops pg_dump, removes the partial file and the lock, exits 130, older backups intact', async () => {
    const db = database(
      "CREATE TABLE big (id int PRIMARY KEY, a text, b text); INSERT INTO big SELECT g, md5(g::text), md5(random()::text) FROM generate_series(1, 300000) g",
    );
    const p = project(db.url);
    const first = await p.cli(['backup', '--json']);
    expect(first.code).toBe(0);
    const older = JSON.parse(first.stdout) as { id: string; file: string; sha256: string };

    const { child, exited, stderr } = await backupUntilItWrites(p, db.url);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr()).toContain('Interrupted (SIGINT)');
    expect(stderr()).toContain('a partial backup file is removed');
    expect(p.files()).toEqual([older.file, `${older.id}.json`].sort());
    expect(sha256(path.join(p.backups, older.file))).toBe(older.sha256);

    let dumping = '1';
    for (let i = 0; i < 50 && dumping !== '0'; i++) {
      dumping = psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = '${db.name}' AND application_name = 'pg_dump'`);
      if (dumping !== '0') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(dumping, 'pg_dump was left running').toBe('0');

    const again = await p.cli(['backup', '--json']);
    expect(again.code).toBe(0);
  });

  it('Ctrl-C mid-restore: the database keeps its current state and the half-made copy is dropped', async () => {
    const db = database(
      "CREATE TABLE big (id int PRIMARY KEY, a text, b text); INSERT INTO big SELECT g, md5(g::text), md5(random()::text) FROM generate_series(1, 300000) g",
    );
    const p = project(db.url);
    expect((await p.cli(['backup'])).code).toBe(0);
    psql('CREATE TABLE made_later (x int)', db.name);

    const { child, exited, copies, stderr } = await restoreUntilItsCopyExists(p.dir, db.url, db.name);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr()).toContain('Interrupted (SIGINT)');
    expect(psql("SELECT to_regclass('made_later') IS NOT NULL", db.name)).toBe('t');
    expect(psql('SELECT count(*) FROM big', db.name)).toBe('300000');
    expect(copies()).toBe('0');
  });

  it('wrong password: names the user and where to fix it (private server with password authentication)', async () => {
    const root = execFileSync('mktemp', ['-d', '/tmp/dbsafe-pgauth-XXXXXX'], { encoding: 'utf8' }).trim();
    cleanups.push(() => execFileSync('rm', ['-rf', root]));
    execFileSync('sh', ['-c', `echo 'right-horse-battery' > ${root}/pw && chown -R postgres ${root} && chmod 700 ${root}`]);
    const bin = '/usr/lib/postgresql/15/bin';
    const asPostgres = (args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe' });
    asPostgres([`${bin}/initdb`, '-D', `${root}/data`, '-A', 'scram-sha-256', '-U', 'postgres', `--pwfile=${root}/pw`]);
    const port = 20000 + Math.floor(Math.random() * 20000);
    asPostgres([`${bin}/pg_ctl`, '-D', `${root}/data`, '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1`, '-w', 'start', '-l', `${root}/log`]);
    cleanups.push(() => asPostgres([`${bin}/pg_ctl`, '-D', `${root}/data`, '-m', 'immediate', 'stop']));

    const wrong = project(`postgres://postgres:wrong-password@127.0.0.1:${port}/postgres`);
    const refused = await wrong.cli(['backup']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`refused the login of user "postgres"`);
    expect(refused.stderr).toContain('127.0.0.1:' + port);
    expect(refused.stderr).toContain('Correct the user name or password in DATABASE_URL');
    expect(refused.stderr).not.toContain('wrong-password');
    expect(wrong.files().filter((f) => !f.startsWith('.'))).toEqual([]);

    // The same server with the right password: it travels in a private password file (PGPASSFILE), not on a command line.
    const right = project(`postgres://postgres:right-horse-battery@127.0.0.1:${port}/postgres`);
    const ok = await right.cli(['backup', '--json']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    // A zstd stream (of a custom-format archive), the default codec here.
    expect(readFileSync(path.join(right.backups, (JSON.parse(ok.stdout) as { file: string }).file)).subarray(0, 4).toString('hex')).toBe('28b52ffd');
    expect(existsSync(right.backups) && readdirSync(right.backups).some((f) => f.includes('partial'))).toBe(false);
  });
});
