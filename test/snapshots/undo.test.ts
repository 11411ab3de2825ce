import { describe, expect, it } from 'vitest';
import { damage, shopProject, tableChecksums } from './postgres-helpers.js';


const setUp = shopProject;

/** A guarded command that damages the database as an agent's bad migration would (psql runs the damage). */
function damagingCommand(database: string): string[] {
  return ['psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', database, '-q', '-c', 'DELETE FROM orders WHERE id % 3 = 0; CREATE TABLE junk (x int); ALTER TABLE customers DROP COLUMN email CASCADE'];
}

describe.each(['snapshot', 'dump'])('dbsafe undo (%s mode)', (mode) => {
  it('shows what ran, when and by whom; puts the database back; undoing the undo brings the damage back', async () => {
    const { db, project } = setUp({ mode });
    const before = tableChecksums(db.name);
    const ran = await project.cli(['run', '--label', 'agent migration', '--', ...damagingCommand(db.name)], { CLAUDECODE: '1' });
    expect(ran.code, ran.stderr).toBe(0);
    const damaged = tableChecksums(db.name);
    expect(damaged).not.toBe(before);

    const list = await project.cli(['undo', '--list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('DELETE FROM orders');
    expect(list.stdout).toContain('agent Claude Code');

    // No terminal and no --yes: the plan is shown, nothing is touched.
    const unconfirmed = await project.cli(['undo']);
    expect(unconfirmed.code).toBe(3);
    expect(unconfirmed.stderr).toContain('Undo: psql');
    expect(unconfirmed.stderr).toContain('will be replaced by');
    expect(tableChecksums(db.name)).toBe(damaged);

    const undone = await project.cli(['undo', '--yes']);
    expect(undone.code, undone.stderr).toBe(0);
    expect(tableChecksums(db.name)).toBe(before);

    const redone = await project.cli(['undo', '--yes']);
    expect(redone.code, redone.stderr).toBe(0);
    expect(redone.stderr).toContain('Undo: the restore of');
    expect(tableChecksums(db.name)).toBe(damaged);
  });
});

describe('dbsafe undo refusals', () => {
  it('nothing guarded yet: says so and changes nothing', async () => {
    const { project } = setUp();
    const result = await project.cli(['undo', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('nothing to undo');
  });

  it('refuses what looks like production, as restore does', async () => {
    const { db, project } = setUp({ productionPatterns: ['/dbsafe_test_/'] });
    damage(db.name);
    const result = await project.cli(['undo', '--yes']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/refus/i);
  });
});
