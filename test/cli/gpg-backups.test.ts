import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { createPostgresDatabase, psql } from '../helpers/databases.js';
import { backupProject, type BackupProject } from './backup-project.js';

/**
 * gpg-encrypted backups with the real gpg binary and a throw-away keyring
 * (GNUPGHOME in a temp dir, its agent stopped afterwards).
 */

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const SECRET = `gpg-secret-${randomBytes(6).toString('hex')}`;

/** A keyring holding one key without passphrase for `email`. */
function keyring(email: string): string {
  const temp = tempDir('dbsafe-gnupg-');
  const home = path.join(temp.dir, 'g');
  mkdirSync(home, { mode: 0o700 });
  cleanups.push(() => {
    execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home }, stdio: 'ignore' });
    temp.cleanup();
  });
  execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', `dbsafe test <${email}>`, 'default', 'default', 'never'], { env: { ...process.env, GNUPGHOME: home }, stdio: 'ignore' });
  return home;
}

function project(url: string, config: Record<string, unknown>): BackupProject {
  const p = backupProject(url, config);
  cleanups.push(() => p.cleanup());
  return p;
}

const leftovers = (p: BackupProject) => p.files().filter((f) => f.startsWith('.') && !f.endsWith('.lock'));

describe('gpg backups', () => {
  it('PostgreSQL: encrypted to the gpg recipient in the stream, `gpg -d` gives the pg_dump archive, restores identically', async () => {
    const db = createPostgresDatabase();
    cleanups.push(() => db.drop());
    psql(`CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items(name) SELECT 'item ' || g FROM generate_series(1, 2000) g; INSERT INTO items(name) VALUES ('${SECRET}')`, db.name);
    const checksum = () => psql("SELECT md5(string_agg(x::text, ',' ORDER BY x.id)) FROM items x", db.name);
    const before = checksum();
    const home = keyring('team@example.com');
    const p = project(db.url, { encryption: { gpgRecipients: ['team@example.com'] } });

    const result = await p.cli(['backup', '--json'], { GNUPGHOME: home });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const taken = JSON.parse(result.stdout) as { id: string; file: string; path: string; encryption: Record<string, unknown> };
    expect(taken.file).toBe(`${taken.id}.dump.gpg`);
    expect(taken.encryption).toEqual(expect.objectContaining({ algorithm: 'gpg', recipients: ['team@example.com'] }));
    expect(readFileSync(taken.path).includes(Buffer.from(SECRET))).toBe(false);
    expect(readFileSync(taken.path).includes(Buffer.from('PGDMP'))).toBe(false);
    expect(leftovers(p)).toEqual([]);
    // A zstd stream (the default codec) of a pg_dump archive.
    const compressed = execFileSync('gpg', ['--batch', '--quiet', '--decrypt', taken.path], { env: { ...process.env, GNUPGHOME: home }, maxBuffer: 1 << 26 });
    expect(compressed.subarray(0, 4).toString('hex')).toBe('28b52ffd');
    const plain = execFileSync('zstd', ['-dc'], { input: compressed, maxBuffer: 1 << 26 });
    expect(plain.subarray(0, 5).toString('latin1')).toBe('PGDMP');
    expect(execFileSync('pg_restore', ['--list'], { input: plain, encoding: 'utf8' })).toMatch(/TABLE DATA public items/);

    psql("DELETE FROM items WHERE id > 5; CREATE TABLE made_later (x int)", db.name);
    const restored = await p.cli(['restore', '--yes'], { GNUPGHOME: home });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(checksum()).toBe(before);
    expect(leftovers(p)).toEqual([]);

    // A keyring without the secret key: refused before the database is touched.
    const stranger = keyring('someone-else@example.com');
    psql('CREATE TABLE made_after (x int)', db.name);
    const refused = await p.cli(['restore', taken.id, '--yes'], { GNUPGHOME: stranger });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`gpg could not decrypt the backup ${taken.path}`);
    expect(refused.stderr).toContain('gpg --list-secret-keys');
    expect(psql("SELECT count(*) FROM pg_tables WHERE tablename = 'made_after'", db.name)).toBe('1');
    expect(leftovers(p)).toEqual([]);
  });

  it('SQLite: a recipient missing from the keyring stops the backup (nothing written); gpg not installed names the package', async () => {
    const temp = tempDir('dbsafe-gpg-sqlite-');
    cleanups.push(temp.cleanup);
    const file = path.join(temp.dir, 'app.sqlite');
    execFileSync('sqlite3', [file, `CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('${SECRET}')`]);
    const home = keyring('team@example.com');
    const p = project(`sqlite:${file}`, { encryption: { gpgRecipients: ['nobody@example.com'] } });
    const missing = await p.cli(['backup'], { GNUPGHOME: home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('gpg could not encrypt the backup to nobody@example.com');
    expect(missing.stderr).toContain('gpg --import');
    expect(p.manifests()).toEqual([]);
    expect(leftovers(p)).toEqual([]);

    // PATH with node and sqlite3 only: no gpg anywhere dbsafe looks.
    const bin = path.join(temp.dir, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'node'));
    symlinkSync(execFileSync('sh', ['-c', 'command -v sqlite3'], { encoding: 'utf8' }).trim(), path.join(bin, 'sqlite3'));
    writeFileSync(path.join(p.dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, dbsafe: { encryption: { gpgRecipients: ['team@example.com'] } } }));
    const noGpg = await p.cli(['backup'], { GNUPGHOME: home, PATH: bin });
    expect(noGpg.code).toBe(2);
    expect(noGpg.stderr).toContain('apt-get install gnupg');
    expect(p.manifests()).toEqual([]);

    const ok = await p.cli(['backup', '--json'], { GNUPGHOME: home });
    expect(ok.code).toBe(0);
    sqlite3(file, 'DELETE FROM notes');
    const restored = await p.cli(['restore', '--yes'], { GNUPGHOME: home });
    expect(restored.code).toBe(0);
    expect(sqlite3(file, 'SELECT body FROM notes')).toBe(SECRET);
    expect(leftovers(p)).toEqual([]);
  });
});

function sqlite3(file: string, sql: string): string {
  return execFileSync('sqlite3', ['-batch', file, sql], { encoding: 'utf8' }).trim();
}
