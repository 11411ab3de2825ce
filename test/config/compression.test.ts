import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/schema.js';
import { compressionSettingProblem } from '../../src/engines/compression-setting.js';
import { chooseCodec, codecOfHead, describeCodec } from '../../src/engines/compression.js';

describe('the compression setting', () => {
  it.each(['zstd', 'lz4', 'gzip', 'none', { codec: 'zstd', level: 19 }, { codec: 'gzip', level: 9 }, { codec: 'lz4' }])('accepts %j', (value) => {
    expect(compressionSettingProblem(value)).toBeNull();
    expect(validateConfig({ compression: value })).toEqual([]);
  });

  it.each([
    ['brotli', /"compression" must be one of "zstd", "lz4", "gzip", "none", or \{"codec": "zstd", "level": 3\}/],
    [3, /"compression" must be one of/],
    [{ codec: 'zstd', level: 0 }, /"compression" "level" for "zstd" must be a whole number from 1 to 19/],
    [{ codec: 'gzip', level: 1.5 }, /"level" for "gzip" must be a whole number from 1 to 9/],
    [{ codec: 'none', level: 1 }, /"level" cannot be set for "none", which does not compress/],
    [{ codec: 'zstd', threads: 2 }, /has unknown keys threads/],
  ])('refuses %j with the reason', (value, message) => {
    expect(validateConfig({ compression: value })).toEqual([expect.stringMatching(message)]);
  });

  it('picks the configured codec, else zstd -1, else gzip -1', () => {
    const everything = (name: string) => `/usr/bin/${name}`;
    const nothing = () => null;
    expect(describeCodec(chooseCodec(undefined, everything))).toBe('zstd -1');
    expect(describeCodec(chooseCodec(undefined, nothing))).toBe('gzip -1');
    expect(describeCodec(chooseCodec({ codec: 'lz4', level: 9 }, everything))).toBe('lz4 -9');
    expect(describeCodec(chooseCodec({ codec: 'none' }, nothing))).toBe('none');
    expect(() => chooseCodec({ codec: 'zstd' }, nothing)).toThrow(/apt-get install zstd/);
  });

  it('recognises each codec by its first bytes', () => {
    expect(codecOfHead(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]))).toBe('zstd');
    expect(codecOfHead(Buffer.from([0x04, 0x22, 0x4d, 0x18, 0]))).toBe('lz4');
    expect(codecOfHead(Buffer.from([0x1f, 0x8b, 8, 0, 0]))).toBe('gzip');
    expect(codecOfHead(Buffer.from('PGDMP'))).toBeNull();
  });
});
