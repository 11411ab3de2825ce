import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupProject, type BackupProject } from '../cli/backup-project.js';
import { testDir } from '../helpers/cli.js';
import { STANDBY_PURPOSE } from '../../src/engines/standby-copy.js';
import { killAt, recorded, waitFor } from './kill-helpers.js';
import { createPostgresDatabase, psql } from '../helpers/databases.js';
import { damage, dropSnapshotDatabases, fillShop, serverDatabasesLike, snapshotDatabasesOf, tableChecksums } from './postgres-helpers.js';

let cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

function setUp() {
  const db = createPostgresDatabase();
  const project = backupProject(db.url);
  const home = testDir('dbsafe-kill-home-');
  const env = { DATABASE_URL: db.url, HOME: home, XDG_STATE_HOME: path.join(home, '.local', 'state') };
  cleanups.push(() => db.drop());
  cleanups.push(project.cleanup);
  cleanups.push(() => dropSnapshotDatabases([...snapshotDatabasesOf(project), ...recorded(home)]));
  fillShop(db.name);
  return { db, project, env, home };
}

/** No snapshot database of this project is left unknown: each recorded name is gone or has become a listed snapshot. */
async function expectNoLeftovers(project: BackupProject, home: string, names: readonly string[]): Promise<void> {
  const listed = new Set(snapshotDatabasesOf(project));
  for (const name of names) {
    if (listed.has(name)) continue;
    await waitFor(`${name} dropped`, () => serverDatabasesLike(name).filter((n) => n === name).length === 0, 30_000);
  }
  await waitFor('records cleared', () => recorded(home).filter((n) => names.includes(n) && !listed.has(n)).length === 0, 30_000);
}

describe('PostgreSQL snapshot: a SIGKILL at each step boundary', () => {
  it.each(['snapshot:recorded', 'snapshot:created', 'snapshot:described'])('taking a snapshot, killed at %s: the database is intact; the next run cleans up', async (point) => {
    const { db, project, env, home } = setUp();
    const before = tableChecksums(db.name);
    await killAt(project.dir, env, ['backup', '--mode', 'snapshot'], point);
    expect(tableChecksums(db.name)).toBe(before);
    const left = recorded(home);
    const next = await project.cli(['backup', '--mode', 'snapshot', '--json'], env);
    expect(next.code, next.stderr).toBe(0);
    await expectNoLeftovers(project, home, left);
    expect(tableChecksums(db.name)).toBe(before);
  });

  it.each(['restore:copied', 'restore:swapped', 'restore:described'])('restoring (and undoing), killed at %s: the database is whole under its name; the next run cleans up', async (point) => {
    const { db, project, env, home } = setUp();
    const before = tableChecksums(db.name);
    const taken = await project.cli(['backup', '--mode', 'snapshot', '--json'], env);
    expect(taken.code, taken.stderr).toBe(0);
    const id = (JSON.parse(taken.stdout) as { id: string }).id;
    // The background standby would make the restore skip its copy: wait for it, then drop it so every boundary is reached.
    const snapshot = snapshotDatabasesOf(project)[0]!;
    await waitFor('standby copy', () => serverDatabasesLike(`${snapshot}_r`).length === 1);
    psql(`DROP DATABASE "${snapshot}_r"`);
    damage(db.name);
    const damaged = tableChecksums(db.name);
    await killAt(project.dir, env, ['restore', id, '--yes'], point);
    // Never missing, never half: the damaged state before the swap, the snapshot's after it.
    const now = tableChecksums(db.name);
    expect(point === 'restore:copied' ? damaged : before).toBe(now);
    const left = recorded(home);
    // Before the swap nothing was restored: the restore runs again. After it, the replaced (damaged) state was kept: undo brings it back.
    const next = await project.cli(point === 'restore:copied' ? ['restore', id, '--yes'] : ['undo', '--yes'], env);
    expect(next.code, next.stderr).toBe(0);
    await expectNoLeftovers(project, home, left);
    expect(tableChecksums(db.name)).toBe(point === 'restore:copied' ? before : damaged);
  });
});

describe('PostgreSQL file restore keeping the replaced database: a SIGKILL at each step boundary', () => {
  it.each(['file-restore:recorded', 'file-restore:swapped', 'file-restore:restored', 'file-restore:described'])(
    'killed at %s: the database is whole under its name; the replaced database is adopted as the safety copy, never dropped',
    async (point) => {
      const { db, project, env, home } = setUp();
      const before = tableChecksums(db.name);
      const dumped = await project.cli(['backup', '--mode', 'dump', '--json'], env);
      expect(dumped.code, dumped.stderr).toBe(0);
      const id = (JSON.parse(dumped.stdout) as { id: string }).id;
      damage(db.name);
      const damaged = tableChecksums(db.name);
      await killAt(project.dir, env, ['restore', id, '--yes', '--mode', 'auto'], point);
      const swapped = point !== 'file-restore:recorded';
      expect(tableChecksums(db.name)).toBe(swapped ? before : damaged);
      const left = recorded(home);
      // A verify's scratch restore cleans up what killed runs left: it must not take the replaced database with it.
      const verified = await project.cli(['verify', id], env);
      expect(verified.code, verified.stderr).toBe(0);
      if (!swapped) {
        const again = await project.cli(['restore', id, '--yes', '--mode', 'auto'], env);
        expect(again.code, again.stderr).toBe(0);
        await expectNoLeftovers(project, home, left);
        expect(tableChecksums(db.name)).toBe(before);
        return;
      }
      // The damaged state the restore replaced is the safety copy: undo brings it back.
      const undone = await project.cli(['undo', '--yes'], env);
      expect(undone.code, undone.stderr).toBe(0);
      expect(undone.stderr).toContain('Undo: the restore of');
      expect(tableChecksums(db.name)).toBe(damaged);
      await expectNoLeftovers(project, home, left);
    },
  );
});

describe('PostgreSQL snapshot: a standby copy another dbsafe still holds', () => {
  it('is not renamed into place while its record says a copy or a drop is under way: the restore copies the snapshot itself', async () => {
    const { db, project, env, home } = setUp();
    const before = tableChecksums(db.name);
    const taken = await project.cli(['backup', '--mode', 'snapshot', '--json'], env);
    expect(taken.code, taken.stderr).toBe(0);
    const id = (JSON.parse(taken.stdout) as { id: string }).id;
    const snapshot = snapshotDatabasesOf(project)[0]!;
    const standby = `${snapshot}_r`;
    await waitFor('standby copy', () => serverDatabasesLike(standby).length === 1 && !recorded(home).includes(standby));
    // As a background copy (or drop) in progress leaves it: recorded, its owner (this test's process) alive.
    const { recordScratchDatabase } = await import('../../src/engines/scratch-database.js');
    const { parseDatabaseUrl } = await import('../../src/target/url.js');
    const target = parseDatabaseUrl(db.url, { kind: 'env', name: 'DATABASE_URL' }, project.dir);
    const forget = recordScratchDatabase(target, standby, STANDBY_PURPOSE, undefined, env);
    cleanups.push(forget);
    damage(db.name);

    const restored = await project.cli(['restore', id, '--yes'], env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(tableChecksums(db.name)).toBe(before);
    // The held standby is still there under its own name: the restore used a copy of its own.
    expect(serverDatabasesLike(standby).filter((name) => name === standby)).toEqual([standby]);
  });
});
