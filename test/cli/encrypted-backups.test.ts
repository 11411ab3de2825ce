import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { createPostgresDatabase, psql, type TestDatabase } from '../helpers/databases.js';
import { backupProject, restoreUntilItsCopyExists, type BackupProject } from './backup-project.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const SECRET_ROW = 'customer-4711-plaintext-marker';

/** A key file outside any project (its own temp dir), mode 0600 unless told. */
function keyFile(mode = 0o600, text = `${randomBytes(32).toString('base64')}\n`): string {
  const temp = tempDir('dbsafe-key-');
  cleanups.push(temp.cleanup);
  const file = path.join(temp.dir, 'backup.key');
  writeFileSync(file, text, { mode });
  chmodSync(file, mode);
  return file;
}

function project(url: string, config: Record<string, unknown>): BackupProject {
  const p = backupProject(url, config);
  cleanups.push(() => p.cleanup());
  return p;
}

function setConfig(p: BackupProject, config: Record<string, unknown>): void {
  writeFileSync(path.join(p.dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, dbsafe: config }));
}

interface Taken {
  id: string;
  file: string;
  path: string;
  sha256: string;
  size: number;
  encryption?: { algorithm: string; keyId: string };
}

async function backup(p: BackupProject, env: Record<string, string> = {}): Promise<Taken> {
  const result = await p.cli(['backup', '--json'], env);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Taken;
}

/** Temporary files (plaintext or partial) left in the backup directory. */
const leftovers = (p: BackupProject) => p.files().filter((f) => f.startsWith('.') && !f.endsWith('.lock'));

const sqlite = (file: string, sql: string) => execFileSync('sqlite3', ['-batch', file, sql], { encoding: 'utf8' }).trim();

