import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { createMariaDatabase, createPostgresDatabase, mariadb, psql } from '../helpers/databases.js';
import { backupProject, startUntil, type BackupProject } from './backup-project.js';

/**
 * age-encrypted backups end to end: the real CLI, real databases, keys made
 * by the real `age-keygen`, and the real `age` tool reading what dbsafe wrote.
 */

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const SECRET = `secret-row-${randomBytes(6).toString('hex')}`;

/** A fresh age identity (age-keygen) in its own directory outside any project; its public key. */
function ageIdentity(mode = 0o600): { file: string; recipient: string } {
  const temp = tempDir('dbsafe-age-key-');
  cleanups.push(temp.cleanup);
  const file = path.join(temp.dir, 'key.txt');
  execFileSync('age-keygen', ['-o', file], { stdio: 'ignore' });
  chmodSync(file, mode);
  return { file, recipient: execFileSync('age-keygen', ['-y', file], { encoding: 'utf8' }).trim() };
}

function project(url: string, config: Record<string, unknown>): BackupProject {
  const p = backupProject(url, config);
  cleanups.push(() => p.cleanup());
  return p;
}

interface Taken {
  id: string;
  file: string;
  path: string;
  encryption?: { algorithm: string; recipients: string[]; plainSha256: string; plainSize: number; checkedBeforeEncryption: boolean; keyId?: string };
}

async function backup(p: BackupProject, env: Record<string, string> = {}): Promise<Taken> {
  const result = await p.cli(['backup', '--json'], env);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Taken;
}

const leftovers = (p: BackupProject) => p.files().filter((f) => f.startsWith('.') && !f.endsWith('.lock'));

/** The plaintext archive as the `age` command-line tool decrypts it. */
const ageDecrypt = (identity: string, file: string) => execFileSync('age', ['-d', '-i', identity, file], { maxBuffer: 1 << 28 });

/** Everything the user sees must state which recipient the backup is for, and never an identity. */
function expectNoSecretKey(text: string, identityFile: string): void {
  const secret = readFileSync(identityFile, 'utf8').match(/AGE-SECRET-KEY-1\S+/)![0];
  expect(text).not.toContain(secret);
}

