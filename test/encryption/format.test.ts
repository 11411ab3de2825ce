import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  chunkNonce,
  DEFAULT_CHUNK_SIZE,
  encodeHeader,
  encryptedSize,
  HEADER_BYTES,
  keyIdOf,
  MAGIC,
  parseHeader,
  parseKeyText,
} from '../../src/encryption/format.js';
import { validateEncryptionConfig } from '../../src/encryption/config.js';
import { keyFileLocationProblem, resolveKeyFile } from '../../src/encryption/key.js';
import { backupFileName, backupIdOfFile } from '../../src/store/naming.js';
import { parseManifest } from '../../src/store/manifest.js';

const prefix = Buffer.from('01020304050607', 'hex');

describe('encryption header', () => {
  it('round-trips through encode and parse', () => {
    const bytes = encodeHeader({ chunkSize: 65536, noncePrefix: prefix, keyId: '00112233aabbccdd' });
    expect(bytes).toHaveLength(HEADER_BYTES);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('DBSAFENC');
    expect(parseHeader(bytes)).toEqual({ ok: true, header: { chunkSize: 65536, noncePrefix: prefix, keyId: '00112233aabbccdd' } });
  });

  it.each([
    ['a plain pg_dump archive', Buffer.from('PGDMP\x01\x0e\x00abcdefghijklmnopqrstuvwxyz'), 'not-encrypted'],
    ['an empty file', Buffer.alloc(0), 'not-encrypted'],
    ['a cut-off magic', MAGIC.subarray(0, 5), 'truncated'],
    ['a header cut short', encodeHeader({ chunkSize: 16, noncePrefix: prefix, keyId: '00112233aabbccdd' }).subarray(0, HEADER_BYTES - 1), 'truncated'],
  ])('tells %s apart', (_name, bytes, problem) => {
    expect(parseHeader(bytes)).toEqual({ ok: false, problem });
  });

  it('refuses an unknown version, an unknown algorithm and an absurd chunk size', () => {
    const good = encodeHeader({ chunkSize: 16, noncePrefix: prefix, keyId: '00112233aabbccdd' });
    const version = Buffer.from(good);
    version[8] = 2;
    expect(parseHeader(version)).toEqual({ ok: false, problem: 'unknown-version' });
    const algorithm = Buffer.from(good);
    algorithm[9] = 9;
    expect(parseHeader(algorithm)).toEqual({ ok: false, problem: 'unknown-algorithm' });
    const chunk = Buffer.from(good);
    chunk.writeUInt32BE(0xffffffff, 10);
    expect(parseHeader(chunk)).toEqual({ ok: false, problem: 'bad-chunk-size' });
    chunk.writeUInt32BE(0, 10);
    expect(parseHeader(chunk)).toEqual({ ok: false, problem: 'bad-chunk-size' });
  });

  it('will not encode a malformed header', () => {
    expect(() => encodeHeader({ chunkSize: 0, noncePrefix: prefix, keyId: '00112233aabbccdd' })).toThrow(RangeError);
    expect(() => encodeHeader({ chunkSize: 16, noncePrefix: Buffer.alloc(3), keyId: '00112233aabbccdd' })).toThrow(RangeError);
    expect(() => encodeHeader({ chunkSize: 16, noncePrefix: prefix, keyId: 'abcd' })).toThrow(RangeError);
  });
});

describe('chunk nonces', () => {
  it('are prefix | counter (big-endian) | last flag', () => {
    expect(chunkNonce(prefix, 0, false).toString('hex')).toBe('01020304050607' + '00000000' + '00');
    expect(chunkNonce(prefix, 258, true).toString('hex')).toBe('01020304050607' + '00000102' + '01');
    expect(chunkNonce(prefix, 2 ** 32 - 1, false).toString('hex')).toBe('01020304050607' + 'ffffffff' + '00');
  });

  it('differ between the last and a middle record of the same counter, and between counters', () => {
    const seen = new Set([0, 1, 2].flatMap((n) => [chunkNonce(prefix, n, false), chunkNonce(prefix, n, true)].map((b) => b.toString('hex'))));
    expect(seen.size).toBe(6);
  });

  it('refuse a counter past 32 bits', () => {
    expect(() => chunkNonce(prefix, 2 ** 32, false)).toThrow(RangeError);
    expect(() => chunkNonce(prefix, -1, false)).toThrow(RangeError);
  });
});

describe('keys', () => {
  it('parses 32 bytes of base64 on one line, surrounding whitespace ignored', () => {
    const key = randomBytes(32);
    expect(parseKeyText(`${key.toString('base64')}\n`)?.equals(key)).toBe(true);
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64')],
    ['64 bytes', randomBytes(64).toString('base64')],
    ['hex', randomBytes(32).toString('hex')],
    ['empty', ''],
    ['two keys', `${randomBytes(32).toString('base64')}\n${randomBytes(32).toString('base64')}`],
    ['url-safe base64', randomBytes(32).toString('base64url')],
  ])('refuses %s', (_name, text) => {
    expect(parseKeyText(text)).toBeNull();
  });

  it('names a key by a short one-way hash', () => {
    const key = randomBytes(32);
    expect(keyIdOf(key)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(key)).toBe(keyIdOf(Buffer.from(key)));
    expect(keyIdOf(randomBytes(32))).not.toBe(keyIdOf(key));
    expect(key.toString('hex')).not.toContain(keyIdOf(key));
  });
});

