import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, psql, type TestDatabase } from '../helpers/databases.js';
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
    // Backed up under a development name (a production one could not be backed up), then renamed.
    const { db, project } = setUp();
    expect((await project.cli(['backup'])).code).toBe(0);
    const backupFile = path.join(project.backups, String(project.manifests()[0]?.file));
    const prodName = `${db.name}_prod`;
    psql(`ALTER DATABASE "${db.name}" RENAME TO "${prodName}"`);
    cleanups.push(() => psql(`DROP DATABASE IF EXISTS "${prodName}" WITH (FORCE)`));
    psql('CREATE TABLE made_later (x int)', prodName);
    const result = await project.cli(['restore', backupFile, '--yes', '--url', `postgres://postgres@127.0.0.1:5432/${prodName}`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`Restore into ${prodName} refused`);
    expect(psql("SELECT to_regclass('made_later') IS NOT NULL", prodName)).toBe('t');
  });
});

describe('dbsafe backup refuses production: nothing is copied', () => {
  it('an environment that says production', async () => {
    const { db, project } = setUp();
    const result = await project.cli(['backup'], { APP_ENV: 'production' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`Backup of ${db.name} refused`);
    expect(result.stderr).toContain('APP_ENV');
    expect(project.files().filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('a database marked production', async () => {
    const { db, project } = setUp();
    psql(`ALTER DATABASE "${db.name}" SET dbsafe.environment = 'production'`);
    const result = await project.cli(['backup']);
    expect(result.code).toBe(3);
    expect(project.manifests()).toHaveLength(0);
  });
});
