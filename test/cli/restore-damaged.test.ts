import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { privateHome } from '../helpers/cli.js';
import { createMariaDatabase, createPostgresDatabase, mariadb, psql, type TestDatabase } from '../helpers/databases.js';
import { backupProject, type BackupProject } from './backup-project.js';

/**
 * A restore proves the backup's checksum from the same read that loads it
 * (no checksum pass first): a damaged file must still leave the live
 * database as it was, and no staging or scratch database behind, whether
 * or not the engine's own tool notices the damage.
 */

let db: TestDatabase | undefined;
let project: BackupProject | undefined;

afterEach(() => {
  project?.cleanup();
  db?.drop();
  project = undefined;
  db = undefined;
});

/** Flip one byte of the first `text` in the file (a change the load itself may not notice), or of its middle. */
function flipByteOf(file: string, text: string | 'middle'): void {
  const bytes = readFileSync(file);
  const at = text === 'middle' ? Math.floor(bytes.length / 2) : bytes.indexOf(text);
  expect(at, `"${text}" in ${file}`).toBeGreaterThanOrEqual(0);
  bytes[at] = bytes[at]! ^ 0x20;
  writeFileSync(file, bytes);
}

/** Scratch databases this test's dbsafe runs recorded and have not dropped yet (staging, safety copies under way). */
function scratchRecords(): string[] {
  const dir = path.join(privateHome().HOME, '.local', 'state', 'dbsafe', 'scratch-databases');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.json')) : [];
}

async function backup(p: BackupProject): Promise<{ id: string; path: string }> {
  const result = await p.cli(['backup', '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { id: string; path: string };
}

describe('restore of a damaged backup', () => {
  it.each([
    ['an uncompressed archive, a byte of a row changed (pg_restore loads it without complaint)', 'none'],
    ['a zstd archive, a byte in its middle changed (zstd refuses it first)', 'zstd'],
  ] as const)('PostgreSQL, %s: the checksum error, the live database unchanged, no staging database left', async (_case, compression) => {
    db = createPostgresDatabase();
    const live = db;
    psql("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 2000) g", live.name);
    project = backupProject(live.url, { compression });
    const taken = await backup(project);
    psql("DELETE FROM items WHERE id > 1000; INSERT INTO items VALUES (5000, 'made later')", live.name);
    const state = () => psql("SELECT md5(string_agg(id || ':' || name, ',' ORDER BY id)) FROM items", live.name);
    const before = state();
    flipByteOf(taken.path, compression === 'none' ? 'item 1500' : 'middle');
    const result = await project.cli(['restore', taken.id, '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The backup file ${taken.path} is damaged`);
    expect(result.stderr).toContain('Nothing was changed in the database');
    expect(result.stderr).toContain('Pick another backup from `dbsafe list`');
    expect(state()).toBe(before);
    expect(psql(`SELECT count(*) FROM pg_database WHERE datname LIKE '${live.name}\\_\\_dbsafe\\_%'`)).toBe('0');
    expect(scratchRecords()).toEqual([]);
    // No safety copy was kept either: the restore never got to the swap.
    expect(project.manifests().map((m) => m.id)).toEqual([taken.id]);
  });

  it('MariaDB, a byte of a row changed (the client loads it without complaint): the checksum error, the live tables unchanged, no scratch database left', async () => {
    db = createMariaDatabase();
    const live = db;
    const table = `items_${live.name.slice(-8)}`;
    mariadb(`CREATE TABLE ${table} (id int PRIMARY KEY, name varchar(40)); INSERT INTO ${table} SELECT seq, concat('item ', seq) FROM seq_1_to_2000`, live.name);
    project = backupProject(live.url);
    const taken = await backup(project);
    mariadb(`DELETE FROM ${table} WHERE id > 1000; INSERT INTO ${table} VALUES (5000, 'made later')`, live.name);
    const state = () => mariadb(`SELECT md5(group_concat(id, ':', name ORDER BY id)) FROM ${table}`, live.name);
    const before = state();
    flipByteOf(taken.path, 'item 1500');
    const result = await project.cli(['restore', taken.id, '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The backup file ${taken.path} is damaged`);
    expect(result.stderr).toContain('Nothing was changed in the database');
    expect(state()).toBe(before);
    // The table exists in the live database only: the scratch copy it was loaded into is gone.
    expect(mariadb(`SELECT GROUP_CONCAT(TABLE_SCHEMA) FROM information_schema.TABLES WHERE TABLE_NAME = '${table}'`)).toBe(live.name);
    expect(scratchRecords()).toEqual([]);
    expect(project.manifests().map((m) => m.id)).toEqual([taken.id]);
  });
});
