import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupProject, type BackupProject } from '../cli/backup-project.js';
import { testDir } from '../helpers/cli.js';
import { killAt, recorded, waitFor } from './kill-helpers.js';
import { createMariaDatabase, mariadb } from '../helpers/databases.js';
import { damage, dropSnapshotDatabases, fillShop, serverDatabasesLike, snapshotDatabasesOf, tableChecksums } from './mariadb-helpers.js';

let cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

function setUp() {
  const db = createMariaDatabase();
  const project = backupProject(db.url);
  const home = testDir('dbsafe-kill-home-');
  const env = { DATABASE_URL: db.url, HOME: home, XDG_STATE_HOME: path.join(home, '.local', 'state') };
  cleanups.push(() => db.drop());
  cleanups.push(project.cleanup);
  cleanups.push(() => dropSnapshotDatabases(db.name, [...snapshotDatabasesOf(project), ...recorded(home)]));
  fillShop(db.name);
  return { db, project, env, home };
}

const exists = (name: string) => serverDatabasesLike(name).includes(name);

/** No snapshot database of this project is left unknown: each recorded name is gone or has become a listed snapshot. */
async function expectNoLeftovers(project: BackupProject, home: string, names: readonly string[]): Promise<void> {
  const listed = new Set(snapshotDatabasesOf(project));
  for (const name of names) {
    if (listed.has(name)) continue;
    await waitFor(`${name} dropped`, () => !exists(name), 30_000);
  }
  await waitFor('records cleared', () => recorded(home).filter((n) => names.includes(n) && !listed.has(n)).length === 0, 30_000);
}

describe('MariaDB snapshot: a SIGKILL at each step boundary', () => {
  it.each(['snapshot:recorded', 'snapshot:created', 'snapshot:described'])('taking a snapshot, killed at %s: the database is intact; the next run cleans up', async (point) => {
    const { db, project, env, home } = setUp();
    const before = tableChecksums(db.name);
    await killAt(project.dir, env, ['backup', '--mode', 'snapshot'], point);
    expect(tableChecksums(db.name)).toBe(before);
    const left = recorded(home);
    if (point !== 'snapshot:recorded') expect(left.length).toBeGreaterThan(0);
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
    // The background standby would make the restore skip its copy: wait until it is complete (its row written), then drop it so every boundary is reached.
    const standby = `${snapshotDatabasesOf(project)[0]!}_r`;
    await waitFor('standby copy', () => mariadb(`SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${standby}' AND TABLE_NAME = '__dbsafe_snapshot'`) === '1');
    await waitFor('standby copy recorded as done', () => !recorded(home).includes(standby));
    mariadb(`SET FOREIGN_KEY_CHECKS = 0; DROP DATABASE \`${standby}\``);
    damage(db.name);
    const damaged = tableChecksums(db.name);
    await killAt(project.dir, env, ['restore', id, '--yes'], point);
    // Never missing, never half: the damaged state before the swap, the snapshot's after it.
    expect(tableChecksums(db.name)).toBe(point === 'restore:copied' ? damaged : before);
    const left = recorded(home);
    expect(left.length).toBeGreaterThan(0);
    // Before the swap nothing was restored: the restore runs again. After it, the replaced (damaged) state was kept: undo brings it back.
    const next = await project.cli(point === 'restore:copied' ? ['restore', id, '--yes'] : ['undo', '--yes'], env);
    expect(next.code, next.stderr).toBe(0);
    await expectNoLeftovers(project, home, left);
    expect(tableChecksums(db.name)).toBe(point === 'restore:copied' ? before : damaged);
  });
});
