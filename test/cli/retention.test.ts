import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject, type TestProject } from '../run/project.js';

let project: TestProject;

beforeEach(() => {
  project = makeProject({
    // Harmless stand-ins: the rules judge these scripts by their names (migrate, test), not by what they do.
    scripts: { migrate: 'node -e "require(\'fs\').writeFileSync(\'migrated\', \'yes\')"', test: 'node -e ""' },
    env: { DATABASE_URL: 'sqlite:./app.db' },
  });
  execFileSync('sqlite3', [path.join(project.dir, 'app.db'), 'CREATE TABLE t (id int); INSERT INTO t VALUES (1);']);
});
afterEach(() => project.cleanup());

interface Listed {
  id: string;
  label: string | null;
  commandKind?: string;
  trigger: string;
  keptBecause: string[];
}
const listed = async (): Promise<Listed[]> => JSON.parse((await project.run(['list', '--json'])).stdout) as Listed[];

describe('retention keeps the backups that matter', () => {
  it('a guarded migration followed by 12 guarded test runs leaves the pre-migration and the labelled backup listed', async () => {
    const labelled = await project.run(['backup', '--label', 'before-damage']);
    expect(labelled.code).toBe(0);
    const migrate = await project.run(['run', '--', 'npm', 'run', 'migrate']);
    expect(migrate.code).toBe(0);
    expect(existsSync(path.join(project.dir, 'migrated'))).toBe(true);
    for (let run = 0; run < 12; run += 1) {
      const test = await project.run(['run', '--', 'npm', 'test']);
      expect(test.code).toBe(0);
    }

    const backups = await listed();
    expect(backups).toHaveLength(12);
    const beforeMigration = backups.find((b) => b.commandKind === 'migration');
    expect(beforeMigration?.trigger).toBe('dbsafe run: npm run migrate');
    expect(beforeMigration?.keptBecause).toContain('newest before a migration, seed or reset');
    const label = backups.find((b) => b.label === 'before-damage');
    expect(label?.keptBecause).toEqual(['labelled "before-damage" (dbsafe forget ID removes it)']);
    expect(backups.filter((b) => b.commandKind === 'test')).toHaveLength(10);

    const table = (await project.run(['list'])).stdout;
    expect(table.split('\n').find((line) => line.startsWith(beforeMigration!.id))).toMatch(/newest before a migration, seed or reset$/);

    // Removed on purpose only: forget deletes the labelled backup, and it stays gone.
    const forget = await project.run(['forget', label!.id]);
    expect(forget.code).toBe(0);
    expect(forget.stdout).toBe(`Deleted backup ${label!.id}.\n`);
    expect((await listed()).map((b) => b.id)).not.toContain(label!.id);
    expect(existsSync(path.join(project.dir, 'backups', `${label!.id}.json`))).toBe(false);
  });

  it('forget refuses the newest good backup and an unknown id, deleting nothing', async () => {
    await project.run(['backup']);
    const [only] = await listed();
    const refused = await project.run(['forget', only!.id]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('is the newest good backup of app, and dbsafe never deletes that one');
    const unknown = await project.run(['forget', 'app_20990101_000000']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No backup matches "app_20990101_000000"');
    expect(await listed()).toHaveLength(1);
  });

  it('prune applies keepLabelled after the setting changes; --dry-run deletes nothing', async () => {
    await project.run(['backup', '--label', 'one']);
    await project.run(['backup', '--label', 'two']);
    await project.run(['backup']);
    const packageJson = path.join(project.dir, 'package.json');
    const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { dbsafe: Record<string, unknown> };
    pkg.dbsafe = { retention: 1, keepLabelled: 1 };
    const { writeFileSync } = await import('node:fs');
    writeFileSync(packageJson, JSON.stringify(pkg));
    const before = await listed();
    const oldest = before[2]!;
    expect(oldest.label).toBe('one');
    expect(oldest.keptBecause).toEqual([]);

    const dry = await project.run(['prune', '--dry-run']);
    expect(dry.stdout).toBe(`would delete ${oldest.id}\n`);
    expect(await listed()).toHaveLength(3);
    const pruned = await project.run(['prune', '--json']);
    expect(JSON.parse(pruned.stdout)).toEqual({ dryRun: false, deleted: [oldest.id] });
    expect((await listed()).map((b) => b.label)).toEqual([null, 'two']);
    expect((await project.run(['prune'])).stdout).toContain('Nothing to prune');
  });

  it('a bad keepLabelled is a configuration error naming the key', async () => {
    const packageJson = path.join(project.dir, 'package.json');
    const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { dbsafe: Record<string, unknown> };
    pkg.dbsafe = { keepDaily: -1 };
    const { writeFileSync } = await import('node:fs');
    writeFileSync(packageJson, JSON.stringify(pkg));
    const result = await project.run(['prune']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"keepDaily" must be a whole number of 0 or more');
  });
});