describe('age backups: PostgreSQL', () => {
  it('streams encrypted (no plaintext on disk), restores identically with --identity, and `age -d` gives a valid pg_dump archive', async () => {
    const db = createPostgresDatabase();
    cleanups.push(() => db.drop());
    psql(`CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items(name) SELECT 'item ' || g FROM generate_series(1, 5000) g; INSERT INTO items(name) VALUES ('${SECRET}')`, db.name);
    const checksum = () => psql("SELECT md5(string_agg(x::text, ',' ORDER BY x.id)) FROM items x", db.name);
    const before = checksum();
    const key = ageIdentity();
    const p = project(db.url, { encryption: { recipients: [key.recipient] } });

    const taken = await backup(p);
    expect(taken.file).toBe(`${taken.id}.dump.age`);
    expect(taken.encryption).toEqual(expect.objectContaining({ algorithm: 'age', recipients: [key.recipient], checkedBeforeEncryption: false }));
    const stored = readFileSync(taken.path);
    expect(stored.subarray(0, 22).toString('latin1')).toBe('age-encryption.org/v1\n');
    expect(stored.includes(Buffer.from(SECRET))).toBe(false);
    expect(stored.includes(Buffer.from('PGDMP'))).toBe(false);
    expect(statSync(taken.path).mode & 0o777).toBe(0o600);
    expectNoSecretKey(readFileSync(path.join(p.backups, `${taken.id}.json`), 'utf8'), key.file);
    expect(leftovers(p)).toEqual([]);

    // The same file, opened without dbsafe: a zstd stream (the default codec) of a pg_dump archive pg_restore reads, holding the secret row.
    const compressed = ageDecrypt(key.file, taken.path);
    expect(compressed.subarray(0, 4).toString('hex')).toBe('28b52ffd');
    const plain = execFileSync('zstd', ['-dc'], { input: compressed, maxBuffer: 1 << 26 });
    expect(plain.subarray(0, 5).toString('latin1')).toBe('PGDMP');
    expect(execFileSync('pg_restore', ['--list'], { input: plain, encoding: 'utf8' })).toMatch(/TABLE DATA public items/);
    expect(execFileSync('pg_restore', ['--data-only', '--table=items', '-f', '-'], { input: plain, encoding: 'utf8' })).toContain(SECRET);

    psql("DELETE FROM items WHERE id > 10; UPDATE items SET name = 'x'; CREATE TABLE made_later (x int)", db.name);
    const restored = await p.cli(['restore', '--yes', '--identity', key.file]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(checksum()).toBe(before);
    expect(psql("SELECT count(*) FROM pg_tables WHERE tablename = 'made_later'", db.name)).toBe('0');
    expect(leftovers(p)).toEqual([]);

    // This machine holds only the recipient: health checks what it can, and says so.
    const health = JSON.parse((await p.cli(['health', '--json'])).stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
    expect(health.checks.find((c) => c.name === 'intact')).toEqual(expect.objectContaining({ ok: true, detail: expect.stringContaining('it was not decrypted, as this machine has no identity') as unknown }));
    const withIdentity = JSON.parse((await p.cli(['health', '--json', '--identity', key.file])).stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
    expect(withIdentity.checks.find((c) => c.name === 'intact')).toEqual(expect.objectContaining({ ok: true, detail: expect.stringContaining("the engine's own tool reads it") as unknown }));

    const verified = await p.cli(['verify', taken.id, '--json'], { DBSAFE_AGE_IDENTITY_FILE: key.file });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toEqual(expect.objectContaining({ checksum: 'ok', restore: 'ok', totalRows: 5001 }));
    expect(leftovers(p)).toEqual([]);
  });

  it('bad input: no identity, the wrong identity, an identity others can read or inside the project, an invalid recipient — nothing changed', async () => {
    const db = createPostgresDatabase();
    cleanups.push(() => db.drop());
    psql('CREATE TABLE items (id int); INSERT INTO items VALUES (1), (2)', db.name);
    const key = ageIdentity();
    const p = project(db.url, { encryption: { recipients: [key.recipient] } });
    const taken = await backup(p);
    psql('INSERT INTO items VALUES (3)', db.name);
    const rows = () => psql('SELECT count(*) FROM items', db.name);

    const none = await p.cli(['restore', taken.id, '--yes']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`is encrypted with age (to ${key.recipient}) and no identity is given`);
    expect(none.stderr).toContain('--identity FILE');

    const other = ageIdentity();
    const wrong = await p.cli(['restore', taken.id, '--yes', '--identity', other.file]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`The age identity ${other.file} is not one of the recipients`);
    expect(wrong.stderr).toContain(key.recipient);
    expectNoSecretKey(wrong.stderr, other.file);

    const open = ageIdentity(0o644);
    const tooOpen = await p.cli(['verify', taken.id, '--identity', open.file]);
    expect(tooOpen.code).toBe(2);
    expect(tooOpen.stderr).toContain('can be read by other users (mode 0644)');
    expect(tooOpen.stderr).toContain(`chmod 600 ${open.file}`);

    mkdirSync(path.join(p.dir, 'secrets'));
    const inside = path.join(p.dir, 'secrets', 'key.txt');
    writeFileSync(inside, readFileSync(key.file), { mode: 0o600 });
    const inProject = await p.cli(['restore', taken.id, '--yes'], { DBSAFE_AGE_IDENTITY_FILE: inside });
    expect(inProject.code).toBe(2);
    expect(inProject.stderr).toContain(`lies inside the project directory ${p.dir}`);
    expect(inProject.stderr).toContain('DBSAFE_AGE_IDENTITY_FILE');
    expect(rows()).toBe('3');

    writeFileSync(path.join(p.dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, dbsafe: { encryption: { recipients: [`${key.recipient.slice(0, -1)}${key.recipient.endsWith('q') ? 'p' : 'q'}`] } } }));
    const before = p.manifests().length;
    const invalid = await p.cli(['backup']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/is not a valid age public key/);
    expect(invalid.stderr).toContain('age-keygen -y');
    expect(p.manifests()).toHaveLength(before);
    expect(leftovers(p)).toEqual([]);
  });
});

describe('age backups: MariaDB', () => {
  it('round trip through dbsafe, and `age -d` gives the mariadb-dump SQL', async () => {
    const db = createMariaDatabase();
    cleanups.push(() => db.drop());
    mariadb(`CREATE TABLE notes (id INT PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, '${SECRET}'), (2, 'two')`, db.name);
    const key = ageIdentity();
    const recipientsFile = path.join(path.dirname(key.file), 'recipients.txt');
    writeFileSync(recipientsFile, `# the team\n${key.recipient}\n`);
    const p = project(db.url, { encryption: { recipientsFile, identityFile: key.file } });
    const taken = await backup(p);
    expect(taken.file).toBe(`${taken.id}.sql.age`);
    expect(readFileSync(taken.path).includes(Buffer.from(SECRET))).toBe(false);
    const sql = ageDecrypt(key.file, taken.path).toString('utf8');
    expect(sql).toMatch(/^-- (MariaDB|MySQL) dump/m);
    expect(sql).toContain(SECRET);
    expect(sql.trimEnd().split('\n').pop()).toMatch(/^-- Dump completed/);

    mariadb("DELETE FROM notes; CREATE TABLE made_later (x INT)", db.name);
    const restored = await p.cli(['restore', '--yes']);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(mariadb('SELECT GROUP_CONCAT(body ORDER BY id) FROM notes', db.name)).toBe(`${SECRET},two`);
    expect(leftovers(p)).toEqual([]);
  });
});

describe('age backups: SQLite', () => {
  const sqlite = (file: string, sql: string) => execFileSync('sqlite3', ['-batch', file, sql], { encoding: 'utf8' }).trim();

  it('the file the backup API writes is encrypted and removed; restores identically; health checks it with the identity', async () => {
    const temp = tempDir('dbsafe-age-sqlite-');
    cleanups.push(temp.cleanup);
    const file = path.join(temp.dir, 'app_dev.sqlite');
    sqlite(file, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('${SECRET}'), ('two')`);
    const key = ageIdentity();
    const p = project(`sqlite:${file}`, { encryption: { recipients: [key.recipient], identityFile: key.file } });
    const taken = await backup(p);
    expect(taken.file).toBe(`${taken.id}.sqlite.age`);
    expect(taken.encryption?.checkedBeforeEncryption).toBe(true);
    expect(readFileSync(taken.path).includes(Buffer.from(SECRET))).toBe(false);
    expect(leftovers(p)).toEqual([]);
    const copy = path.join(temp.dir, 'copy.sqlite');
    writeFileSync(copy, ageDecrypt(key.file, taken.path));
    expect(sqlite(copy, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqlite(copy, 'SELECT body FROM notes WHERE id = 1')).toBe(SECRET);

    const health = JSON.parse((await p.cli(['health', '--json'])).stdout) as { checks: Array<{ name: string; ok: boolean }> };
    expect(health.checks.find((c) => c.name === 'intact')).toEqual(expect.objectContaining({ ok: true }));

    sqlite(file, 'DELETE FROM notes');
    const restored = await p.cli(['restore', '--yes']);
    expect(restored.code).toBe(0);
    expect(sqlite(file, "SELECT group_concat(body, ',') FROM notes ORDER BY id")).toBe(`${SECRET},two`);
    expect(leftovers(p)).toEqual([]);
  });

  it('an old-format backup (keyFile) still restores once age recipients are configured, and `list` says which is which', async () => {
    const temp = tempDir('dbsafe-age-old-');
    cleanups.push(temp.cleanup);
    const file = path.join(temp.dir, 'app_dev.sqlite');
    sqlite(file, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('old')");
    const keyDir = tempDir('dbsafe-age-oldkey-');
    cleanups.push(keyDir.cleanup);
    const keyFile = path.join(keyDir.dir, 'backup.key');
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const p = project(`sqlite:${file}`, { encryption: { keyFile } });
    const old = await backup(p);
    expect(old.file).toBe(`${old.id}.sqlite.enc`);

    const key = ageIdentity();
    writeFileSync(path.join(p.dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, dbsafe: { encryption: { keyFile, recipients: [key.recipient], identityFile: key.file } } }));
    sqlite(file, "INSERT INTO notes VALUES ('new')");
    const fresh = await backup(p);
    expect(fresh.file).toBe(`${fresh.id}.sqlite.age`);

    const table = (await p.cli(['list'])).stdout;
    expect(table).toMatch(new RegExp(`${fresh.id} .* age `));
    expect(table).toMatch(new RegExp(`${old.id} .* old format `));
    expect(table).toContain('Moving to age');

    const restored = await p.cli(['restore', old.id, '--yes']);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(sqlite(file, "SELECT group_concat(body, ',') FROM notes")).toBe('old');
    expect(leftovers(p)).toEqual([]);
  });
});

describe('age backups: plaintext after a SIGKILL', () => {
  it('the private directory a killed verify decrypted into does not survive the next `list`', async () => {
    const temp = tempDir('dbsafe-age-kill-');
    cleanups.push(temp.cleanup);
    const file = path.join(temp.dir, 'app_dev.sqlite');
    // About 30 MB, so that verify spends a moment with its plaintext on disk.
    execFileSync('sqlite3', [file, 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000) INSERT INTO notes SELECT x, hex(randomblob(64)) FROM n;']);
    const key = ageIdentity();
    const p = project(`sqlite:${file}`, { encryption: { recipients: [key.recipient], identityFile: key.file } });
    await backup(p);
    const privateDirs = () => p.files().filter((f) => f.includes('.private.partial-'));
    const { child, exited, found } = await startUntil(p.dir, `sqlite:${file}`, ['verify'], 'verify decrypting into its private directory', () =>
      privateDirs().find((dir) => {
        const inside = path.join(p.backups, dir);
        let names: string[] = [];
        try {
          names = readdirSync(inside);
        } catch {
          // Gone already: verify finished; the next poll fails the wait.
        }
        return names.some((name) => (statSync(path.join(inside, name), { throwIfNoEntry: false })?.size ?? 0) > 0);
      }),
    );
    expect(statSync(path.join(p.backups, found)).mode & 0o777).toBe(0o700);
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(path.join(p.backups, found)), 'SIGKILL left the plaintext behind (nothing of the process could run)').toBe(true);
    const list = await p.cli(['list']);
    expect(list.code).toBe(0);
    expect(privateDirs()).toEqual([]);
  });
});
