import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archive } from '../../src/engines/postgres/archive.js';
import { dropDatabaseInBackground, serverVersionOfServer } from '../../src/engines/postgres/databases.js';
import { recordScratchDatabase } from '../../src/engines/scratch-database.js';
import { isDbsafeError } from '../../src/errors.js';
import { restoreBackup, findBackup, listBackups } from '../../src/store/restore-backup.js';
import { takeBackup } from '../../src/store/take-backup.js';
import type { BackupStore } from '../../src/store/store.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import { readScratchRecords } from '../../src/engines/scratch-database.js';
import { tempDir } from '../helpers/cli.js';
import { createPostgresDatabase, psql, waitUntilNoDatabaseLike, type TestDatabase } from '../helpers/databases.js';

const SCHEMA = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE SEQUENCE invoice_numbers START 1000;
CREATE TABLE people (id serial PRIMARY KEY, name text NOT NULL, mood mood NOT NULL, photo bytea, updated_at timestamptz);
CREATE TABLE invoices (id bigint PRIMARY KEY DEFAULT nextval('invoice_numbers'), person_id int REFERENCES people(id), amount numeric(12,2), note text);
CREATE TABLE audit_trail (id serial PRIMARY KEY, person_id int, old_name text);
CREATE FUNCTION remember_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO audit_trail(person_id, old_name) VALUES (OLD.id, OLD.name); RETURN NEW; END $$;
CREATE TRIGGER people_rename AFTER UPDATE OF name ON people FOR EACH ROW EXECUTE FUNCTION remember_rename();
CREATE FUNCTION total_for(p int) RETURNS numeric LANGUAGE sql AS $$ SELECT coalesce(sum(amount), 0) FROM invoices WHERE person_id = p $$;
CREATE VIEW happy_people AS SELECT id, name FROM people WHERE mood = 'happy';
INSERT INTO people(name, mood, photo, updated_at)
  SELECT 'Zoë 北京 ' || g || ' 🚀', (ARRAY['sad','ok','happy'])[1 + g % 3]::mood, decode(md5(g::text) || '00ff', 'hex'), '2026-01-01'::timestamptz + g * interval '1 minute'
  FROM generate_series(1, 3000) g;
