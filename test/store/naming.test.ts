import { describe, expect, it } from 'vitest';
import { backupDatabaseName, chooseBackupId, partialName, partialOwner, sanitizeName, timestampForName } from '../../src/store/naming.js';
import { parseManifest } from '../../src/store/manifest.js';

describe('backup names', () => {
  it.each([
    ['app_dev', 'app_dev'],
    ['my app/../../etc', 'my_app_.._.._etc'],
    ['../secret', 'secret'],
    ['Café-DB', 'Cafe-DB'],
    ['日本語', 'database'],
    ['', 'database'],
  ])('sanitizes %j to %j', (input, expected) => {
    expect(sanitizeName(input)).toBe(expected);
    expect(sanitizeName(input)).not.toContain('/');
  });

  it('files a SQLite database under its file name without extension', () => {
    expect(backupDatabaseName({ database: '/home/me/app/db/development.sqlite3' })).toBe('development');
    expect(backupDatabaseName({ database: 'orders' })).toBe('orders');
  });

  it('stamps names in UTC as YYYYMMDD_HHMMSS', () => {
    expect(timestampForName(new Date(Date.UTC(2026, 10, 4, 7, 5, 9)))).toBe('20261104_070509');
  });

  it('makes ids unique within one second', () => {
    const date = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const taken = new Set(['app_20260102_030405', 'app_20260102_030405_2']);
    expect(chooseBackupId('app', date, (id) => taken.has(id))).toBe('app_20260102_030405_3');
    expect(chooseBackupId('app', date, () => false)).toBe('app_20260102_030405');
  });

  it('round-trips the owner pid of temporary names and ignores other files', () => {
    expect(partialOwner(partialName('app_20260102_030405.dump', 4242))).toBe(4242);
    expect(partialOwner('app_20260102_030405.dump')).toBeNull();
    expect(partialOwner('.gitignore')).toBeNull();
  });
});

describe('parseManifest', () => {
  const good = {
    manifestVersion: 1,
    id: 'app_20260102_030405',
    file: 'app_20260102_030405.dump',
    engine: 'postgres',
    database: 'app',
    location: '127.0.0.1:5432',
    user: null,
    size: 10,
    sha256: 'b'.repeat(64),
    clientTool: 'pg_dump 15.20',
    serverVersion: 'PostgreSQL 15.20',
    trigger: 'manual',
    label: null,
    git: { branch: 'main', commit: null },
    createdAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:04:06.000Z',
    verified: true,
    dbsafeVersion: '0.1.0',
  };

  it('accepts a complete manifest', () => {
    expect(parseManifest(JSON.stringify(good))?.id).toBe(good.id);
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['a missing sha256', JSON.stringify({ ...good, sha256: undefined })],
    ['an unknown engine', JSON.stringify({ ...good, engine: 'oracle' })],
    ['an empty file', JSON.stringify({ ...good, size: 0 })],
    ['a file in another directory', JSON.stringify({ ...good, file: '../app_20260102_030405.dump' })],
    ['a file that is not <id>.<ext>', JSON.stringify({ ...good, file: 'audit.log' })],
    ['a log file named like the id', JSON.stringify({ ...good, file: 'app_20260102_030405.log' })],
    ['an unverified backup', JSON.stringify({ ...good, verified: false })],
  ])('rejects %s', (_name, text) => {
    expect(parseManifest(text)).toBeNull();
  });
});
