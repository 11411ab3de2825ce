import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupProject } from '../cli/backup-project.js';
import { PG, psql } from '../helpers/databases.js';
import { CLI, privateHome } from '../helpers/cli.js';
import { TmuxShell } from '../helpers/terminal.js';
import { damage, shopProject, tableChecksums } from './postgres-helpers.js';

let cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

const setUp = shopProject;

function latest(project: BackupProject): Record<string, unknown> {
  return project.manifests().sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)))[0]!;
}

describe('PostgreSQL snapshots', () => {
  it('snapshot, damage, restore: identical tables; the damaged state is kept as a safety copy and restores too', async () => {
    const { db, project } = setUp();
    const before = tableChecksums(db.name);
    const taken = await project.cli(['backup', '--mode', 'snapshot', '--json']);
    expect(taken.code, taken.stderr).toBe(0);
    const manifest = JSON.parse(taken.stdout) as { id: string; snapshot: { database: string } };
    expect(manifest.snapshot.database).toMatch(/^dbsafe_snap_[0-9a-f]{8}$/);
    // Marked, and closed to connections: nobody takes it for a database of theirs.
    expect(psql(`SELECT datallowconn FROM pg_database WHERE datname = '${manifest.snapshot.database}'`)).toBe('f');
    expect(psql(`SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '${manifest.snapshot.database}'`)).toContain(`dbsafe snapshot ${manifest.id}`);

    damage(db.name);
    const damaged = tableChecksums(db.name);
    expect(damaged).not.toBe(before);

    const restored = await project.cli(['restore', manifest.id, '--yes', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    const safety = (JSON.parse(restored.stdout) as { safetyBackup: { id: string; snapshot?: unknown } }).safetyBackup;
    expect(safety.snapshot).toBeDefined();
    expect(tableChecksums(db.name)).toBe(before);
    expect(psql(`SELECT datallowconn FROM pg_database WHERE datname = '${db.name}'`)).toBe('t');

    // The same snapshot restores again (its standby is remade, or copied on demand).
    damage(db.name);
    const again = await project.cli(['restore', manifest.id, '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(tableChecksums(db.name)).toBe(before);

    // The first restore's safety copy holds the damaged state: restoring it undoes that restore.
    const back = await project.cli(['restore', String(safety.id), '--yes']);
    expect(back.code, back.stderr).toBe(0);
    expect(tableChecksums(db.name)).toBe(damaged);

    const list = await project.cli(['list']);
    expect(list.stdout).toContain('snapshot (on the server)');
    const verified = await project.cli(['verify', manifest.id]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`its database ${manifest.snapshot.database} is on`);
    const doctor = await project.cli(['doctor', '--json']);
    const facts = JSON.parse(doctor.stdout) as { backups: { snapshots: { count: number; serverBytes: number } } };
    expect(facts.backups.snapshots.count).toBeGreaterThanOrEqual(1);
    expect(facts.backups.snapshots.serverBytes).toBeGreaterThan(0);
  });

  it('a session on the database: named, no snapshot without consent (file backup instead, saying why); ended with --terminate-connections', async () => {
    const { db, project } = setUp();
    const client = new pg.Client({ ...PG, database: db.name, application_name: 'my-app-server' });
    client.on('error', () => undefined);
    await client.connect();
    cleanups.push(() => client.end().catch(() => undefined));

    const refused = await project.cli(['backup', '--mode', 'snapshot', '--json']);
    expect(refused.code, refused.stderr).toBe(0);
    expect(refused.stderr).toContain('file backup instead of a snapshot');
    expect(refused.stderr).toContain('my-app-server');
    expect(refused.stderr).toContain('--terminate-connections');
    const dump = JSON.parse(refused.stdout) as { file: string; snapshot?: unknown };
    expect(dump.snapshot).toBeUndefined();
    expect(dump.file).toMatch(/\.dump$/);
    expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);

    const consented = await project.cli(['backup', '--mode', 'snapshot', '--terminate-connections', '--json']);
    expect(consented.code, consented.stderr).toBe(0);
    expect(consented.stderr).toContain('ending 1 session(s)');
    expect((JSON.parse(consented.stdout) as { snapshot?: unknown }).snapshot).toBeDefined();
    await expect(client.query('SELECT 1')).rejects.toThrow();
  });

  it.each([
    ['run, yes', 'run --label asked -- true', 'y', true],
    ['run, no', 'run --label asked -- true', 'n', false],
    ['backup --mode snapshot, yes', 'backup --mode snapshot', 'y', true],
  ])('on a terminal, a person is shown the sessions and asked whether to end them: %s', async (_name, command, key, ends) => {
    const { db, project } = setUp();
    const client = new pg.Client({ ...PG, database: db.name, application_name: 'my-app-server' });
    client.on('error', () => undefined);
    await client.connect();
    cleanups.push(() => client.end().catch(() => undefined));
    const done = path.join(project.dir, 'done');
    const terminal = TmuxShell.start(['sh', '-c', `"${process.execPath}" "${CLI}" ${command}; echo $? > "${done}"; sleep 5`], {
      cwd: project.dir,
      env: { ...privateHome(), PATH: process.env.PATH ?? '', TERM: 'xterm-256color', DATABASE_URL: db.url },
    });
    cleanups.push(() => terminal.stop());
    const deadline = Date.now() + 30_000;
    while (!terminal.screen().includes('End this session and take a snapshot?') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const screen = terminal.screen();
    expect(screen).toContain('A session is connected to');
    expect(screen).toContain('my-app-server');
    expect(screen).toContain('End this session and take a snapshot?');
    terminal.type(key);
    expect((await terminal.waitForFile(done)).trim()).toBe('0');
    if (ends) {
      expect(latest(project).snapshot).toBeDefined();
      expect(terminal.screen()).toContain('ending 1 session(s)');
      await expect(client.query('SELECT 1')).rejects.toThrow();
    } else {
      expect(latest(project).snapshot).toBeUndefined();
      expect(terminal.screen()).toContain('file backup instead of a snapshot');
      expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    }
  });

  it('an agent on a terminal is never asked, and ends nobody\'s session: a file backup instead', async () => {
    const { db, project } = setUp();
    const client = new pg.Client({ ...PG, database: db.name, application_name: 'my-app-server' });
    client.on('error', () => undefined);
    await client.connect();
    cleanups.push(() => client.end().catch(() => undefined));
    const done = path.join(project.dir, 'done');
    const terminal = TmuxShell.start(['sh', '-c', `"${process.execPath}" "${CLI}" run --label agent -- true; echo $? > "${done}"; sleep 5`], {
      cwd: project.dir,
      env: { ...privateHome(), PATH: process.env.PATH ?? '', TERM: 'xterm-256color', DATABASE_URL: db.url, CLAUDECODE: '1' },
    });
    cleanups.push(() => terminal.stop());
    expect((await terminal.waitForFile(done)).trim()).toBe('0');
    expect(terminal.screen()).not.toContain('take a snapshot?');
    expect(terminal.screen()).toContain('file backup instead of a snapshot');
    expect(latest(project).snapshot).toBeUndefined();
    expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
  });

  it('without a terminal nobody is asked: the sessions are named and a file backup is taken', async () => {
    const { db, project } = setUp();
    const client = new pg.Client({ ...PG, database: db.name, application_name: 'my-app-server' });
    client.on('error', () => undefined);
    await client.connect();
    cleanups.push(() => client.end().catch(() => undefined));
    const run = await project.cli(['run', '--label', 'x', '--', 'true']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('take a snapshot?');
    expect(run.stderr).toContain('file backup instead of a snapshot');
    expect(latest(project).snapshot).toBeUndefined();
    expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
  });

  it('an agent never ends sessions, even when asked to: the guard falls back to a file backup', async () => {
    const { db, project } = setUp();
    const client = new pg.Client({ ...PG, database: db.name, application_name: 'rails-console' });
    client.on('error', () => undefined);
    await client.connect();
    cleanups.push(() => client.end().catch(() => undefined));
    const run = await project.cli(['run', '--mode', 'snapshot', '--terminate-connections', '--label', 'x', '--', 'true'], { CLAUDECODE: '1' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('rails-console');
    expect(run.stderr).toMatch(/backed up .* → backups\//);
    expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
  });

  it('run --mode snapshot takes a snapshot and says so; the config "mode" does the same; --mode dump wins over it', async () => {
    const { project } = setUp({ mode: 'snapshot' });
    const run = await project.cli(['run', '--label', 'l', '--', 'true']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/snapshot of .* → /);
    expect(latest(project).snapshot).toBeDefined();
    const dump = await project.cli(['run', '--mode', 'dump', '--label', 'l2', '--', 'true']);
    expect(dump.code, dump.stderr).toBe(0);
    expect(latest(project).snapshot).toBeUndefined();
    const bad = await project.cli(['run', '--mode', 'fast', '--', 'true']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--mode must be snapshot, dump or auto');
  });

  it('rotation drops the snapshot databases it no longer keeps', async () => {
    const { project } = setUp({ retention: 1 });
    const first = await project.cli(['backup', '--mode', 'snapshot', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const old = (JSON.parse(first.stdout) as { snapshot: { database: string } }).snapshot.database;
    const second = await project.cli(['backup', '--mode', 'snapshot', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(project.manifests()).toHaveLength(1);
    const deadline = Date.now() + 30_000;
    while (psql(`SELECT count(*) FROM pg_database WHERE datname = '${old}'`) !== '0' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(psql(`SELECT count(*) FROM pg_database WHERE datname = '${old}'`)).toBe('0');
  });

  it('forget drops the snapshot database with its manifest', async () => {
    const { project } = setUp();
    const first = await project.cli(['backup', '--mode', 'snapshot', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const { id, snapshot } = JSON.parse(first.stdout) as { id: string; snapshot: { database: string } };
    const second = await project.cli(['backup', '--mode', 'snapshot']);
    expect(second.code, second.stderr).toBe(0);
    const forgot = await project.cli(['forget', id]);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(project.manifests().map((m) => m.id)).not.toContain(id);
    const deadline = Date.now() + 30_000;
    while (psql(`SELECT count(*) FROM pg_database WHERE datname = '${snapshot.database}'`) !== '0' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(psql(`SELECT count(*) FROM pg_database WHERE datname = '${snapshot.database}'`)).toBe('0');
  });
});

describe('dbsafe verify of a snapshot', () => {
  it('counts its rows against those recorded when it was taken; a changed or missing snapshot fails; an old manifest is checked for presence only, said so', async () => {
    const { project } = setUp();
    const taken = await project.cli(['backup', '--mode', 'snapshot', '--json']);
    expect(taken.code, taken.stderr).toBe(0);
    const manifest = JSON.parse(taken.stdout) as { id: string; snapshot: { database: string; tableRows: Record<string, number> } };
    expect(manifest.snapshot.tableRows).toEqual({ customers: 2000, orders: 4000 });
    const snapshot = manifest.snapshot.database;
    // Counting never leaves it open.
    expect(psql(`SELECT datallowconn FROM pg_database WHERE datname = '${snapshot}'`)).toBe('f');

    const verified = await project.cli(['verify', manifest.id, '--json']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ rows: 'match', totalRows: 6000 });
    const text = await project.cli(['verify', manifest.id]);
    expect(text.stdout).toContain('its 2 tables hold the 6000 rows recorded when it was taken');
    expect(psql(`SELECT datallowconn FROM pg_database WHERE datname = '${snapshot}'`)).toBe('f');

    // Changed on the server by hand: rows deleted, a table added.
    psql(`ALTER DATABASE "${snapshot}" ALLOW_CONNECTIONS true`);
    psql('DELETE FROM orders WHERE id <= 10; CREATE TABLE sneaked_in (x int)', snapshot);
    psql(`ALTER DATABASE "${snapshot}" ALLOW_CONNECTIONS false`);
    const changed = await project.cli(['verify', manifest.id]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain(`Snapshot ${manifest.id} no longer holds what was taken`);
    expect(changed.stderr).toContain('orders: 4000 rows when taken, 3990 now');
    expect(changed.stderr).toContain('sneaked_in: not there when taken, 0 now');

    // A manifest written before counts were recorded: presence only, and it says so.
    const manifestFile = path.join(project.backups, `${manifest.id}.json`);
    const old = JSON.parse(readFileSync(manifestFile, 'utf8')) as { snapshot: Record<string, unknown> };
    delete old.snapshot.tableRows;
    writeFileSync(manifestFile, JSON.stringify(old));
    const presence = await project.cli(['verify', manifest.id]);
    expect(presence.code, presence.stderr).toBe(0);
    expect(presence.stdout).toContain('its manifest recorded no counts to compare with (a snapshot from an older dbsafe');
    expect(presence.stdout).toContain('its presence was checked only');

    psql(`DROP DATABASE "${snapshot}"`);
    const missing = await project.cli(['verify', manifest.id]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`its database ${snapshot} is no longer on`);
  });
});

describe('dbsafe health with snapshots', () => {
  it('shows the newest snapshot apart from the newest file backup; snapshots alone are not healthy, and say why', async () => {
    const { project } = setUp();
    const snap = await project.cli(['backup', '--mode', 'snapshot', '--json']);
    expect(snap.code, snap.stderr).toBe(0);
    const snapshotId = (JSON.parse(snap.stdout) as { id: string }).id;
    const only = await project.cli(['health', '--json']);
    expect(only.code).toBe(1);
    const onlyJson = JSON.parse(only.stdout) as { newest: unknown; newestSnapshot: { id: string; survivesLosingTheServer: boolean }; checks: Array<{ name: string; ok: boolean; detail: string; fix?: string }> };
    expect(onlyJson.newest).toBeNull();
    expect(onlyJson.newestSnapshot).toMatchObject({ id: snapshotId, survivesLosingTheServer: false });
    expect(onlyJson.checks[0]).toMatchObject({ name: 'exists', ok: false, detail: expect.stringContaining('snapshots do not survive losing the server'), fix: expect.stringContaining(`dbsafe snapshot export ${snapshotId}`) });
    const text = await project.cli(['health']);
    expect(text.stdout).toContain('NOT healthy');
    expect(text.stdout).toMatch(/✓ snapshot +newest snapshot .* kept on the server: gone with it if the server is lost/);

    const file = await project.cli(['backup', '--json']);
    expect(file.code, file.stderr).toBe(0);
    const fileId = (JSON.parse(file.stdout) as { id: string }).id;
    const both = await project.cli(['health', '--json']);
    expect(both.code, both.stdout).toBe(0);
    const bothJson = JSON.parse(both.stdout) as { newest: { id: string }; newestSnapshot: { id: string }; checks: Array<{ name: string; ok: boolean }> };
    expect(bothJson.newest.id).toBe(fileId);
    expect(bothJson.newestSnapshot.id).toBe(snapshotId);
    expect(bothJson.checks.map((c) => c.name)).toEqual(['exists', 'recent', 'size', 'intact', 'snapshot']);

    // A snapshot taken after the file backup is still not what the file checks look at.
    const later = await project.cli(['backup', '--mode', 'snapshot']);
    expect(later.code, later.stderr).toBe(0);
    const after = JSON.parse((await project.cli(['health', '--json'])).stdout) as { healthy: boolean; newest: { id: string } };
    expect(after).toMatchObject({ healthy: true, newest: { id: fileId } });
  });
});

describe('the default mode', () => {
  it('a guarded command takes a snapshot (auto); a plain `dbsafe backup` stays a file that survives losing the server', async () => {
    const { project } = setUp();
    const run = await project.cli(['run', '--label', 'l', '--', 'true']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/snapshot of .* → /);
    expect(latest(project).snapshot).toBeDefined();
    const guard = await project.cli(['guard', '--label', 'g']);
    expect(guard.code, guard.stderr).toBe(0);
    expect(latest(project).snapshot).toBeDefined();
    const backup = await project.cli(['backup', '--json']);
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ file: expect.stringMatching(/\.dump$/) });
    expect((JSON.parse(backup.stdout) as { snapshot?: unknown }).snapshot).toBeUndefined();
  });
});

describe('restoring a file backup outside dump mode (no second dump)', () => {
  it('keeps the replaced database itself as the safety copy by default, says so, and it restores', async () => {
    const { db, project } = setUp();
    const before = tableChecksums(db.name);
    const dumped = await project.cli(['backup', '--mode', 'dump', '--json']);
    expect(dumped.code, dumped.stderr).toBe(0);
    const id = (JSON.parse(dumped.stdout) as { id: string }).id;
    damage(db.name);
    const damaged = tableChecksums(db.name);
    const dumpsBefore = project.files().filter((f) => f.endsWith('.dump')).length;

    const restored = await project.cli(['restore', id, '--yes', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stderr).toBe('');
    expect(tableChecksums(db.name)).toBe(before);
    const safety = (JSON.parse(restored.stdout) as { safetyBackup: { id: string; snapshot: { database: string } } }).safetyBackup;
    expect(project.files().filter((f) => f.endsWith('.dump')).length).toBe(dumpsBefore);
    expect(psql(`SELECT datallowconn FROM pg_database WHERE datname = '${safety.snapshot.database}'`)).toBe('f');
    const listed = JSON.parse((await project.cli(['list', '--json'])).stdout) as Array<{ id: string }>;
    expect(listed.map((m) => m.id)).toContain(safety.id);

    const back = await project.cli(['undo', '--yes']);
    expect(back.code, back.stderr).toBe(0);
    expect(tableChecksums(db.name)).toBe(damaged);
  });

  it('--mode dump keeps the old way: a file backup first', async () => {
    const { db, project } = setUp({ mode: 'auto' });
    const dumped = await project.cli(['backup', '--mode', 'dump', '--json']);
    expect(dumped.code, dumped.stderr).toBe(0);
    damage(db.name);
    const restored = await project.cli(['restore', 'latest', '--yes', '--mode', 'dump', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect((JSON.parse(restored.stdout) as { safetyBackup: { file: string } }).safetyBackup.file).toMatch(/\.dump$/);
  });
});

describe('run --restore-after', () => {
  it('takes a snapshot (auto) and puts the database back by a rename after the command', async () => {
    const { db, project } = setUp();
    const before = tableChecksums(db.name);
    const run = await project.cli(['run', '--restore-after', '--', 'psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', db.name, '-q', '-c', 'DELETE FROM orders']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/snapshot of .* → /);
    expect(tableChecksums(db.name)).toBe(before);
  });
});

describe('dbsafe snapshot export', () => {
  it('turns a snapshot into a verified file backup that restores the same tables', async () => {
    const { db, project } = setUp();
    const before = tableChecksums(db.name);
    const taken = await project.cli(['backup', '--mode', 'snapshot', '--json']);
    expect(taken.code, taken.stderr).toBe(0);
    const id = (JSON.parse(taken.stdout) as { id: string }).id;
    damage(db.name);
    const exported = await project.cli(['snapshot', 'export', id, '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    const manifest = JSON.parse(exported.stdout) as { id: string; file: string; trigger: string; database: string; snapshot?: unknown };
    expect(manifest.file).toMatch(/\.dump$/);
    expect(manifest.snapshot).toBeUndefined();
    expect(manifest.database).toBe(db.name);
    expect(manifest.trigger).toContain(`export of snapshot ${id}`);
    const restored = await project.cli(['restore', manifest.id, '--yes', '--mode', 'dump']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(tableChecksums(db.name)).toBe(before);

    const again = await project.cli(['snapshot', 'export', manifest.id]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('not a snapshot');
  });
});
