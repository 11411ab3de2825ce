import { createHash, randomBytes } from 'node:crypto';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { encryptedSize, HEADER_BYTES, TAG_BYTES } from '../../src/encryption/format.js';
import { createDecryptor, createEncryptor, DecryptionError } from '../../src/encryption/streams.js';

const key = randomBytes(32);
const CHUNK = 64;

/** Feed `input` in pieces of `pieceSize` (so records straddle writes) through `transform`; collect the output. */
async function run(transform: NodeJS.ReadWriteStream, input: Buffer, pieceSize = 7): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < input.length; at += pieceSize) pieces.push(input.subarray(at, at + pieceSize));
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(pieces),
    transform,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(out);
}

const encrypt = (plain: Buffer, pieceSize?: number) => run(createEncryptor(key, { chunkSize: CHUNK }), plain, pieceSize);
const decrypt = (sealed: Buffer, withKey = key, pieceSize?: number) => run(createDecryptor(withKey), sealed, pieceSize);

async function problemOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DecryptionError);
  return (error as DecryptionError).problem;
}

describe('stream encryption', () => {
  it.each([
    ['empty input', 0],
    ['less than a chunk', 10],
    ['exactly one chunk', CHUNK],
    ['one byte over a chunk', CHUNK + 1],
    ['exactly three chunks', 3 * CHUNK],
    ['not a multiple of the chunk size', 5 * CHUNK + 17],
  ])('round-trips %s', async (_name, size) => {
    const plain = randomBytes(size);
    const sealed = await encrypt(plain);
    expect(sealed.length).toBe(encryptedSize(size, CHUNK));
    expect((await decrypt(sealed)).equals(plain)).toBe(true);
    // Whatever the write sizes on either side.
    expect((await decrypt(sealed, key, 1)).equals(plain)).toBe(true);
    expect((await decrypt(sealed, key, 1000)).equals(plain)).toBe(true);
  });

  it('hides the plaintext and never repeats a ciphertext for the same input', async () => {
    const plain = Buffer.from('secret customer row '.repeat(20));
    const one = await encrypt(plain);
    const two = await encrypt(plain);
    expect(one.includes(Buffer.from('secret customer'))).toBe(false);
    expect(one.subarray(HEADER_BYTES).equals(two.subarray(HEADER_BYTES))).toBe(false);
  });

  it('works in bounded pieces: 8 MiB through the default 64 KiB records, hashes equal at both ends', async () => {
    const sent = createHash('sha256');
    const received = createHash('sha256');
    let largestSealed = 0;
    let largestPlain = 0;
    await pipeline(
      Readable.from(
        (function* () {
          for (let i = 0; i < 512; i++) {
            const piece = randomBytes(16 * 1024 + 3);
            sent.update(piece);
            yield piece;
          }
        })(),
      ),
      createEncryptor(key),
      new Transform({
        transform(chunk: Buffer, _e, done) {
          largestSealed = Math.max(largestSealed, chunk.length);
          done(null, chunk);
        },
      }),
      createDecryptor(key),
      new Writable({
        write(chunk: Buffer, _e, done) {
          largestPlain = Math.max(largestPlain, chunk.length);
          received.update(chunk);
          done();
        },
      }),
    );
    expect(received.digest('hex')).toBe(sent.digest('hex'));
    // Nothing larger than one record is ever held as one piece on either side.
    expect(largestSealed).toBeLessThanOrEqual(64 * 1024 + TAG_BYTES);
    expect(largestPlain).toBeLessThanOrEqual(64 * 1024);
  });
});

describe('stream decryption refuses', () => {
  const plain = randomBytes(4 * CHUNK + 5);

  it('another key, naming the key id it was made with', async () => {
    const sealed = await encrypt(plain);
    const error = await decrypt(sealed, randomBytes(32)).then(() => null, (e: unknown) => e as DecryptionError);
    expect(error?.problem).toBe('wrong-key');
    expect(error?.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a flipped byte in the middle', async () => {
    const sealed = await encrypt(plain);
    sealed[Math.floor(sealed.length / 2)]! ^= 0x01;
    expect(await problemOf(decrypt(sealed))).toBe('damaged');
  });

  it('a file cut at a record boundary (the last record is missing)', async () => {
    const sealed = await encrypt(plain);
    const record = CHUNK + TAG_BYTES;
    expect(await problemOf(decrypt(sealed.subarray(0, HEADER_BYTES + 2 * record)))).toBe('damaged');
  });

  it('a file cut inside a record, and a file cut inside the header', async () => {
    const sealed = await encrypt(plain);
    expect(await problemOf(decrypt(sealed.subarray(0, sealed.length - 3)))).toBe('damaged');
    expect(await problemOf(decrypt(sealed.subarray(0, HEADER_BYTES + 5)))).toBe('truncated');
    expect(await problemOf(decrypt(sealed.subarray(0, 12)))).toBe('truncated');
  });

  it('records swapped, a record repeated, bytes appended', async () => {
    const sealed = await encrypt(plain);
    const record = CHUNK + TAG_BYTES;
    const first = sealed.subarray(HEADER_BYTES, HEADER_BYTES + record);
    const second = sealed.subarray(HEADER_BYTES + record, HEADER_BYTES + 2 * record);
    const rest = sealed.subarray(HEADER_BYTES + 2 * record);
    const header = sealed.subarray(0, HEADER_BYTES);
    expect(await problemOf(decrypt(Buffer.concat([header, second, first, rest])))).toBe('damaged');
    expect(await problemOf(decrypt(Buffer.concat([header, first, first, second, rest])))).toBe('damaged');
    expect(await problemOf(decrypt(Buffer.concat([sealed, Buffer.from('x')])))).toBe('damaged');
  });

  it('a changed header (the chunk size is authenticated with every record)', async () => {
    const sealed = await encrypt(plain);
    sealed.writeUInt32BE(CHUNK * 2, 10);
    expect(await problemOf(decrypt(sealed))).toBe('damaged');
  });

  it('a plain archive', async () => {
    expect(await problemOf(decrypt(Buffer.from('SQLite format 3\0 and more bytes after it')))).toBe('not-encrypted');
  });

  it('an empty file', async () => {
    expect(await problemOf(decrypt(Buffer.alloc(0)))).toBe('not-encrypted');
  });
});
