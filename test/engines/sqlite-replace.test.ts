import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { archive } from '../../src/engines/sqlite/archive.js';
import { replaceDatabaseFile } from '../../src/engines/sqlite/replace-file.js';
import { copyDatabaseSnapshot } from '../../src/engines/sqlite/snapshot-copy.js';
import { isDbsafeError } from '../../src/errors.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import { tempDir } from '../helpers/cli.js';

const SQLITE3 = execFileSync('sh', ['-c', 'command -v sqlite3'], { encoding: 'utf8' }).trim();

function sql(file: string, text: string): string {
  return execFileSync('sqlite3', ['-batch', '-init', '/dev/null', file, text], { encoding: 'utf8' }).trim();
}

const digest = (file: string) => sql(file, "SELECT count(*) || ':' || coalesce(sum(length(v)), 0) || ':' || coalesce(max(id), 0) FROM t");

/** A real sqlite3 process keeping the database open, answering one statement at a time. */
class Holder {
  readonly child: ChildProcessWithoutNullStreams;
  private output = '';
  private marker = 0;
  constructor(file: string, ...commands: string[]) {
    this.child = spawn('sqlite3', ['-batch', '-init', '/dev/null', '-cmd', '.timeout 5000', ...commands.flatMap((c) => ['-cmd', c]), file]);
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
  }
  async query(text: string): Promise<string> {
    const end = `--end ${++this.marker}--`;
    this.child.stdin.write(`${text}\nSELECT '${end}';\n`);
    while (!this.output.includes(end)) await new Promise((resolve) => setTimeout(resolve, 10));
    const answer = this.output.slice(0, this.output.indexOf(end)).trim();
    this.output = '';
    return answer;
  }
  close(signal?: NodeJS.Signals): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.on('close', () => resolve());
      if (signal) this.child.kill(signal);
      else this.child.stdin.end();
    });
  }
}

