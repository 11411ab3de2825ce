import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, psql, type TestDatabase } from '../helpers/databases.js';
import { backupProject, type BackupProject } from './backup-project.js';

let db: TestDatabase;
let project: BackupProject;

const checksum = () => psql("SELECT md5(string_agg(x::text, ',' ORDER BY x.id)) FROM items x", db.name);
const tables = () => psql("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'", db.name);

beforeEach(async () => {
  db = createPostgresDatabase();
  psql("CREATE TABLE items (id serial PRIMARY KEY, name text, price numeric); INSERT INTO items(name, price) SELECT 'item ' || g, g * 0.5 FROM generate_series(1, 500) g", db.name);
  project = backupProject(db.url);
});
afterEach(() => {
  project.cleanup();
  db.drop();
});

async function backup(): Promise<{ id: string; file: string; path: string }> {
  const result = await project.cli(['backup', '--json']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { id: string; file: string; path: string };
}

describe('dbsafe restore', () => {
  it('puts the database back exactly, keeping the replaced database itself as the safety copy (no second dump)', async () => {
    const before = checksum();
    const taken = await backup();
    psql("DELETE FROM items WHERE id > 100; UPDATE items SET price = 0; CREATE TABLE made_later (x int)", db.name);
    const damaged = checksum();
    const result = await project.cli(['restore', '--yes']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Restored ${taken.id} into PostgreSQL ${db.name} .*Its previous state is kept on the server as snapshot ${db.name}_\\d{8}_\\d{6}(_\\d+)? \\(dbsafe restore `));
    expect(checksum()).toBe(before);
    expect(tables()).toBe('items');
    expect(project.files().filter((f) => f.endsWith('.dump'))).toEqual([taken.file]);
    const list = JSON.parse((await project.cli(['list', '--json'])).stdout) as Array<{ id: string; trigger: string; snapshot?: { database: string } }>;
    expect(list.map((m) => m.trigger)).toEqual([`pre-restore (before restoring ${taken.id})`, 'manual']);
    // The replaced database, renamed and closed to connections, is a snapshot like any other: it restores the damaged state.
    const safety = list[0]!;
    expect(psql(`SELECT datallowconn FROM pg_database WHERE datname = '${safety.snapshot!.database}'`)).toBe('f');
    const back = await project.cli(['restore', safety.id, '--yes']);
    expect(back.code, back.stderr).toBe(0);
    expect(checksum()).toBe(damaged);
  });

  it('--mode dump takes a safety backup file of the current state first', async () => {
    const taken = await backup();
    psql('DELETE FROM items WHERE id > 100', db.name);
    const result = await project.cli(['restore', '--yes', '--mode', 'dump']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`Its previous state is backup ${db.name}_\\d{8}_\\d{6}(_\\d+)? \\(dbsafe restore `));
    const list = JSON.parse((await project.cli(['list', '--json'])).stdout) as Array<{ trigger: string; label: string | null }>;
    expect(list.map((m) => m.trigger)).toEqual(['pre-restore', 'manual']);
    expect(list[0]!.label).toBe(`before restoring ${taken.id}`);
  });

  it('refuses a damaged backup before touching the database', async () => {
    const taken = await backup();
    psql("CREATE TABLE made_later (x int)", db.name);
    const bytes = readFileSync(taken.path);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    writeFileSync(taken.path, bytes);
    const result = await project.cli(['restore', taken.id, '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The backup file ${taken.path} is damaged`);
    expect(result.stderr).toContain('Nothing was changed in the database');
    expect(tables()).toBe('items,made_later');
    // No safety backup either: nothing was attempted.
    expect(project.manifests()).toHaveLength(1);
  });

  it('refuses a truncated backup given by path', async () => {
    const taken = await backup();
    const before = checksum();
    truncateSync(taken.path, 100);
    const result = await project.cli(['restore', taken.path, '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is damaged');
    expect(result.stderr).toContain('100 bytes on disk');
    expect(checksum()).toBe(before);
  });

  it('refuses a backup from another engine', async () => {
    const taken = await backup();
    const manifestFile = path.join(project.backups, `${taken.id}.json`);
    const sqliteId = 'app_20260101_000000';
    const sqliteFile = path.join(project.backups, `${sqliteId}.sqlite`);
    copyFileSync(taken.path, sqliteFile);
    appendFileSync(sqliteFile, 'x');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      path.join(project.backups, `${sqliteId}.json`),
      JSON.stringify({
        ...manifest,
        id: sqliteId,
        file: `${sqliteId}.sqlite`,
        engine: 'sqlite',
        database: 'app',
        size: readFileSync(sqliteFile).length,
        sha256: createHash('sha256').update(readFileSync(sqliteFile)).digest('hex'),
      }),
    );
    psql("CREATE TABLE made_later (x int)", db.name);
    const result = await project.cli(['restore', sqliteId, '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Backup ${sqliteId} is a SQLite backup, but the target database is PostgreSQL`);
    expect(tables()).toBe('items,made_later');
  });

  it('asks for --yes when there is no terminal, and changes nothing', async () => {
    await backup();
    psql("CREATE TABLE made_later (x int)", db.name);
    const result = await project.cli(['restore']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('Pass --yes to confirm');
    expect(tables()).toBe('items,made_later');
    expect(project.manifests()).toHaveLength(1);
  });

  it('explains unknown ids and files without a manifest', async () => {
    await backup();
    const unknown = await project.cli(['restore', 'nope', '--yes']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No backup matches "nope"');
    const loose = path.join(project.dir, 'loose.dump');
    writeFileSync(loose, 'PGDMP');
    const noManifest = await project.cli(['restore', loose, '--yes']);
    expect(noManifest.code).toBe(2);
    expect(noManifest.stderr).toContain('has no valid dbsafe manifest beside it');
  });
});
