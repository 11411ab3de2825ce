import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archive } from '../../src/engines/postgres/archive.js';
import type { CodecName } from '../../src/engines/compression-setting.js';
import { isDbsafeError } from '../../src/errors.js';
import { findBackup, restoreBackup } from '../../src/store/restore-backup.js';
import { takeBackup } from '../../src/store/take-backup.js';
import type { Manifest } from '../../src/store/manifest.js';
import type { BackupStore } from '../../src/store/store.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import { tempDir } from '../helpers/cli.js';
import { createPostgresDatabase, PG, psql, type TestDatabase } from '../helpers/databases.js';

const SCHEMA = `
CREATE TABLE readings (id serial PRIMARY KEY, amount bigint, label text, raw bytea);
INSERT INTO readings(amount, label, raw)
  SELECT (g * 7919) % 100003, md5(g::text) || ' Zoë 🚀', decode(md5((g * 3)::text), 'hex') FROM generate_series(1, 20000) g;
CREATE TABLE notes (id serial PRIMARY KEY, body text);
INSERT INTO notes(body) SELECT repeat('ß', g % 50) FROM generate_series(1, 500) g;
`;

function tableChecksums(database: string): Record<string, string> {
  return Object.fromEntries(['readings', 'notes'].map((t) => [t, psql(`SELECT md5(string_agg(x::text, ',' ORDER BY x.id)) FROM ${t} x`, database)]));
}

/** First bytes of each codec's stream; a bare custom-format archive starts with PGDMP. */
const HEADS: Record<CodecName, string> = { zstd: '28b52ffd', lz4: '04224d18', gzip: '1f8b', none: Buffer.from('PGDMP').toString('hex') };

describe('PostgreSQL backups compressed in the stream', () => {
  let db: TestDatabase;
  let store: BackupStore;
  let cleanup: () => void;
  let before: Record<string, string>;

  beforeAll(() => {
    db = createPostgresDatabase();
    psql(SCHEMA, db.name);
    before = tableChecksums(db.name);
    const temp = tempDir();
    cleanup = temp.cleanup;
    store = { projectRoot: temp.dir, dir: path.join(temp.dir, 'backups'), retention: 50, lockWaitMs: 5000 };
  });
  afterAll(() => {
    db.drop();
    cleanup();
  });

  const target = () => parseDatabaseUrl(db.url, { kind: 'env', name: 'DATABASE_URL' }, store.projectRoot);

  it.each([
    ['zstd', 'zstd -3', { codec: 'zstd', level: 3 }],
    ['lz4', 'lz4 -1', { codec: 'lz4' }],
    ['gzip', 'gzip -1', { codec: 'gzip' }],
    ['none', 'none', { codec: 'none' }],
  ] as const)('round trip with %s: the manifest records the codec and the checksum covers the stored bytes', async (codec, recorded, setting) => {
    const manifest = await takeBackup({ ...store, compression: setting }, target(), { trigger: 'manual' });
    expect(manifest.compression).toBe(recorded);
    const stored = readFileSync(path.join(store.dir, manifest.file));
    expect(stored.subarray(0, HEADS[codec].length / 2).toString('hex')).toBe(HEADS[codec]);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(manifest.sha256);
    expect(manifest.size).toBe(stored.length);

    psql('DELETE FROM readings WHERE id % 3 = 0; DROP TABLE notes', db.name);
    await restoreBackup(store, target(), await findBackup(store, manifest.id, target()));
    expect(tableChecksums(db.name)).toEqual(before);
    const counts = await archive.scratchRestore(target(), path.join(store.dir, manifest.file));
    expect(counts.tables.find((t) => t.name === 'readings')?.rows).toBe(20000);
  });

  it('uses zstd -1 when nothing is configured (zstd is installed here)', async () => {
    const manifest = await takeBackup(store, target(), { trigger: 'manual' });
    expect(manifest.compression).toBe('zstd -1');
  });

  it('restores a backup made the old way (pg_dump --compress=1, no codec in the manifest)', async () => {
    const id = `${db.name}_20250101_000000`;
    const file = path.join(store.dir, `${id}.dump`);
    execFileSync('pg_dump', ['-h', PG.host, '-p', String(PG.port), '-U', PG.user, '-d', db.name, '--format=custom', '--compress=1', '-f', file]);
    const bytes = readFileSync(file);
    const manifest: Omit<Manifest, 'compression'> = {
      manifestVersion: 1, id, file: `${id}.dump`, engine: 'postgres', database: db.name, location: `${PG.host}:${PG.port}`, user: PG.user,
      size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), clientTool: 'pg_dump 15', serverVersion: 'PostgreSQL 15',
      trigger: 'manual', label: null, git: null, createdAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:00:01.000Z', verified: true, dbsafeVersion: '0.1.0',
    };
    writeFileSync(path.join(store.dir, `${id}.json`), JSON.stringify(manifest));

    psql('TRUNCATE readings', db.name);
    const backup = await findBackup(store, id, target());
    expect(backup.manifest.compression).toBeUndefined();
    await archive.checkArchive(backup.file);
    await restoreBackup(store, target(), backup);
    expect(tableChecksums(db.name)).toEqual(before);
  });

  it('refuses a damaged compressed stream in its codec and leaves the database as it was', async () => {
    const manifest = await takeBackup({ ...store, compression: { codec: 'zstd' } }, target(), { trigger: 'manual' });
    const whole = readFileSync(path.join(store.dir, manifest.file));
    const cut = path.join(store.projectRoot, 'cut.dump');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.7)));
    psql('CREATE TABLE only_now (x int)', db.name);
    const current = tableChecksums(db.name);

    const failure = await archive.restore(target(), cut).catch((e: unknown) => e);
    expect(isDbsafeError(failure) && failure.code).toBe('postgres-decompression-failed');
    expect((failure as Error).message).toMatch(/zstd cannot decompress .*cut\.dump, so the database was left exactly as it was/s);
    expect(tableChecksums(db.name)).toEqual(current);
    expect(psql("SELECT to_regclass('only_now') IS NOT NULL", db.name)).toBe('t');
    psql('DROP TABLE only_now', db.name);
  });
});
