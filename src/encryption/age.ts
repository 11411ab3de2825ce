import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import { Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { AGE_NONCE_BYTES, agePayloadDecryptor, agePayloadEncryptor, payloadKey } from './age-stream.js';

/**
 * age files (age-encryption.org/v1) as dbsafe writes and reads them: the
 * header and recipient stanzas by the age-encryption library, the payload
 * by age-stream.ts. The machine taking backups needs only recipients
 * (public keys); an identity is needed to read a backup back.
 */

type AgeLibrary = typeof import('age-encryption');

let library: AgeLibrary | null = null;
/** The library is ESM; Node ≥ 20.19 loads it with require, and only the commands that encrypt or decrypt pay for it. */
function ageLibrary(): AgeLibrary {
  library ??= createRequire(import.meta.url)('age-encryption') as AgeLibrary;
  return library;
}

export const AGE_MAGIC = 'age-encryption.org/v1\n';

/** A recipient the library cannot use, or null when it is a valid age public key. */
export function recipientProblem(recipient: string): string | null {
  if (!recipient.startsWith('age1')) return 'it does not start with "age1"';
  try {
    new (ageLibrary().Encrypter)().addRecipient(recipient);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Lines of a recipients or identity file, without comments and blank lines. Pure. */
export function keyLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The age header (with its MAC) and payload key of a new file for `recipients`. */
export async function newAgeFile(recipients: string[]): Promise<{ prefix: Buffer; key: Buffer }> {
  const { Encrypter } = ageLibrary();
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  let fileKey: Uint8Array | null = null;
  // The library wraps the file key for each recipient; this one adds no stanza and only keeps the key for the native payload.
  encrypter.addRecipient({
    wrapFileKey(key: Uint8Array) {
      fileKey = key;
      return [];
    },
  });
  // An empty file is the header, the nonce and one empty final chunk (a 16-byte tag).
  const empty = Buffer.from(await encrypter.encrypt(new Uint8Array(0)));
  const header = empty.subarray(0, empty.length - AGE_NONCE_BYTES - 16);
  if (!fileKey) throw new Error('the age library did not hand out a file key');
  const nonce = randomBytes(AGE_NONCE_BYTES);
  return { prefix: Buffer.concat([header, nonce]), key: payloadKey(fileKey, nonce) };
}

/** A Transform that turns plaintext into an age file for `recipients`. */
export async function ageEncryptor(recipients: string[]): Promise<Transform> {
  const { prefix, key } = await newAgeFile(recipients);
  return agePayloadEncryptor(prefix, key);
}

/** Why an age file could not be opened, for the store's messages. */
export class AgeOpenError extends Error {
  constructor(readonly problem: 'not-age' | 'no-matching-identity' | 'bad-header') {
    super(`cannot open age file: ${problem}`);
    this.name = 'AgeOpenError';
  }
}

const MAX_HEADER = 64 * 1024;

/** Split off an age header: it ends with the line `--- <MAC>`. Pure. */
export function splitAgeHeader(start: Buffer): { header: Buffer; rest: Buffer } | null {
  if (!start.subarray(0, AGE_MAGIC.length).equals(Buffer.from(AGE_MAGIC))) throw new AgeOpenError('not-age');
  const macLine = start.indexOf('\n--- ');
  if (macLine < 0) return null;
  const end = start.indexOf('\n', macLine + 1);
  if (end < 0) return null;
  return { header: start.subarray(0, end + 1), rest: start.subarray(end + 1) };
}

async function readHeader(file: string): Promise<{ header: Buffer; offset: number }> {
  const handle = await fs.open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(MAX_HEADER), 0, MAX_HEADER, 0);
    const split = splitAgeHeader(buffer.subarray(0, bytesRead));
    if (!split) throw new AgeOpenError('bad-header');
    return { header: split.header, offset: split.header.length };
  } finally {
    await handle.close();
  }
}

/** The payload key of `file` for one of `identities` (AGE-SECRET-KEY-1… lines); reads only the header. */
export async function openAgeFile(file: string, identities: string[]): Promise<{ key: Buffer; payloadStart: number }> {
  const { header, offset } = await readHeader(file);
  const { Decrypter } = ageLibrary();
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  let fileKey: Uint8Array;
  try {
    fileKey = await decrypter.decryptHeader(header);
  } catch (error) {
    throw new AgeOpenError(/no identity matched/.test((error as Error).message) ? 'no-matching-identity' : 'bad-header');
  }
  const handle = await fs.open(file, 'r');
  try {
    const nonce = Buffer.alloc(AGE_NONCE_BYTES);
    const { bytesRead } = await handle.read(nonce, 0, AGE_NONCE_BYTES, offset);
    if (bytesRead !== AGE_NONCE_BYTES) throw new AgeOpenError('bad-header');
    return { key: payloadKey(fileKey, nonce), payloadStart: offset + AGE_NONCE_BYTES };
  } finally {
    await handle.close();
  }
}

/** Is this identity line usable by the library? Null when it is, else why not. */
export function identityProblem(identity: string): string | null {
  if (!identity.startsWith('AGE-SECRET-KEY-')) return 'it does not start with "AGE-SECRET-KEY-"';
  try {
    new (ageLibrary().Decrypter)().addIdentity(identity);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The public key (age1…) of an identity. */
export async function recipientOf(identity: string): Promise<string> {
  return ageLibrary().identityToRecipient(identity);
}

/** A new identity (for tests and `dbsafe` setup hints). */
export async function generateAgeIdentity(): Promise<string> {
  return ageLibrary().generateX25519Identity();
}

/** Decrypt `file` into `destination` (created 0600, must not exist), or into the sink; the output is complete only when this resolves. */
export async function decryptAgeFile(file: string, identities: string[], destination: string | Writable, onChunk?: (plain: Buffer) => void): Promise<void> {
  const { key, payloadStart } = await openAgeFile(file, identities);
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      onChunk?.(chunk);
      done(null, chunk);
    },
  });
  const sink = typeof destination === 'string' ? createWriteStream(destination, { mode: 0o600, flags: 'wx' }) : destination;
  await pipeline(createReadStream(file, { start: payloadStart }), agePayloadDecryptor(key), tap, sink);
}

/** Encrypt a file for `recipients` into `destination` (created 0600, must not exist). */
export async function encryptFileForRecipients(source: string, destination: string, recipients: string[], taps: { plain?: (chunk: Buffer) => void; stored?: (chunk: Buffer) => void } = {}): Promise<void> {
  const tap = (callback?: (chunk: Buffer) => void) =>
    new Transform({
      transform(chunk: Buffer, _encoding, done: TransformCallback) {
        callback?.(chunk);
        done(null, chunk);
      },
    });
  await pipeline(createReadStream(source), tap(taps.plain), await ageEncryptor(recipients), tap(taps.stored), createWriteStream(destination, { mode: 0o600, flags: 'wx' }));
}
