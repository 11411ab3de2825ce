import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readScratchRecords, recordScratchDatabase } from '../../src/engines/scratch-database.js';
import { archive, dotCommandPath, immutableUri } from '../../src/engines/sqlite/archive.js';
import { DbsafeError } from '../../src/errors.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import type { Target } from '../../src/target/types.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { fileOutput } from '../fixtures/backup-output.js';

function targetFor(file: string): Target {
  return parseDatabaseUrl(`sqlite:${file}`, { kind: 'env', name: 'DATABASE_URL' }, '/');
}

function sql(file: string, text: string): string {
  return execFileSync('sqlite3', ['-batch', '-init', '/dev/null', file, text], { encoding: 'utf8' }).trim();
}

const SCHEMA = `
PRAGMA journal_mode = WAL;
CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, avatar BLOB, status TEXT CHECK (status IN ('new', 'active')));
CREATE TABLE "odd ""name"" table" (id INTEGER PRIMARY KEY, note TEXT);
CREATE INDEX customers_name ON customers(name);
CREATE VIEW active AS SELECT id, name FROM customers WHERE status = 'active';
CREATE TABLE log (id INTEGER PRIMARY KEY, message TEXT);
CREATE TRIGGER customers_log AFTER INSERT ON customers BEGIN INSERT INTO log(message) VALUES ('new ' || NEW.id); END;
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 3000)
  INSERT INTO customers (name, avatar, status) SELECT '顧客 ' || n || ' 🎉', randomblob(64) || x'000a27', CASE n % 2 WHEN 0 THEN 'new' ELSE 'active' END FROM seq;
INSERT INTO "odd ""name"" table" (note) VALUES ('a'), ('b');
`;

/** Every object and a digest of every row, to compare two databases table by table. */
function snapshot(file: string): Record<string, string> {
  const objects = sql(file, `SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name`);
  const tables = sql(file, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).split('\n').filter(Boolean);
  const result: Record<string, string> = { objects };
  for (const table of tables) {
    const quoted = `"${table.replaceAll('"', '""')}"`;
    result[table] = sql(file, `SELECT COUNT(*) FROM ${quoted}`) + ' ' + rowDigest(file, quoted);
  }
  return result;
}

function rowDigest(file: string, quotedTable: string): string {
  const columns = sql(file, `SELECT group_concat('quote(' || '"' || replace(name, '"', '""') || '"' || ')', ' || ''|'' || ') FROM pragma_table_info('${quotedTable.slice(1, -1).replaceAll('""', '"').replaceAll("'", "''")}')`);
  return execFileSync('sha256sum', { input: sql(file, `SELECT ${columns} FROM ${quotedTable} ORDER BY rowid`), encoding: 'utf8' }).split(' ')[0]!;
}

