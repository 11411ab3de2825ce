import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, psql, waitUntilNoDatabaseLike, type TestDatabase } from '../helpers/databases.js';
import { backupProject, type BackupProject } from './backup-project.js';

let db: TestDatabase;
let project: BackupProject;

beforeEach(() => {
  db = createPostgresDatabase();
  psql(
    "CREATE TABLE users (id int PRIMARY KEY); INSERT INTO users SELECT generate_series(1, 42); CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int); INSERT INTO billing.invoices SELECT generate_series(1, 7)",
    db.name,
  );
  project = backupProject(db.url);
});
afterEach(() => {
  project.cleanup();
  db.drop();
});


describe('dbsafe verify', () => {
  it('checks the checksum, restores into a scratch database, reports tables and rows, and drops it', async () => {
    const taken = JSON.parse((await project.cli(['backup', '--json'])).stdout) as { id: string };
    const result = await project.cli(['verify']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Backup ${taken.id}: checksum ok; restored into a scratch database: 2 tables, 49 rows.\n  billing.invoices  7\n  users             42\n`);
    const json = JSON.parse((await project.cli(['verify', taken.id, '--json'])).stdout) as unknown;
    expect(json).toEqual({ id: taken.id, checksum: 'ok', restore: 'ok', tables: [{ name: 'billing.invoices', rows: 7 }, { name: 'users', rows: 42 }], totalRows: 49 });
    expect(await waitUntilNoDatabaseLike('dbsafe\\_verify\\_%')).toBe(0);
  });

  it('fails on a damaged backup without creating anything', async () => {
    const taken = JSON.parse((await project.cli(['backup', '--json'])).stdout) as { path: string };
    const bytes = readFileSync(taken.path);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x01;
    writeFileSync(taken.path, bytes);
    const result = await project.cli(['verify']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is damaged');
  });
});
