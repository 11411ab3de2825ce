import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMariaDatabase, mariadb } from '../helpers/databases.js';
import { backupProject, type BackupProject } from './backup-project.js';

/**
 * The store and the four commands hold no engine-specific code: the same
 * backup → damage → verify → restore cycle works for every engine adapter.
 */
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

async function cycle(project: BackupProject, damage: () => void, state: () => string): Promise<void> {
  const before = state();
  const backup = await project.cli(['backup', '--json']);
  expect(backup.stderr).toBe('');
  expect(backup.code).toBe(0);
  const manifest = JSON.parse(backup.stdout) as { id: string; file: string };
  damage();
  expect(state()).not.toBe(before);
  const verify = await project.cli(['verify', manifest.id, '--json']);
  expect(verify.code).toBe(0);
  expect((JSON.parse(verify.stdout) as { tables: Array<{ name: string; rows: number }> }).tables).toContainEqual({ name: 'items', rows: 3 });
  const restore = await project.cli(['restore', manifest.id, '--yes']);
  expect(restore.stderr).toBe('');
  expect(restore.code).toBe(0);
  expect(state()).toBe(before);
  const list = JSON.parse((await project.cli(['list', '--json'])).stdout) as Array<{ trigger: string; file: string }>;
  // The safety copy is the replaced database itself, kept beside it (a snapshot), not a second dump.
  expect(list.map((m) => m.trigger)).toEqual([`pre-restore (before restoring ${manifest.id})`, 'manual']);
  expect(list[1]!.file).toBe(manifest.file);
}

describe('backup, verify and restore for every engine', () => {
  it('SQLite: filed under the file name, restored exactly', async () => {
    const project = backupProject('sqlite:placeholder');
    cleanups.push(() => project.cleanup());
    const file = path.join(project.dir, 'development.sqlite3');
    const sqlite = (sql: string) => execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim();
    sqlite("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO items(name) VALUES ('a'), ('b'), ('ü')");
    const sqliteProject = { ...project, cli: (args: string[]) => project.cli(args, { DATABASE_URL: `sqlite:${file}` }) };
    await cycle(
      sqliteProject,
      () => sqlite("DELETE FROM items WHERE id = 1; CREATE TABLE later (x)"),
      () => sqlite("SELECT group_concat(id || name, ',') FROM items; SELECT group_concat(name, ',') FROM sqlite_master WHERE type = 'table'"),
    );
    expect(project.manifests()[0]!.id).toMatch(/^development_\d{8}_\d{6}/);
  });

  it('MariaDB: restored exactly', async () => {
    const db = createMariaDatabase();
    cleanups.push(() => db.drop());
    mariadb("CREATE TABLE items (id int PRIMARY KEY, name varchar(20)); INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'ü')", db.name);
    const project = backupProject(db.url);
    cleanups.push(() => project.cleanup());
    await cycle(
      project,
      () => mariadb("DELETE FROM items WHERE id = 1; CREATE TABLE later (x int)", db.name),
      () => mariadb("SELECT group_concat(id, name ORDER BY id) FROM items; SELECT group_concat(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema = DATABASE()", db.name),
    );
  });

  it('MariaDB: a dump cut off mid-way by a tool that still exits 0 is refused, removed and never listed', async () => {
    const db = createMariaDatabase();
    cleanups.push(() => db.drop());
    mariadb("CREATE TABLE items (id int PRIMARY KEY, name varchar(40)); INSERT INTO items SELECT seq, concat('row ', seq) FROM seq_1_to_20000", db.name);
    const project = backupProject(db.url);
    cleanups.push(() => project.cleanup());
    // A mariadb-dump that stops writing part-way and reports success, silently: what a tool killed inside a wrapper script looks like.
    const shims = path.join(project.dir, 'shims');
    mkdirSync(shims);
    writeFileSync(path.join(shims, 'mariadb-dump'), '#!/bin/sh\n/usr/bin/mariadb-dump "$@" 2>/dev/null | head -c 20000\nexit 0\n');
    chmodSync(path.join(shims, 'mariadb-dump'), 0o755);
    const backup = await project.cli(['backup', '--json'], { PATH: `${shims}:${process.env.PATH ?? '/usr/bin:/bin'}` });
    expect(backup.code).toBe(1);
    expect(backup.stderr).toContain('does not end with the "-- Dump completed" line, so the dump was cut short');
    expect(project.files().filter((file) => !file.startsWith('.'))).toEqual([]);
    expect(JSON.parse((await project.cli(['list', '--json'])).stdout)).toEqual([]);
  });
});