describe('SQLite: copy under a read transaction, restore by renaming a new file into place', () => {
  let dir: { dir: string; cleanup: () => void };
  let db: string;
  const holders: Holder[] = [];

  beforeEach(() => {
    dir = tempDir();
    db = path.join(dir.dir, 'app db.sqlite');
    sql(db, "PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 2000) INSERT INTO t (v) SELECT hex(randomblob(40)) FROM s;");
  });
  afterEach(async () => {
    await Promise.all(holders.splice(0).map((h) => h.close()));
    dir.cleanup();
  });

  const open = (...commands: string[]) => {
    const holder = new Holder(db, ...commands);
    holders.push(holder);
    return holder;
  };

  it('copies the file itself when the WAL can be checkpointed, changes still in the WAL included', async () => {
    const writer = open('PRAGMA wal_autocheckpoint = 0');
    await writer.query("INSERT INTO t (v) VALUES ('only in the wal');");
    expect(statSync(`${db}-wal`).size).toBeGreaterThan(0);
    const copy = path.join(dir.dir, 'copy.sqlite');
    const copied = await copyDatabaseSnapshot(SQLITE3, db, copy, 5000);
    expect(copied).toEqual({ version: expect.stringMatching(/^3\.\d+\.\d+$/) });
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect(sql(`file:${copy}?immutable=1`, "SELECT count(*) FROM t WHERE v = 'only in the wal'")).toBe('1');
    expect(sql(`file:${copy}?immutable=1`, 'PRAGMA quick_check')).toBe('ok');
  });

  it('declines the file copy while an older reader holds WAL frames back (the backup API is used instead)', async () => {
    const reader = open();
    await reader.query('BEGIN; SELECT count(*) FROM t;');
    const writer = open('PRAGMA wal_autocheckpoint = 0');
    await writer.query("INSERT INTO t (v) VALUES ('after the reader');");
    expect(await copyDatabaseSnapshot(SQLITE3, db, path.join(dir.dir, 'copy.sqlite'), 5000)).toBeNull();

    const backup = path.join(dir.dir, 'api.sqlite');
    await archive.backup(parseDatabaseUrl(`sqlite:${db}`, { kind: 'env', name: 'DATABASE_URL' }, '/'), { path: backup, stream: () => { throw new Error('not streamed'); } });
    expect(sql(`file:${backup}?immutable=1`, "SELECT count(*) FROM t WHERE v = 'after the reader'")).toBe('1');
    await reader.query('COMMIT;');
  });

  it('replaces a database nobody has open: new file renamed in, stale -wal/-shm of a killed process settled first, mode kept, the old one kept on request', async () => {
    const backup = path.join(dir.dir, 'backup.sqlite');
    copyFileSync(db, backup);
    const wanted = digest(backup);
    chmodSync(db, 0o640);
    // A process killed with changes still in its WAL: -wal and -shm stay behind.
    const crashed = open('PRAGMA wal_autocheckpoint = 0');
    await crashed.query("INSERT INTO t (v) VALUES ('written before the crash');");
    await crashed.close('SIGKILL');
    expect(existsSync(`${db}-wal`)).toBe(true);
    const inodeBefore = statSync(db).ino;

    const kept = path.join(dir.dir, 'replaced.sqlite');
    await replaceDatabaseFile(db, backup, { sqlite3: SQLITE3, keepReplacedAs: kept });

    expect(statSync(db).ino).not.toBe(inodeBefore);
    expect(statSync(db).mode & 0o777).toBe(0o640);
    expect(existsSync(`${db}-wal`) || existsSync(`${db}-shm`)).toBe(false);
    expect(digest(db)).toBe(wanted);
    expect(sql(db, 'PRAGMA quick_check')).toBe('ok');
    expect(sql(kept, "SELECT count(*) FROM t WHERE v = 'written before the crash'")).toBe('1');
    expect(readdirSync(dir.dir).filter((name) => name.includes('dbsafe-restore'))).toEqual([]);
  });

  it('refuses while another process has the database open, naming it, and changes nothing', async () => {
    const backup = path.join(dir.dir, 'backup.sqlite');
    copyFileSync(db, backup);
    sql(db, "DELETE FROM t WHERE id > 10");
    const before = digest(db);
    const holder = open();
    await holder.query('SELECT count(*) FROM t;');

    const failure = await replaceDatabaseFile(db, backup, { sqlite3: SQLITE3 }).catch((e: unknown) => e);
    expect(isDbsafeError(failure) && failure.code).toBe('sqlite-in-use');
    expect((failure as Error).message).toContain(`is open in sqlite3 (pid ${holder.child.pid})`);
    expect((failure as Error).message).toMatch(/was left as it was\. Stop that process .* then run the command again/);
    expect(digest(db)).toBe(before);
    expect(readdirSync(dir.dir).filter((name) => name.includes('dbsafe-restore'))).toEqual([]);
  });

  it('restore renames the backup into place when the database is closed, and writes into the live file while it is open', async () => {
    const target = parseDatabaseUrl(`sqlite:${db}`, { kind: 'env', name: 'DATABASE_URL' }, '/');
    const backup = path.join(dir.dir, 'b.sqlite');
    await archive.backup(target, { path: backup, stream: () => { throw new Error('not streamed'); } });
    const wanted = digest(db);

    sql(db, 'DELETE FROM t');
    const closedInode = statSync(db).ino;
    await archive.restore(target, backup);
    expect(digest(db)).toBe(wanted);
    expect(statSync(db).ino).not.toBe(closedInode);

    sql(db, 'DELETE FROM t');
    const holder = open();
    await holder.query('SELECT count(*) FROM t;');
    const openInode = statSync(db).ino;
    await archive.restore(target, backup);
    expect(statSync(db).ino).toBe(openInode);
    expect(await holder.query("SELECT count(*) || ':' || sum(length(v)) || ':' || max(id) FROM t;")).toBe(wanted);
  });
});
