import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshot } from '../../src/engines/sqlite/snapshot.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import { testDir } from '../helpers/cli.js';
import { killAt, recorded } from './kill-helpers.js';
import { DAMAGE, damage, Holder, sql, sqliteShop, tableChecksums, waitFor, type SqliteShop } from './sqlite-helpers.js';

interface TakenSnapshot {
  id: string;
  snapshot: { database: string; sizeBytes: number };
}

async function takeSnapshot(shop: SqliteShop, extra: string[] = []): Promise<TakenSnapshot> {
  const taken = await shop.project.cli(['backup', '--mode', 'snapshot', '--json', ...extra]);
  expect(taken.code, taken.stderr).toBe(0);
  const manifest = JSON.parse(taken.stdout) as TakenSnapshot;
  expect(manifest.snapshot.database).toMatch(/^dbsafe_snap_[0-9a-f]{8}$/);
  return manifest;
}

function fileOf(shop: SqliteShop, name: string): string {
  return path.join(shop.snapshotDir, `app.sqlite.${name}`);
}

describe('SQLite snapshots', () => {
  it('snapshot, damage, restore and undo: identical tables; a read-only copy beside the database that git ignores', async () => {
    const shop = sqliteShop();
    const before = tableChecksums(shop.db);
    const taken = await takeSnapshot(shop);
    const file = fileOf(shop, taken.snapshot.database);
    expect(statSync(file).mode & 0o777).toBe(0o400);
    expect(statSync(shop.snapshotDir).mode & 0o777).toBe(0o700);
    expect(taken.snapshot.sizeBytes).toBe(statSync(file).size);
    // Never committed by accident: the directory ignores itself.
    expect(execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: shop.project.dir, encoding: 'utf8' })).not.toContain('.dbsafe-snapshots');
    const target = parseDatabaseUrl(`sqlite:${shop.db}`, { kind: 'env', name: 'DATABASE_URL' }, '/');
    expect(await snapshot.tableRows!(target, taken.snapshot.database)).toEqual({ customers: 2000, orders: 4000 });

    damage(shop.db);
    const damaged = tableChecksums(shop.db);
    expect(damaged).not.toBe(before);

    const restored = await shop.project.cli(['restore', taken.id, '--yes', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    const safety = (JSON.parse(restored.stdout) as { safetyBackup: { id: string; snapshot?: { database: string } } }).safetyBackup;
    expect(tableChecksums(shop.db)).toBe(before);
    // The replaced file itself became the safety copy, read-only; the database keeps its own mode.
    expect(statSync(fileOf(shop, safety.snapshot!.database)).mode & 0o777).toBe(0o400);
    expect(statSync(shop.db).mode & 0o200).toBe(0o200);
    expect(tableChecksums(`file:${fileOf(shop, safety.snapshot!.database)}?immutable=1`)).toBe(damaged);

    const undone = await shop.project.cli(['undo', '--yes']);
    expect(undone.code, undone.stderr).toBe(0);
    expect(tableChecksums(shop.db)).toBe(damaged);
    const redone = await shop.project.cli(['undo', '--yes']);
    expect(redone.code, redone.stderr).toBe(0);
    expect(tableChecksums(shop.db)).toBe(before);

    // The same snapshot restores again, after the database changed again.
    damage(shop.db);
    const again = await shop.project.cli(['restore', taken.id, '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(tableChecksums(shop.db)).toBe(before);

    const list = await shop.project.cli(['list']);
    expect(list.stdout).toContain('SQLite snapshot (beside the database file)');
    const verified = await shop.project.cli(['verify', taken.id]);
    expect(verified.code, verified.stderr).toBe(0);
    const doctor = await shop.project.cli(['doctor', '--json']);
    const facts = JSON.parse(doctor.stdout) as { backups: { snapshots: { count: number; serverBytes: number } } };
    expect(facts.backups.snapshots.count).toBeGreaterThanOrEqual(1);
    expect(facts.backups.snapshots.serverBytes).toBeGreaterThanOrEqual(taken.snapshot.sizeBytes);
  });

  it('a guarded command in snapshot mode, then dbsafe undo: the database as it was just before; run --restore-after puts it back by itself', async () => {
    const shop = sqliteShop({ mode: 'snapshot' });
    const before = tableChecksums(shop.db);
    const ran = await shop.project.cli(['run', '--label', 'agent migration', '--', 'sqlite3', shop.db, DAMAGE], { CLAUDECODE: '1' });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toMatch(/snapshot of .* → /);
    const damaged = tableChecksums(shop.db);
    expect(damaged).not.toBe(before);
    const list = await shop.project.cli(['undo', '--list']);
    expect(list.stdout).toContain('DELETE FROM orders');
    const undone = await shop.project.cli(['undo', '--yes']);
    expect(undone.code, undone.stderr).toBe(0);
    expect(tableChecksums(shop.db)).toBe(before);

    const isolated = await shop.project.cli(['run', '--restore-after', '--label', 'tests', '--', 'sqlite3', shop.db, DAMAGE]);
    expect(isolated.code, isolated.stderr).toBe(0);
    expect(tableChecksums(shop.db)).toBe(before);
  });

  it('a hard link to the live database under a snapshot name (a swap killed between link and rename) is not taken for a snapshot, and its removal leaves the database', async () => {
    const shop = sqliteShop();
    const before = tableChecksums(shop.db);
    const target = parseDatabaseUrl(`sqlite:${shop.db}`, { kind: 'env', name: 'DATABASE_URL' }, '/');
    mkdirSync(shop.snapshotDir, { mode: 0o700 });
    linkSync(shop.db, fileOf(shop, 'dbsafe_snap_0123abcd'));
    expect(await snapshot.exists(target, 'dbsafe_snap_0123abcd')).toBe(false);
    expect(await snapshot.exists(target, target.database)).toBe(true);
    await snapshot.drop(target, 'dbsafe_snap_0123abcd');
    expect(shop.snapshotFiles()).toEqual([]);
    expect(tableChecksums(shop.db)).toBe(before);
    // Names of another shape (a verify's scratch directory recorded on the same file) are never acted on.
    await expect(snapshot.drop(target, target.database)).rejects.toThrow('not a snapshot name');
    expect(tableChecksums(shop.db)).toBe(before);
  });

  it('snapshot export writes a verified file backup that restores the snapshot state; its private copy is gone', async () => {
    const shop = sqliteShop();
    const before = tableChecksums(shop.db);
    const taken = await takeSnapshot(shop);
    damage(shop.db);
    const exported = await shop.project.cli(['snapshot', 'export', taken.id, '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    const file = JSON.parse(exported.stdout) as { id: string; path: string; snapshot?: unknown };
    expect(file.snapshot).toBeUndefined();
    expect(readFileSync(file.path).subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
    await waitFor('the standby copy', () => !shop.snapshotFiles().some((f) => f.includes('.partial-')));
    expect(shop.snapshotFiles().filter((f) => /_r[0-9a-f]{4}/.test(f) || /-(wal|shm)$/.test(f))).toEqual([]);
    const restored = await shop.project.cli(['restore', file.id, '--yes', '--mode', 'dump']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(tableChecksums(shop.db)).toBe(before);
  });

  it('a process holding the database: the snapshot is taken while it writes (WAL); a restore names it and writes in place; it is never ended', async () => {
    const shop = sqliteShop();
    const holder = new Holder(shop.db, 'PRAGMA wal_autocheckpoint = 0');
    await holder.query("INSERT INTO customers (name) VALUES ('only in the wal');");
    expect(statSync(`${shop.db}-wal`).size).toBeGreaterThan(0);
    const before = tableChecksums(shop.db);

    // Consent to end connections changes nothing for SQLite: nothing needs ending, and nothing is.
    const taken = await takeSnapshot(shop, ['--terminate-connections']);
    expect(await holder.query('SELECT count(*) FROM customers;')).toBe('2001');

    await holder.query('DELETE FROM orders WHERE id % 2 = 0; CREATE TABLE junk (x INTEGER);');
    const damaged = tableChecksums(shop.db);
    const inode = statSync(shop.db).ino;
    const restored = await shop.project.cli(['restore', taken.id, '--yes']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stderr).toContain(`is open in sqlite3 (pid ${holder.child.pid})`);
    expect(restored.stderr).toContain('written into the live file');
    expect(statSync(shop.db).ino).toBe(inode);
    // The holder reads the restored database through its own open connection.
    expect(await holder.query("SELECT count(*) FROM orders; SELECT count(*) FROM sqlite_master WHERE name = 'junk';")).toBe('4000\n0');
    expect(tableChecksums(shop.db)).toBe(before);

    // Undo while it is still open: in place again, the damaged state (kept as a copy) comes back.
    const undone = await shop.project.cli(['undo', '--yes']);
    expect(undone.code, undone.stderr).toBe(0);
    expect(tableChecksums(shop.db)).toBe(damaged);

    // Closed: the restore is a rename.
    await holder.close();
    const renamed = await shop.project.cli(['restore', taken.id, '--yes']);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.stderr).not.toContain('written into the live file');
    expect(statSync(shop.db).ino).not.toBe(inode);
    expect(tableChecksums(shop.db)).toBe(before);
  });

  it('a restore outside dump mode keeps the replaced file beside the database as its safety copy', async () => {
    const shop = sqliteShop({ mode: 'auto' });
    const before = tableChecksums(shop.db);
    const dumped = await shop.project.cli(['backup', '--mode', 'dump', '--json']);
    expect(dumped.code, dumped.stderr).toBe(0);
    damage(shop.db);
    const damaged = tableChecksums(shop.db);
    const restored = await shop.project.cli(['restore', (JSON.parse(dumped.stdout) as { id: string }).id, '--yes', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    // Kept, so nothing on stderr: the result names the safety copy (stdout says where it is kept).
    expect(restored.stderr).toBe('');
    expect((JSON.parse(restored.stdout) as { safetyBackup: { snapshot?: unknown } }).safetyBackup.snapshot).toBeDefined();
    expect(tableChecksums(shop.db)).toBe(before);
    const undone = await shop.project.cli(['undo', '--yes']);
    expect(undone.code, undone.stderr).toBe(0);
    expect(tableChecksums(shop.db)).toBe(damaged);
  });

  it('rotation and forget remove snapshot files with their standbys', async () => {
    const shop = sqliteShop({ retention: 2 });
    const taken: TakenSnapshot[] = [];
    for (let i = 0; i < 3; i++) {
      taken.push(await takeSnapshot(shop));
      // Rotation would drop a standby still being copied only once it exists: wait, so every file is accounted for.
      await waitFor('the standby copy', () => existsSync(fileOf(shop, `${taken[i]!.snapshot.database}_r`)));
    }
    expect(shop.project.manifests()).toHaveLength(2);
    const files = (t: TakenSnapshot) => [`app.sqlite.${t.snapshot.database}`, `app.sqlite.${t.snapshot.database}_r`];
    expect(shop.snapshotFiles()).toEqual([...files(taken[1]!), ...files(taken[2]!)].sort());
    const forgot = await shop.project.cli(['forget', taken[1]!.id]);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(shop.snapshotFiles()).toEqual(files(taken[2]!));
  });

  it('a directory it cannot write: a file backup instead, saying why', async () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere: the check is shown through a directory that does not exist instead.
      const result = await snapshot.unavailable(parseDatabaseUrl(`sqlite:${path.join(testDir(), 'gone', 'app.sqlite')}`, { kind: 'env', name: 'DATABASE_URL' }, '/'));
      expect(result).toContain('is not writable by you');
      return;
    }
    const shop = sqliteShop();
    execFileSync('chmod', ['0555', path.dirname(shop.db)]);
    try {
      const taken = await shop.project.cli(['backup', '--mode', 'snapshot', '--json']);
      expect(taken.code, taken.stderr).toBe(0);
      expect(taken.stderr).toContain('file backup instead of a snapshot');
      expect(taken.stderr).toContain('is not writable by you');
    } finally {
      execFileSync('chmod', ['0755', path.dirname(shop.db)]);
    }
  });
});

function killSetUp() {
  const shop = sqliteShop();
  const home = testDir('dbsafe-kill-home-');
  const env = { DATABASE_URL: `sqlite:${shop.db}`, HOME: home, XDG_STATE_HOME: path.join(home, '.local', 'state') };
  return { shop, env, home };
}

/** Every file beside the database belongs to a listed snapshot (itself or its standby), no record is left, and the database reads whole. */
async function expectNoLeftovers(shop: SqliteShop, home: string): Promise<void> {
  await waitFor('background copies to finish', () => !shop.snapshotFiles().some((f) => f.includes('.partial-')));
  const listed = shop.project.manifests().flatMap((m) => {
    const name = (m.snapshot as { database?: string } | undefined)?.database;
    return name ? [`app.sqlite.${name}`, `app.sqlite.${name}_r`] : [];
  });
  expect(shop.snapshotFiles().filter((f) => !listed.includes(f))).toEqual([]);
  await waitFor('records cleared', () => recorded(home).length === 0, 30_000);
  expect(sql(shop.db, 'PRAGMA quick_check')).toBe('ok');
}

describe('SQLite snapshot: a SIGKILL at each step boundary', () => {
  it.each(['snapshot:recorded', 'snapshot:created', 'snapshot:described'])('taking a snapshot, killed at %s: the database is intact; the next run cleans up', async (point) => {
    const { shop, env, home } = killSetUp();
    const before = tableChecksums(shop.db);
    await killAt(shop.project.dir, env, ['backup', '--mode', 'snapshot'], point);
    expect(tableChecksums(shop.db)).toBe(before);
    const next = await shop.project.cli(['backup', '--mode', 'snapshot', '--json'], env);
    expect(next.code, next.stderr).toBe(0);
    await expectNoLeftovers(shop, home);
    expect(tableChecksums(shop.db)).toBe(before);
  });

  it.each(['restore:copied', 'restore:swapped', 'restore:described'])('restoring (and undoing), killed at %s: the database is whole under its name; the next run cleans up', async (point) => {
    const { shop, env, home } = killSetUp();
    const before = tableChecksums(shop.db);
    const taken = await shop.project.cli(['backup', '--mode', 'snapshot', '--json'], env);
    expect(taken.code, taken.stderr).toBe(0);
    const name = (JSON.parse(taken.stdout) as TakenSnapshot).snapshot.database;
    // Without its standby the restore makes its own copy, so every boundary is reached.
    await waitFor('standby copy', () => existsSync(fileOf(shop, `${name}_r`)));
    execFileSync('rm', ['-f', fileOf(shop, `${name}_r`)]);
    damage(shop.db);
    const damaged = tableChecksums(shop.db);
    await killAt(shop.project.dir, env, ['restore', (JSON.parse(taken.stdout) as TakenSnapshot).id, '--yes'], point);
    // Never missing, never half: the damaged state before the swap, the snapshot's after it.
    expect(tableChecksums(shop.db)).toBe(point === 'restore:copied' ? damaged : before);
    // Before the swap nothing was restored: the restore runs again. After it, the replaced (damaged) state was kept: undo brings it back.
    const next = await shop.project.cli(point === 'restore:copied' ? ['restore', (JSON.parse(taken.stdout) as TakenSnapshot).id, '--yes'] : ['undo', '--yes'], env);
    expect(next.code, next.stderr).toBe(0);
    await expectNoLeftovers(shop, home);
    expect(tableChecksums(shop.db)).toBe(point === 'restore:copied' ? before : damaged);
  });
});