INSERT INTO invoices(person_id, amount, note) SELECT 1 + g % 3000, g * 1.25, repeat('ß', g % 7) FROM generate_series(1, 4000) g;
UPDATE people SET name = name || ' (renamed)' WHERE id <= 5;
`;

const TABLES = ['people', 'invoices', 'audit_trail'];

function tableChecksums(database: string): Record<string, string> {
  return Object.fromEntries(TABLES.map((t) => [t, psql(`SELECT md5(string_agg(x::text, ',' ORDER BY x.id)) FROM ${t} x`, database)]));
}

describe('PostgreSQL archive: back up, damage, restore', () => {
  let db: TestDatabase;
  let store: BackupStore;
  let cleanup: () => void;

  beforeAll(() => {
    db = createPostgresDatabase();
    psql(SCHEMA, db.name);
    psql(`ALTER DATABASE "${db.name}" SET dbsafe.environment = 'development'`);
    const temp = tempDir();
    cleanup = temp.cleanup;
    store = { projectRoot: temp.dir, dir: path.join(temp.dir, 'backups'), retention: 10, lockWaitMs: 5000 };
  });
  afterAll(() => {
    db.drop();
    cleanup();
  });

  it('returns the database to exactly the backed-up state', async () => {
    const target = parseDatabaseUrl(db.url, { kind: 'env', name: 'DATABASE_URL' }, store.projectRoot);
    const before = tableChecksums(db.name);
    const sequenceBefore = psql("SELECT last_value FROM invoice_numbers", db.name);
    const manifest = await takeBackup(store, target, { trigger: 'manual' });
    expect(manifest.clientTool).toMatch(/^pg_dump 15\./);

    psql('DROP TABLE invoices', db.name);
    psql("UPDATE people SET mood = 'sad', photo = NULL WHERE id % 2 = 0", db.name);
    psql('CREATE TABLE created_after_backup (x int)', db.name);
    psql("SELECT nextval('invoice_numbers') FROM generate_series(1, 50)", db.name);
    expect(psql("SELECT md5(string_agg(x::text, ',' ORDER BY x.id)) FROM people x", db.name)).not.toBe(before.people);

    const backup = await findBackup(store, manifest.id, target);
    const result = await restoreBackup(store, target, backup);
    expect(result.safetyBackup!.trigger).toBe('pre-restore');

    expect(tableChecksums(db.name)).toEqual(before);
    expect(psql("SELECT to_regclass('created_after_backup') IS NULL", db.name)).toBe('t');
    expect(psql('SELECT last_value FROM invoice_numbers', db.name)).toBe(sequenceBefore);
    // Functions, triggers, views and enums came back working, not just as rows.
    psql("UPDATE people SET name = 'x' WHERE id = 10", db.name);
    expect(psql('SELECT old_name FROM audit_trail ORDER BY id DESC LIMIT 1', db.name)).toBe('Zoë 北京 10 🚀');
    expect(Number(psql('SELECT count(*) FROM happy_people', db.name))).toBe(1000);
    expect(psql('SELECT total_for(1)', db.name)).not.toBe('0');
    expect(psql("SELECT enum_range(NULL::mood)::text", db.name)).toBe('{sad,ok,happy}');
    // The database-level marker is a property of the database, and survives the swap.
    expect(psql("SELECT setconfig::text FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database()", db.name)).toContain('dbsafe.environment=development');
    // No staging or retired copy is left behind (the retired one is dropped in the background).
    expect(await waitUntilNoDatabaseLike(`${db.name}\\_\\_dbsafe%`)).toBe(0);
    // The safety backup holds the damaged state: it has the table created after the backup.
    const counts = await archive.scratchRestore(target, path.join(store.dir, result.safetyBackup!.file));
    expect(counts.tables.map((t) => t.name)).toContain('created_after_backup');
    expect(counts.tables.map((t) => t.name)).not.toContain('invoices');
    expect((await listBackups(store)).map((b) => b.manifest.id)).toEqual([result.safetyBackup!.id, manifest.id]);
  });

  it('counts tables and rows in a scratch database and drops it', async () => {
    const target = parseDatabaseUrl(db.url, { kind: 'env', name: 'DATABASE_URL' }, store.projectRoot);
    const manifest = await takeBackup(store, target, { trigger: 'manual' });
    // Other runs on the shared server make scratch databases of their own: follow ours through its record.
    const ours = new Set<string>();
    const watch = setInterval(() => {
      for (const { record } of readScratchRecords()) if (record.pid === process.pid) ours.add(record.database);
    }, 5);
    const counts = await archive.scratchRestore(target, path.join(store.dir, manifest.file)).finally(() => clearInterval(watch));
    expect(counts.tables).toEqual([
      { name: 'audit_trail', rows: Number(psql('SELECT count(*) FROM audit_trail', db.name)) },
      { name: 'invoices', rows: 4000 },
      { name: 'people', rows: 3000 },
    ]);
    expect([...ours]).toEqual([expect.stringMatching(/^dbsafe_verify_[0-9a-f]+$/)]);
    expect(await waitUntilNoDatabaseLike([...ours][0]!.replace(/_/g, '\\_'))).toBe(0);
  });

  it('rejects a file that is not a custom-format archive, and a truncated one', async () => {
    const dirFile = path.join(store.projectRoot, 'plain.sql');
    writeFileSync(dirFile, 'CREATE TABLE x (id int);\n');
    const notArchive = await archive.checkArchive(dirFile).catch((e: unknown) => e);
    expect(isDbsafeError(notArchive) && notArchive.code).toBe('postgres-archive-invalid');

    const target = parseDatabaseUrl(db.url, { kind: 'env', name: 'DATABASE_URL' }, store.projectRoot);
    const manifest = await takeBackup(store, target, { trigger: 'manual' });
    const truncated = path.join(store.projectRoot, 'truncated.dump');
    writeFileSync(truncated, readFileSync(path.join(store.dir, manifest.file)).subarray(0, 200));
    const unreadable = await archive.checkArchive(truncated).catch((e: unknown) => e);
    expect(isDbsafeError(unreadable) && unreadable.code).toBe('postgres-archive-unreadable');
  });

  it('leaves the database untouched when pg_restore fails part-way', async () => {
    const target = parseDatabaseUrl(db.url, { kind: 'env', name: 'DATABASE_URL' }, store.projectRoot);
    // Uncompressed, so the cut reaches pg_restore (a cut compressed stream fails in its codec: postgres-compression.test.ts).
    const manifest = await takeBackup({ ...store, compression: { codec: 'none' } }, target, { trigger: 'manual' });
    // Cut inside the table data: the table of contents still reads, the restore dies half-way.
    const whole = readFileSync(path.join(store.dir, manifest.file));
    const cut = path.join(store.projectRoot, 'cut.dump');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.7)));
    await archive.checkArchive(cut);
    psql('CREATE TABLE only_in_current_state (x int)', db.name);
    const before = tableChecksums(db.name);

    const failure = await archive.restore(target, cut).catch((e: unknown) => e);
    expect(isDbsafeError(failure) && failure.code).toBe('postgres-restore-failed');
    expect((failure as Error).message).toMatch(/left exactly as it was/);
    expect(tableChecksums(db.name)).toEqual(before);
    expect(psql("SELECT to_regclass('only_in_current_state') IS NOT NULL", db.name)).toBe('t');
    expect(psql(`SELECT count(*) FROM pg_database WHERE datname LIKE '${db.name}__dbsafe%'`)).toBe('0');
  });

  it('drops a replaced database in the background with dropdb, and at once when dropdb cannot be found', async () => {
    const target = parseDatabaseUrl(db.url, { kind: 'env', name: 'DATABASE_URL' }, store.projectRoot);
    const server = await serverVersionOfServer(target);
    const [inBackground, inForeground] = [`${db.name}__dbsafe_old_0000aaaa`, `${db.name}__dbsafe_old_0000bbbb`];
    for (const name of [inBackground, inForeground]) psql(`CREATE DATABASE "${name}"`);
    const noDropdb = tempDir();
    const pinned = process.env.DBSAFE_PG_BIN;
    try {
      await dropDatabaseInBackground(target, inBackground, server);
      expect(await waitUntilNoDatabaseLike(inBackground.replace(/_/g, '\\_'))).toBe(0);

      process.env.DBSAFE_PG_BIN = noDropdb.dir;
      await dropDatabaseInBackground(target, inForeground, server);
      expect(psql(`SELECT count(*) FROM pg_database WHERE datname = '${inForeground}'`)).toBe('0');
    } finally {
      if (pinned === undefined) delete process.env.DBSAFE_PG_BIN;
      else process.env.DBSAFE_PG_BIN = pinned;
      noDropdb.cleanup();
      for (const name of [inBackground, inForeground]) psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  it('drops the copies a killed restore recorded, and never a copy it did not record', async () => {
    const state = tempDir();
    const savedState = process.env.HOME;
    process.env.HOME = state.dir;
    const target = parseDatabaseUrl(db.url, { kind: 'env', name: 'DATABASE_URL' }, store.projectRoot);
    const manifest = await takeBackup(store, target, { trigger: 'manual' });
    const staging = `${db.name}__dbsafe_restore_deadbeef`;
    const retired = `${db.name}__dbsafe_old_0badf00d`;
    const unrecorded = `${db.name}__dbsafe_restore_12345678`;
    const killed = { pid: spawnSync('true').pid!, processStart: null };
    for (const name of [staging, retired, unrecorded]) psql(`CREATE DATABASE "${name}"`);
    recordScratchDatabase(target, staging, 'restore staging', killed);
    recordScratchDatabase(target, retired, 'restore: the database it replaced', killed);
    try {
      await archive.restore(target, path.join(store.dir, manifest.file));
      // This restore's own retired copy goes in the background; the recorded ones went before it started.
      expect(psql(`SELECT count(*) FROM pg_database WHERE datname IN ('${staging}', '${retired}')`)).toBe('0');
      expect(await waitUntilNoDatabaseLike(`${db.name}\\_\\_dbsafe\\_old\\_%`)).toBe(0);
      const left = psql(`SELECT datname FROM pg_database WHERE datname LIKE '${db.name}%'`).split('\n').sort();
      expect(left).toEqual([db.name, unrecorded].sort());
    } finally {
      for (const name of [staging, retired, unrecorded]) psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      if (savedState === undefined) delete process.env.HOME;
      else process.env.HOME = savedState;
      state.cleanup();
    }
  });
});