/** A second, real process holding the database open, answering one SQL line at a time. */
class OtherProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private output = '';
  private marker = 0;

  constructor(file: string) {
    this.child = spawn('sqlite3', ['-batch', '-init', '/dev/null', '-cmd', '.timeout 5000', file]);
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
  }

  async query(text: string): Promise<string> {
    const end = `--end ${++this.marker}--`;
    this.child.stdin.write(`${text}\nSELECT '${end}';\n`);
    for (;;) {
      const at = this.output.indexOf(end);
      if (at >= 0) {
        const answer = this.output.slice(0, at).trim();
        this.output = this.output.slice(at + end.length + 1);
        return answer;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  send(text: string): void {
    this.child.stdin.write(`${text}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.child.on('close', () => resolve());
      this.child.stdin.end();
    });
  }
}

describe('SQLite archive (real sqlite3, real files, real second processes)', () => {
  let dir: { dir: string; cleanup: () => void };
  let db: string;
  const others: OtherProcess[] = [];

  beforeEach(() => {
    dir = tempDir();
    // Quotes, a backslash and spaces in the path: every path reaches sqlite3 intact or the tests fail.
    db = path.join(dir.dir, `my "app" it's \\ dev.db`);
    sql(db, SCHEMA);
  });

  afterEach(async () => {
    await Promise.all(others.splice(0).map((other) => other.close()));
    dir.cleanup();
  });

  it('round trip: backup, damage, restore into the file another process holds open gives back exactly the backed-up database', async () => {
    const before = snapshot(db);
    const other = new OtherProcess(db);
    others.push(other);
    expect(await other.query('SELECT COUNT(*) FROM customers;')).toBe('3000');

    const file = path.join(dir.dir, 'backup "1".sqlite.tmp');
    const facts = await archive.backup(targetFor(db), fileOutput(file));
    expect(facts).toEqual({ clientTool: expect.stringMatching(/^sqlite3 3\.\d+\.\d+$/), serverVersion: expect.stringMatching(/^SQLite 3\.\d+\.\d+$/) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await archive.checkArchive(file);

    await other.query(`DROP TABLE log; UPDATE customers SET name = 'changed' WHERE id < 50; CREATE TABLE after_backup (x); CREATE VIEW after_view AS SELECT 1;`);
    expect(snapshot(db)).not.toEqual(before);

    await archive.restore(targetFor(db), file);

    expect(snapshot(db)).toEqual(before);
    // The process that kept the file open sees the restored database at once, and can keep writing to it.
    expect(await other.query(`SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'after%';`)).toBe('0');
    expect(await other.query(`SELECT name FROM customers WHERE id = 7;`)).toBe('顧客 7 🎉');
    expect(await other.query(`INSERT INTO customers (name, status) VALUES ('after restore', 'new'); SELECT COUNT(*) FROM customers; PRAGMA quick_check;`)).toBe('3001\nok');
    expect(sql(db, 'PRAGMA journal_mode')).toBe('wal');
    // The archive was read as immutable: nothing was created beside it.
    expect(readdirSync(dir.dir).filter((name) => name.startsWith('backup'))).toEqual(['backup "1".sqlite.tmp']);
  });

  it('takes a consistent snapshot while another process keeps inserting', async () => {
    sql(db, `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 60000) INSERT INTO log (message) SELECT hex(randomblob(200)) FROM seq;`);
    const writer = spawn('sqlite3', ['-batch', '-init', '/dev/null', '-cmd', '.timeout 5000', '-cmd', 'PRAGMA synchronous = OFF', db], { stdio: ['pipe', 'ignore', 'inherit'] });
    const writing = setInterval(() => writer.stdin.write("INSERT INTO log (message) VALUES ('during');\n".repeat(5)), 2);
    try {
      await waitFor(() => Number(sql(db, "SELECT COUNT(*) FROM log WHERE message = 'during'")) > 50);
      const rowsBefore = Number(sql(db, 'SELECT COUNT(*) FROM log'));
      const file = path.join(dir.dir, 'live.sqlite');
      await archive.backup(targetFor(db), fileOutput(file));
      const rowsAfter = Number(sql(db, 'SELECT COUNT(*) FROM log'));

      expect(rowsAfter).toBeGreaterThan(rowsBefore);
      await archive.checkArchive(file);
      const copy = immutableUri(file);
      const [rows, maxId] = sql(copy, 'SELECT COUNT(*), MAX(id) FROM log').split('|').map(Number);
      expect(rows).toBeGreaterThanOrEqual(rowsBefore);
      expect(rows).toBeLessThanOrEqual(rowsAfter);
      // One writer, one row per commit: a snapshot holds rows 1..N with no gap.
      expect(maxId).toBe(rows);
      expect(sql(copy, 'PRAGMA quick_check')).toBe('ok');
    } finally {
      clearInterval(writing);
      const closed = new Promise((resolve) => writer.on('close', resolve));
      writer.kill();
      await closed;
    }
  });

  it('waits for another process to finish its write transaction, then restores (the uncommitted-at-backup row is gone)', async () => {
    const file = path.join(dir.dir, 'b.sqlite');
    await archive.backup(targetFor(db), fileOutput(file));
    const holder = new OtherProcess(db);
    others.push(holder);
    await holder.query(`BEGIN IMMEDIATE; INSERT INTO customers (name, status) VALUES ('held', 'new');`);
    setTimeout(() => holder.send('COMMIT;'), 700);
    const started = Date.now();
    await archive.restore(targetFor(db), file);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(sql(db, `SELECT COUNT(*) FROM customers WHERE name = 'held'`)).toBe('0');
    expect(sql(db, 'SELECT COUNT(*) FROM customers')).toBe('3000');
  });

  it('scratchRestore counts tables and rows in a throw-away copy', async () => {
    const file = path.join(dir.dir, 'b.sqlite');
    await archive.backup(targetFor(db), fileOutput(file));
    expect(await archive.scratchRestore(targetFor(db), file)).toEqual({
      tables: [
        { name: 'customers', rows: 3000 },
        { name: 'log', rows: 3000 },
        { name: 'odd "name" table', rows: 2 },
      ],
    });
  });

  it('scratchRestore removes the scratch directory a killed verify of this database recorded, and only that', async () => {
    const state = tempDir();
    const saved = process.env.HOME;
    process.env.HOME = state.dir;
    try {
      const file = path.join(dir.dir, 'b.sqlite');
      await archive.backup(targetFor(db), fileOutput(file));
      const killed = { pid: spawnSync('true').pid!, processStart: null };
      const left = path.join(tmpdir(), `dbsafe-verify-${randomBytes(6).toString('hex')}`);
      const unrecorded = path.join(tmpdir(), `dbsafe-verify-${randomBytes(6).toString('hex')}`);
      for (const scratch of [left, unrecorded]) {
        mkdirSync(scratch);
        writeFileSync(path.join(scratch, 'dbsafe_verify.sqlite'), 'x');
      }
      recordScratchDatabase(targetFor(db), left, 'verify', killed);
      // A hand-written record naming a directory dbsafe never creates is not acted on.
      recordScratchDatabase(targetFor(db), dir.dir, 'verify', killed);
      try {
        await archive.scratchRestore(targetFor(db), file);
        expect([existsSync(left), existsSync(unrecorded), existsSync(dir.dir)]).toEqual([false, true, true]);
        expect(readScratchRecords().map((entry) => entry.record.database)).toEqual([dir.dir]);
      } finally {
        for (const scratch of [left, unrecorded]) rmSync(scratch, { recursive: true, force: true });
      }
    } finally {
      if (saved === undefined) delete process.env.HOME;
      else process.env.HOME = saved;
      state.cleanup();
    }
  });

  it('checkArchive refuses a truncated backup, damaged pages and a file that is not SQLite', async () => {
    const file = path.join(dir.dir, 'b.sqlite');
    await archive.backup(targetFor(db), fileOutput(file));
    truncateSync(file, Math.floor(statSync(file).size / 2));
    await expect(archive.checkArchive(file)).rejects.toThrow(/quick_check found damage.*dbsafe list/s);
    await expect(archive.restore(targetFor(db), file)).rejects.toThrow(DbsafeError);
    expect(sql(db, 'SELECT COUNT(*) FROM customers')).toBe('3000');

    writeFileSync(file, '-- MariaDB dump 10.19\n');
    await expect(archive.checkArchive(file)).rejects.toThrow(/does not start with the "SQLite format 3" header/);
  });

  it('refuses to back up a database file that does not exist, and creates none', async () => {
    const missing = path.join(dir.dir, 'nope.db');
    const error = await archive.backup(targetFor(missing), fileOutput(path.join(dir.dir, 'x.sqlite'))).catch((e: unknown) => e);
    expect((error as DbsafeError).code).toBe('sqlite-no-file');
    expect((error as DbsafeError).message).toContain('correct the path in DATABASE_URL');
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(path.join(dir.dir, 'x.sqlite'))).toBe(false);
  });

  it('names the package to install when sqlite3 is not on the machine', () => {
    const script = `import('${path.join(REPO_ROOT, 'dist/src/engines/sqlite/archive.js')}').then(({ archive }) => archive.backup(${JSON.stringify(targetFor(db))}, { path: '/tmp/never.sqlite', stream: () => process.stdout })).then(() => console.log('no error'), (e) => console.log(e.code + ': ' + e.message))`;
    const run = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind /dev/null /usr/bin/sqlite3 && exec "$0" --input-type=module -e "$1"', process.execPath, script], { encoding: 'utf8' });
    expect(run.stdout).toContain('tool-missing: sqlite3 was not found on PATH');
    expect(run.stdout).toContain('apt-get install sqlite3');
  });

  it('quotes paths for dot-commands and URIs', () => {
    expect(dotCommandPath('/a b/it\'s "x" \\ y.db')).toBe('"/a b/it\'s \\"x\\" \\\\ y.db"');
    expect(immutableUri('/tmp/a b/c?d#e%.db')).toBe('file:/tmp/a%20b/c%3Fd%23e%25.db?immutable=1');
  });

  it('lists sqlite3 for doctor', async () => {
    expect(await archive.clientTools()).toEqual([{ name: 'sqlite3', path: '/usr/bin/sqlite3', version: expect.stringMatching(/^3\.\d+/) }]);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition never became true');
}
