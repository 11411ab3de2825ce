import { createHash } from 'node:crypto';

/**
 * The encrypted backup format, version 1: the STREAM construction
 * (Hoang, Reyhanitabar, Rogaway, Vizár 2015) over AES-256-GCM.
 *
 *   header:  magic "DBSAFENC" | version u8 | algorithm u8 | chunk size u32 BE | nonce prefix (7) | key id (8)
 *   records: each plaintext chunk of `chunkSize` bytes (the last one shorter, possibly empty)
 *            encrypted as ciphertext | 16-byte tag
 *
 * Every record's nonce is prefix | counter u32 BE | last-flag u8, and the
 * whole header is authenticated with every record. So a record moved,
 * dropped, repeated or cut off fails its tag, and a file cut at a record
 * boundary fails because its last record was not sealed as the last.
 * The key id (a short hash of the key) tells a wrong key apart from damage.
 * Pure: no files, no streams.
 */

export const MAGIC = Buffer.from('DBSAFENC', 'latin1');
export const FORMAT_VERSION = 1;
/** The only algorithm of version 1. */
export const ALGORITHM_ID = 1;
export const ALGORITHM_NAME = 'aes-256-gcm-stream';
export const CIPHER = 'aes-256-gcm';
export const KEY_BYTES = 32;
export const NONCE_PREFIX_BYTES = 7;
export const KEY_ID_BYTES = 8;
export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
/** Chunk sizes a header may name: a damaged header must not make the reader allocate gigabytes. */
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
export const HEADER_BYTES = MAGIC.length + 1 + 1 + 4 + NONCE_PREFIX_BYTES + KEY_ID_BYTES;
/** The counter is 32 bits: 2^32 chunks of 64 KiB is 256 TiB. */
export const MAX_CHUNKS = 2 ** 32;

export interface EncryptionHeader {
  chunkSize: number;
  noncePrefix: Buffer;
  /** Hex of the key id bytes. */
  keyId: string;
}

export function encodeHeader(header: EncryptionHeader): Buffer {
  if (header.noncePrefix.length !== NONCE_PREFIX_BYTES) throw new RangeError(`the nonce prefix must be ${NONCE_PREFIX_BYTES} bytes`);
  if (!Number.isInteger(header.chunkSize) || header.chunkSize < 1 || header.chunkSize > MAX_CHUNK_SIZE) throw new RangeError(`chunk size ${header.chunkSize} is out of range`);
  const keyId = Buffer.from(header.keyId, 'hex');
  if (keyId.length !== KEY_ID_BYTES) throw new RangeError(`the key id must be ${KEY_ID_BYTES} bytes`);
  const bytes = Buffer.alloc(HEADER_BYTES);
  let at = MAGIC.copy(bytes, 0);
  at = bytes.writeUInt8(FORMAT_VERSION, at);
  at = bytes.writeUInt8(ALGORITHM_ID, at);
  at = bytes.writeUInt32BE(header.chunkSize, at);
  at += header.noncePrefix.copy(bytes, at);
  keyId.copy(bytes, at);
  return bytes;
}

export type HeaderParse =
  | { ok: true; header: EncryptionHeader }
  /** `not-encrypted`: no magic (a plain archive); the others: an encrypted file this version cannot read. */
  | { ok: false; problem: 'not-encrypted' | 'truncated' | 'unknown-version' | 'unknown-algorithm' | 'bad-chunk-size' };

/** Parse the first bytes of a file (at least HEADER_BYTES of them when there are that many). */
export function parseHeader(bytes: Buffer): HeaderParse {
  if (bytes.length < MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    // A prefix of the magic is a cut-off encrypted file, not a plain archive.
    return bytes.length < MAGIC.length && bytes.length > 0 && MAGIC.subarray(0, bytes.length).equals(bytes) ? { ok: false, problem: 'truncated' } : { ok: false, problem: 'not-encrypted' };
  }
  if (bytes.length < HEADER_BYTES) return { ok: false, problem: 'truncated' };
  let at = MAGIC.length;
  const version = bytes.readUInt8(at++);
  if (version !== FORMAT_VERSION) return { ok: false, problem: 'unknown-version' };
  const algorithm = bytes.readUInt8(at++);
  if (algorithm !== ALGORITHM_ID) return { ok: false, problem: 'unknown-algorithm' };
  const chunkSize = bytes.readUInt32BE(at);
  at += 4;
  if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) return { ok: false, problem: 'bad-chunk-size' };
  const noncePrefix = Buffer.from(bytes.subarray(at, at + NONCE_PREFIX_BYTES));
  at += NONCE_PREFIX_BYTES;
  const keyId = bytes.subarray(at, at + KEY_ID_BYTES).toString('hex');
  return { ok: true, header: { chunkSize, noncePrefix, keyId } };
}

/** The nonce of record `counter`: prefix | counter u32 BE | 1 for the last record, else 0. */
export function chunkNonce(noncePrefix: Buffer, counter: number, last: boolean): Buffer {
  if (!Number.isInteger(counter) || counter < 0 || counter >= MAX_CHUNKS) throw new RangeError(`chunk counter ${counter} is out of range`);
  const nonce = Buffer.alloc(NONCE_PREFIX_BYTES + 5);
  noncePrefix.copy(nonce, 0);
  nonce.writeUInt32BE(counter, NONCE_PREFIX_BYTES);
  nonce.writeUInt8(last ? 1 : 0, NONCE_PREFIX_BYTES + 4);
  return nonce;
}

/** A short, one-way name of a key: equal ids mean (with overwhelming likelihood) the same key. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('dbsafe backup key id v1\0').update(key).digest().subarray(0, KEY_ID_BYTES).toString('hex');
}

/**
 * Parse a key as written in a key file or DBSAFE_BACKUP_KEY: 32 bytes in
 * standard base64, one line (surrounding whitespace ignored). Null when it is
 * anything else; the caller's message must never echo the text.
 */
export function parseKeyText(text: string): Buffer | null {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return null;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === KEY_BYTES ? key : null;
}

/** Size of the encrypted file for `plainSize` bytes of plaintext (an empty input still has one, final, record). */
export function encryptedSize(plainSize: number, chunkSize = DEFAULT_CHUNK_SIZE): number {
  const records = Math.max(1, Math.ceil(plainSize / chunkSize));
  return HEADER_BYTES + plainSize + records * TAG_BYTES;
}