function sqliteDatabase(): { file: string; url: string } {
  const temp = tempDir('dbsafe-enc-sqlite-');
  cleanups.push(temp.cleanup);
  const file = path.join(temp.dir, 'app_dev.sqlite');
  sqlite(file, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('${SECRET_ROW}'), ('two'), ('three');`);
  return { file, url: `sqlite:${file}` };
}

/** Make the manifest agree with a file damaged on purpose, so the decryption itself has to find the damage. */
function rewriteManifestFor(p: BackupProject, taken: Taken): void {
  const manifestFile = path.join(p.backups, `${taken.id}.json`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  manifest.sha256 = execFileSync('sha256sum', [taken.path], { encoding: 'utf8' }).split(' ')[0];
  manifest.size = statSync(taken.path).size;
  writeFileSync(manifestFile, JSON.stringify(manifest));
}

describe('encrypted backups: SQLite', () => {
  it('backs up encrypted, lists it, verifies, passes health, restores exactly, and leaves no plaintext behind', async () => {
    const db = sqliteDatabase();
    const key = keyFile();
    const p = project(db.url, { encryption: { keyFile: key } });
    const taken = await backup(p);
    expect(taken.file).toBe(`${taken.id}.sqlite.enc`);
    expect(taken.encryption).toEqual({ algorithm: 'aes-256-gcm-stream', keyId: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown });
    const stored = readFileSync(taken.path);
    expect(stored.subarray(0, 8).toString('latin1')).toBe('DBSAFENC');
    expect(stored.includes(Buffer.from(SECRET_ROW))).toBe(false);
    expect(stored.includes(Buffer.from('SQLite format 3'))).toBe(false);
    expect(statSync(taken.path).mode & 0o777).toBe(0o600);
    const manifestText = readFileSync(path.join(p.backups, `${taken.id}.json`), 'utf8');
    expect(manifestText).not.toContain(readFileSync(key, 'utf8').trim());
    expect(leftovers(p)).toEqual([]);

    const table = await p.cli(['list']);
    expect(table.stdout.split('\n')[0]).toMatch(/VERIFIED\s+ENCRYPTED\s+KEPT$/);
    expect(table.stdout.split('\n')[1]).toMatch(/yes\s+old format\s+newest 10$/);
    const json = JSON.parse((await p.cli(['list', '--json'])).stdout) as Array<{ encrypted: boolean; path: string }>;
    expect(json).toEqual([expect.objectContaining({ encrypted: true, path: taken.path })]);

    const verified = await p.cli(['verify']);
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toContain(`Backup ${taken.id}: checksum ok; restored into a scratch database: 1 tables, 3 rows.`);
    expect(leftovers(p)).toEqual([]);

    const health = JSON.parse((await p.cli(['health', '--json'])).stdout) as { healthy: boolean; checks: Array<{ name: string; ok: boolean }> };
    expect(health.checks.find((c) => c.name === 'intact')).toEqual(expect.objectContaining({ ok: true }));
    expect(leftovers(p)).toEqual([]);

    sqlite(db.file, "DELETE FROM notes; CREATE TABLE made_later (x INTEGER);");
    // --mode dump: a safety copy as a file (by default the replaced file is kept beside the database instead).
    const restored = await p.cli(['restore', '--yes', '--mode', 'dump']);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(sqlite(db.file, 'SELECT group_concat(body, \',\') FROM notes ORDER BY id')).toBe(`${SECRET_ROW},two,three`);
    expect(sqlite(db.file, "SELECT count(*) FROM sqlite_master WHERE name = 'made_later'")).toBe('0');
    expect(leftovers(p)).toEqual([]);
    // The safety backup taken before the restore is encrypted too.
    expect(p.manifests().map((m) => m.file as string).every((f) => f.endsWith('.sqlite.enc'))).toBe(true);
  });

  it('refuses a key file that others can read, with the chmod fix, and writes nothing', async () => {
    const db = sqliteDatabase();
    const key = keyFile(0o644);
    const p = project(db.url, { encryption: { keyFile: key } });
    const result = await p.cli(['backup']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`can be read by other users (mode 0644)`);
    expect(result.stderr).toContain(`chmod 600 ${key}`);
    expect(result.stderr).not.toContain(readFileSync(key, 'utf8').trim());
    expect(p.manifests()).toEqual([]);
    expect(leftovers(p)).toEqual([]);
  });

  it('refuses a key file inside the project, relative to it', async () => {
    const db = sqliteDatabase();
    const p = project(db.url, { encryption: { keyFile: 'secrets/backup.key' } });
    mkdirSync(path.join(p.dir, 'secrets'));
    writeFileSync(path.join(p.dir, 'secrets/backup.key'), `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const result = await p.cli(['backup']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path.join(p.dir, 'secrets/backup.key')} lies inside the project directory ${p.dir}`);
    expect(result.stderr).toContain('~/.config/dbsafe/backup.key');
    expect(p.manifests()).toEqual([]);
  });

  it('a missing key file says how to create one (~ is the home directory); a malformed one is never echoed', async () => {
    const db = sqliteDatabase();
    const home = tempDir('dbsafe-home-');
    cleanups.push(home.cleanup);
    const p = project(db.url, { encryption: { keyFile: '~/.config/dbsafe/backup.key' } });
    const missing = await p.cli(['backup'], { HOME: home.dir });
    expect(missing.code).toBe(2);
    const file = path.join(home.dir, '.config/dbsafe/backup.key');
    expect(missing.stderr).toContain(`the key file ${file} does not exist`);
    expect(missing.stderr).toContain(`head -c 32 /dev/urandom | base64 > ${file} && chmod 600 ${file}`);

    // Following the advice works.
    execFileSync('sh', ['-c', `mkdir -p ${path.dirname(file)} && head -c 32 /dev/urandom | base64 > ${file} && chmod 600 ${file}`]);
    expect((await p.cli(['backup'], { HOME: home.dir })).code).toBe(0);

    writeFileSync(file, 'not-a-key-but-a-secret-password\n', { mode: 0o600 });
    const malformed = await p.cli(['backup'], { HOME: home.dir });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('does not hold a dbsafe key');
    expect(malformed.stderr).not.toContain('secret-password');

    const badEnv = await p.cli(['backup'], { HOME: home.dir, DBSAFE_BACKUP_KEY: 'hunter2-hunter2' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('DBSAFE_BACKUP_KEY is set but does not hold a dbsafe key');
    expect(badEnv.stderr).not.toContain('hunter2');
  });

  it('a bad "encryption" value is a configuration error naming the key', async () => {
    const db = sqliteDatabase();
    const p = project(db.url, { encryption: { keyfile: '/tmp/x' } });
    const result = await p.cli(['backup']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"encryption" has an unknown key "keyfile"');
  });

  it('DBSAFE_BACKUP_KEY wins over the key file; an unencrypted backup still restores; no key names the setting', async () => {
    const db = sqliteDatabase();
    const p = project(db.url, {});
    const plain = await backup(p);
    expect(plain.file).toBe(`${plain.id}.sqlite`);
    expect(plain.encryption).toBeUndefined();

    // Switch encryption on: the file need not exist when the variable holds the key.
    const envKey = randomBytes(32).toString('base64');
    setConfig(p, { encryption: { keyFile: '/nonexistent/dbsafe/backup.key' } });
    sqlite(db.file, "DELETE FROM notes WHERE body = 'two'");
    const restored = await p.cli(['restore', plain.id, '--yes', '--mode', 'dump'], { DBSAFE_BACKUP_KEY: envKey });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(sqlite(db.file, 'SELECT count(*) FROM notes')).toBe('3');
    const safety = p.manifests().find((m) => m.trigger === 'pre-restore')!;
    expect(safety.file).toMatch(/\.sqlite\.enc$/);

    // Encryption switched off again and no key: the encrypted backup cannot be read, and the message says which setting.
    setConfig(p, {});
    const noKey = await p.cli(['restore', safety.id as string, '--yes']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('is encrypted, and no key is configured to read it');
    expect(noKey.stderr).toContain('"encryption": {"keyFile"');
    // Health does not call it damaged.
    const health = JSON.parse((await p.cli(['health', '--json'])).stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
    const intact = health.checks.find((c) => c.name === 'intact')!;
    expect(intact.detail).toContain('(this is not damage)');
    expect(intact.detail).not.toContain('damaged');
    // The key from the environment alone reads it.
    const withEnv = await p.cli(['verify', safety.id as string], { DBSAFE_BACKUP_KEY: envKey });
    expect(withEnv.code).toBe(0);
    expect(leftovers(p)).toEqual([]);
  });
});

describe('encrypted backups: PostgreSQL', () => {
  let db: TestDatabase;
  const tables = () => psql("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'", db.name);
  const checksum = () => psql("SELECT md5(string_agg(x::text, ',' ORDER BY x.id)) FROM items x", db.name);

  function pgProject(): BackupProject {
    db = createPostgresDatabase();
    cleanups.push(() => db.drop());
    psql(
      `CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items(name) SELECT 'item ' || g FROM generate_series(1, 3000) g; INSERT INTO items(name) VALUES ('${SECRET_ROW}')`,
      db.name,
    );
    return project(db.url, { encryption: { keyFile: keyFile() } });
  }

  it('round trip: encrypted on disk, damaged database restored exactly, verify restores a scratch copy', async () => {
    const p = pgProject();
    const before = checksum();
    const taken = await backup(p);
    expect(taken.file).toBe(`${taken.id}.dump.enc`);
    const stored = readFileSync(taken.path);
    expect(stored.includes(Buffer.from('PGDMP'))).toBe(false);
    expect(stored.includes(Buffer.from(SECRET_ROW))).toBe(false);
    expect(leftovers(p)).toEqual([]);

    psql("DELETE FROM items WHERE id > 10; UPDATE items SET name = 'x'; CREATE TABLE made_later (x int)", db.name);
    const restored = await p.cli(['restore', '--yes']);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(checksum()).toBe(before);
    expect(tables()).toBe('items');
    expect(leftovers(p)).toEqual([]);

    const verified = await p.cli(['verify', taken.id, '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toEqual(expect.objectContaining({ checksum: 'ok', restore: 'ok', totalRows: 3001 }));
    expect(leftovers(p)).toEqual([]);
  });

  it('another key (a different DBSAFE_BACKUP_KEY) is refused before the database is touched', async () => {
    const p = pgProject();
    const taken = await backup(p);
    psql('CREATE TABLE made_later (x int)', db.name);
    const result = await p.cli(['restore', taken.id, '--yes'], { DBSAFE_BACKUP_KEY: randomBytes(32).toString('base64') });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`was encrypted with another key (key id ${taken.encryption!.keyId})`);
    expect(result.stderr).toContain('from DBSAFE_BACKUP_KEY');
    expect(tables()).toBe('items,made_later');
    expect(p.manifests()).toHaveLength(1);
    const verify = await p.cli(['verify', taken.id], { DBSAFE_BACKUP_KEY: randomBytes(32).toString('base64') });
    expect(verify.code).toBe(2);
    expect(leftovers(p)).toEqual([]);
  });

  it('a truncated file and a flipped byte are refused before the database is touched, even when the manifest was made to agree', async () => {
    const p = pgProject();
    const taken = await backup(p);
    psql('CREATE TABLE made_later (x int)', db.name);
    const original = readFileSync(taken.path);

    // As stored: the checksum catches it first.
    const flipped = Buffer.from(original);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x01;
    writeFileSync(taken.path, flipped);
    const byChecksum = await p.cli(['restore', taken.id, '--yes']);
    expect(byChecksum.code).toBe(1);
    expect(byChecksum.stderr).toContain('its sha256 is');

    // With the manifest rewritten, authentication catches it.
    rewriteManifestFor(p, taken);
    const byTag = await p.cli(['restore', taken.id, '--yes']);
    expect(byTag.code).toBe(1);
    expect(byTag.stderr).toContain(`The encrypted backup file ${taken.path} is damaged: a part of it fails its authentication check`);
    expect(byTag.stderr).toContain('Nothing was changed in the database');

    // Cut at a record boundary (header 29 bytes, records of 64 KiB + 16).
    writeFileSync(taken.path, original);
    truncateSync(taken.path, 29 + (64 * 1024 + 16));
    rewriteManifestFor(p, taken);
    const cut = await p.cli(['restore', taken.id, '--yes']);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain('is damaged');

    expect(tables()).toBe('items,made_later');
    expect(p.manifests()).toHaveLength(1);
    expect(leftovers(p)).toEqual([]);
    const health = JSON.parse((await p.cli(['health', '--json'])).stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
    expect(health.checks.find((c) => c.name === 'intact')).toEqual(expect.objectContaining({ ok: false, detail: expect.stringContaining('is damaged') as unknown }));
  });

  it('Ctrl-C mid-restore: the decrypted temporary file is removed with everything else', async () => {
    db = createPostgresDatabase();
    cleanups.push(() => db.drop());
    psql("CREATE TABLE big (id int PRIMARY KEY, a text, b text); INSERT INTO big SELECT g, md5(g::text), md5(random()::text) FROM generate_series(1, 300000) g", db.name);
    const key = keyFile();
    const p = project(db.url, { encryption: { keyFile: key } });
    await backup(p);
    psql('CREATE TABLE made_later (x int)', db.name);
    const { child, exited, stderr } = await restoreUntilItsCopyExists(p.dir, db.url, db.name);
    expect(p.files().some((f) => f.includes('.decrypted.partial-')), 'the plaintext is in a temporary file while pg_restore reads it').toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr()).toContain('Interrupted (SIGINT)');
    expect(psql("SELECT to_regclass('made_later') IS NOT NULL", db.name)).toBe('t');
    expect(leftovers(p)).toEqual([]);
  });
});
