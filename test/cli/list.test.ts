import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, psql, type TestDatabase } from '../helpers/databases.js';
import { backupProject, type BackupProject } from './backup-project.js';

let db: TestDatabase;
let project: BackupProject;

beforeEach(() => {
  db = createPostgresDatabase();
  psql('CREATE TABLE t (id int)', db.name);
  project = backupProject(db.url);
});
afterEach(() => {
  project.cleanup();
  db.drop();
});

describe('dbsafe list', () => {
  it('says how to start when there are no backups', async () => {
    const result = await project.cli(['list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No backups in');
    expect(result.stdout).toContain('dbsafe backup');
    expect(JSON.parse((await project.cli(['list', '--json'])).stdout)).toEqual([]);
  });

  it('shows backups newest first and ignores anything that is not a finished dbsafe backup', async () => {
    const first = JSON.parse((await project.cli(['backup', '--json', '--label', 'one'])).stdout) as { id: string };
    const second = JSON.parse((await project.cli(['backup', '--json'])).stdout) as { id: string };
    mkdirSync(project.backups, { recursive: true });
    writeFileSync(path.join(project.backups, 'package.json'), '{"name":"not a manifest"}');
    writeFileSync(path.join(project.backups, `.${db.name}_20990101_000000.dump.partial-999999`), 'PGDMP half');
    writeFileSync(path.join(project.backups, `${db.name}_20990101_000000.json`), '{"manifestVersion": 1}');

    const json = JSON.parse((await project.cli(['list', '--json'])).stdout) as Array<{ id: string; path: string }>;
    expect(json.map((m) => m.id)).toEqual([second.id, first.id]);
    expect(json[0]!.path).toBe(path.join(project.backups, `${second.id}.dump`));

    const table = await project.cli(['list']);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+DATABASE\s+ENGINE\s+SIZE\s+AGE\s+TRIGGER\s+VERIFIED\s+ENCRYPTED\s+KEPT$/);
    expect(lines[1]).toMatch(new RegExp(`^${second.id}\\s+${db.name}\\s+PostgreSQL\\s+[\\d.]+ K?B\\s+\\d+s ago\\s+manual\\s+yes\\s+no\\s+newest 10$`));
    expect(lines[2]).toMatch(/manual \(one\)\s+yes\s+no\s+labelled "one" \(dbsafe forget ID removes it\)$/);
    expect(lines).toHaveLength(3);
  });
});
