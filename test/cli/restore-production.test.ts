import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, psql, uniqueName, type TestDatabase } from '../helpers/databases.js';
import { backupProject, type BackupProject } from './backup-project.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function setUp(name?: string): { db: TestDatabase; project: BackupProject } {
  const db = createPostgresDatabase(name);
  cleanups.push(() => db.drop());
  psql('CREATE TABLE t (id int); INSERT INTO t VALUES (1)', db.name);
  const project = backupProject(db.url);
  cleanups.push(() => project.cleanup());
  return { db, project };
}

describe('dbsafe restore refuses production, even with --yes', () => {
  it('a database marked production (the marker lives in the database)', async () => {
    const { db, project } = setUp();
    expect((await project.cli(['backup'])).code).toBe(0);
    psql(`ALTER DATABASE "${db.name}" SET dbsafe.environment = 'production'`);
    psql('CREATE TABLE made_later (x int)', db.name);
    const result = await project.cli(['restore', '--yes']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`Restore into ${db.name} refused`);
    expect(result.stderr).toContain('--yes does not override this');
    expect(psql("SELECT to_regclass('made_later') IS NOT NULL", db.name)).toBe('t');
    expect(project.manifests()).toHaveLength(1);
  });

  it('an environment that says production', async () => {
    const { db, project } = setUp();
    expect((await project.cli(['backup'])).code).toBe(0);
    psql('CREATE TABLE made_later (x int)', db.name);
    const result = await project.cli(['restore', '--yes'], { APP_ENV: 'production' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('APP_ENV');
    expect(psql("SELECT to_regclass('made_later') IS NOT NULL", db.name)).toBe('t');
  });

  it('a database whose name says production', async () => {
    const { db, project } = setUp(`${uniqueName()}_prod`);
    expect((await project.cli(['backup'])).code).toBe(0);
    psql('CREATE TABLE made_later (x int)', db.name);
    const result = await project.cli(['restore', '--yes']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('prod');
    expect(psql("SELECT to_regclass('made_later') IS NOT NULL", db.name)).toBe('t');
  });
});
