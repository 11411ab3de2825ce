import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSeparatedRows, queryRows, supportsJson } from '../../src/engines/sqlite/query-rows.js';
import { tempDir } from '../helpers/cli.js';

const temp = tempDir('dbsafe-sqlite-rows-');
afterAll(() => temp.cleanup());

const database = path.join(temp.dir, 'app.db');
execFileSync('sqlite3', [database, `CREATE TABLE "odd, ""name"" | x" (v); INSERT INTO "odd, ""name"" | x" VALUES (1), (2); CREATE TABLE notes(body); INSERT INTO notes VALUES ('a
b');`]);
const realSqlite = execFileSync('sh', ['-c', 'command -v sqlite3'], { encoding: 'utf8' }).trim();

/** An sqlite3 older than 3.33, as macOS 10.15 and Ubuntu 20.04 ship: no -json, everything else the real shell. */
const oldSqlite = path.join(temp.dir, 'sqlite3-3.31');
writeFileSync(
  oldSqlite,
  `#!/bin/sh\nfor a in "$@"; do\n  [ "$a" = --version ] && { echo "3.31.1 2020-01-27 19:55:54 3bfa9cc97da10598521b342961df8f5f68c7388fa117345eeb516eaa837bb4d6"; exit 0; }\n  [ "$a" = -json ] && { echo "sqlite3: Error: unknown option: -json" >&2; exit 1; }\ndone\nexec ${realSqlite} "$@"\n`,
  { mode: 0o755 },
);

const sql = `SELECT name, (SELECT count(*) FROM sqlite_master) AS tables FROM sqlite_master WHERE type = 'table' ORDER BY name;`;

describe('rows from the sqlite3 shell, with and without -json', () => {
  it('knows which versions have -json (3.33 and later)', () => {
    expect(supportsJson('3.31.1')).toBe(false);
    expect(supportsJson('3.33.0')).toBe(true);
    expect(supportsJson('3.40.1')).toBe(true);
    expect(supportsJson('4.0.0')).toBe(true);
    expect(supportsJson(null)).toBe(false);
  });

  it('reads the same rows through separated text as through -json, whatever the names hold', async () => {
    const json = await queryRows<{ name: string; tables: number }>(realSqlite, database, sql, { json: true });
    const text = await queryRows<{ name: string; tables: number }>(realSqlite, database, sql, { json: false });
    expect(json).toEqual([
      { name: 'notes', tables: 2 },
      { name: 'odd, "name" | x', tables: 2 },
    ]);
    expect(text).toEqual(json);
    expect(await queryRows(realSqlite, database, 'SELECT body FROM notes;', { json: false })).toEqual([{ body: 'a\nb' }]);
  });

  it('falls back by itself on a shell older than 3.33', async () => {
    const rows = await queryRows<{ name: string }>(oldSqlite, database, sql);
    expect(rows.map((row) => row.name)).toEqual(['notes', 'odd, "name" | x']);
    await expect(queryRows(oldSqlite, database, 'SELECT 1;', { json: true })).rejects.toThrow(/unknown option: -json/);
  });

  it('parses nothing from no output', () => {
    expect(parseSeparatedRows('')).toEqual([]);
  });
});
