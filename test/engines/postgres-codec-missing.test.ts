import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isDbsafeError } from '../../src/errors.js';
import { findBackup, restoreBackup } from '../../src/store/restore-backup.js';
import { takeBackup } from '../../src/store/take-backup.js';
import type { BackupStore } from '../../src/store/store.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import { tempDir } from '../helpers/cli.js';
import { createPostgresDatabase, psql, type TestDatabase } from '../helpers/databases.js';

/** The one thing not real here: whether the codec's program is installed (hiding /usr/bin/zstd would hide it from every process on the machine). */
const hidden = vi.hoisted(() => ({ programs: new Set<string>() }));
vi.mock('../../src/engines/tools.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/engines/tools.js')>();
  return {
    ...original,
    findTool: (...args: Parameters<typeof original.findTool>) => (args[0].some((name) => hidden.programs.has(name)) ? null : original.findTool(...args)),
  };
});

describe('PostgreSQL backups when the codec program is missing', () => {
  let db: TestDatabase;
  let store: BackupStore;
  let cleanup: () => void;

  beforeAll(() => {
    db = createPostgresDatabase();
    psql('CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000) g', db.name);
    const temp = tempDir();
    cleanup = temp.cleanup;
    store = { projectRoot: temp.dir, dir: path.join(temp.dir, 'backups'), retention: 10, lockWaitMs: 5000 };
  });
  afterAll(() => {
    hidden.programs.clear();
    db.drop();
    cleanup();
  });

  const target = () => parseDatabaseUrl(db.url, { kind: 'env', name: 'DATABASE_URL' }, store.projectRoot);

  it('refuses to restore a zstd backup, naming the package, and leaves the database as it was', async () => {
    const manifest = await takeBackup({ ...store, compression: { codec: 'zstd' } }, target(), { trigger: 'manual' });
    psql("UPDATE t SET v = 'changed' WHERE id = 1", db.name);
    hidden.programs.add('zstd');
    try {
      const failure = await restoreBackup(store, target(), await findBackup(store, manifest.id, target())).catch((e: unknown) => e);
      expect(isDbsafeError(failure) && failure.code).toBe('tool-missing');
      expect((failure as Error).message).toMatch(/zstd was not found .*read this backup, which is compressed with zstd.*apt-get install zstd/s);
      expect(psql('SELECT v FROM t WHERE id = 1', db.name)).toBe('changed');
    } finally {
      hidden.programs.delete('zstd');
    }
  });

  it('falls back to gzip when nothing is configured and zstd is missing', async () => {
    hidden.programs.add('zstd');
    try {
      const manifest = await takeBackup(store, target(), { trigger: 'manual' });
      expect(manifest.compression).toBe('gzip -1');
    } finally {
      hidden.programs.delete('zstd');
    }
  });

  it('refuses a backup when the configured codec is missing, naming the package', async () => {
    hidden.programs.add('lz4');
    try {
      const failure = await takeBackup({ ...store, compression: { codec: 'lz4' } }, target(), { trigger: 'manual' }).catch((e: unknown) => e);
      expect(isDbsafeError(failure) && failure.code).toBe('tool-missing');
      expect((failure as Error).message).toMatch(/lz4 was not found .*compress backups with lz4 .*apt-get install lz4/s);
    } finally {
      hidden.programs.delete('lz4');
    }
  });
});