describe('sizes and names', () => {
  it('adds the header and one tag per chunk; an empty input still has its final record', () => {
    expect(encryptedSize(0)).toBe(HEADER_BYTES + 16);
    expect(encryptedSize(DEFAULT_CHUNK_SIZE)).toBe(HEADER_BYTES + DEFAULT_CHUNK_SIZE + 16);
    expect(encryptedSize(DEFAULT_CHUNK_SIZE + 1)).toBe(HEADER_BYTES + DEFAULT_CHUNK_SIZE + 1 + 32);
  });

  it('appends .enc to an encrypted backup and finds the id of either', () => {
    expect(backupFileName('app_dev_20261124_101500', 'dump', true)).toBe('app_dev_20261124_101500.dump.enc');
    expect(backupFileName('app_dev_20261124_101500', 'dump', false)).toBe('app_dev_20261124_101500.dump');
    expect(backupIdOfFile('app_dev_20261124_101500.dump.enc')).toBe('app_dev_20261124_101500');
    expect(backupIdOfFile('app.v2_20261124_101500_2.sqlite')).toBe('app.v2_20261124_101500_2');
    expect(backupIdOfFile('app.v2_20261124_101500.sqlite.enc')).toBe('app.v2_20261124_101500');
  });

  it('accepts a manifest of an encrypted backup, and refuses a malformed encryption record', () => {
    const manifest = {
      manifestVersion: 1, id: 'app_20261124_101500', file: 'app_20261124_101500.dump.enc', engine: 'postgres', database: 'app', location: 'localhost:5432',
      user: null, size: 10, sha256: 'a'.repeat(64), clientTool: 'pg_dump 15', serverVersion: 'PostgreSQL 15', trigger: 'manual', label: null, git: null,
      createdAt: '2026-11-24T10:15:00.000Z', finishedAt: '2026-11-24T10:15:01.000Z', verified: true, dbsafeVersion: '0.1.0',
      encryption: { algorithm: 'aes-256-gcm-stream', keyId: '00112233aabbccdd' },
    };
    expect((parseManifest(JSON.stringify(manifest))?.encryption as { keyId?: string } | undefined)?.keyId).toBe('00112233aabbccdd');
    expect(parseManifest(JSON.stringify({ ...manifest, encryption: { algorithm: 'x', keyId: 'the key itself' } }))).toBeNull();
    expect(parseManifest(JSON.stringify({ ...manifest, encryption: undefined }))?.encryption).toBeUndefined();
  });
});

describe('the "encryption" configuration row', () => {
  it.each([
    [{ keyFile: '~/.config/dbsafe/backup.key' }, null],
    [{}, /needs "recipients", "recipientsFile", "gpgRecipients" or "keyFile"/],
    [{ recipients: ["age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq"] }, null],
    [{ recipients: ["ssh-ed25519 AAAA"] }, /not an age public key/],
    [{ recipients: [] }, /non-empty list/],
    [{ recipientsFile: "~/.config/dbsafe/recipients.txt", identityFile: "~/.config/dbsafe/age.txt" }, null],
    [{ identityFile: "~/k.txt" }, /no "recipients"/],
    [{ gpgRecipients: ["team@example.com"] }, null],
    [{ gpgRecipients: ["--homedir=/x"] }, /not a gpg key id/],
    [{ gpgRecipients: ["a@b.c"], recipients: ["age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq"] }, /choose one/],
    [{ keyFile: '' }, /not a path/],
    [{ keyFile: 3 }, /not a path/],
    [{ keyFile: 'k', key: 'secret' }, /unknown key "key"/],
    ['~/.key', /must be an object/],
    [null, /must be an object/],
  ])('judges %j', (value, problem) => {
    const result = validateEncryptionConfig(value);
    if (problem === null) expect(result).toBeNull();
    else expect(result).toMatch(problem);
  });

  it('expands ~ and resolves a relative key file against the project', () => {
    expect(resolveKeyFile('~/.config/dbsafe/backup.key', '/work/app', '/home/me')).toBe('/home/me/.config/dbsafe/backup.key');
    expect(resolveKeyFile('../keys/app.key', '/work/app', '/home/me')).toBe('/work/keys/app.key');
    expect(resolveKeyFile('/etc/dbsafe.key', '/work/app', '/home/me')).toBe('/etc/dbsafe.key');
  });

  it('finds a key file inside the project or the backup directory', () => {
    expect(keyFileLocationProblem('/work/app/secrets/backup.key', '/work/app', '/work/app/backups')).toEqual({ where: 'project', dir: '/work/app' });
    expect(keyFileLocationProblem('/srv/backups/app.key', '/work/app', '/srv/backups')).toEqual({ where: 'backup', dir: '/srv/backups' });
    expect(keyFileLocationProblem('/work/app-keys/backup.key', '/work/app', '/work/app/backups')).toBeNull();
    expect(keyFileLocationProblem('/home/me/.config/dbsafe/backup.key', '/work/app', '/work/app/backups')).toBeNull();
  });
});
