import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupProject } from '../cli/backup-project.js';
import { PG, psql } from '../helpers/databases.js';
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
