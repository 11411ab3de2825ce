import { RecordBuffer } from './record-buffer.js';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import {
  chunkNonce,
  CIPHER,
  DEFAULT_CHUNK_SIZE,
  encodeHeader,
  HEADER_BYTES,
  keyIdOf,
  MAX_CHUNKS,
  NONCE_PREFIX_BYTES,
  parseHeader,
  TAG_BYTES,
  type EncryptionHeader,
} from './format.js';

/** Why decryption stopped; the store turns these into messages with the fix. */
export class DecryptionError extends Error {
  constructor(
    readonly problem: 'not-encrypted' | 'truncated' | 'unknown-version' | 'unknown-algorithm' | 'bad-chunk-size' | 'wrong-key' | 'damaged',
    readonly keyId?: string,
  ) {
    super(`cannot decrypt: ${problem}`);
    this.name = 'DecryptionError';
  }
}


function seal(key: Buffer, header: Buffer, noncePrefix: Buffer, counter: number, last: boolean, plain: Buffer): Buffer {
  const cipher = createCipheriv(CIPHER, key, chunkNonce(noncePrefix, counter, last), { authTagLength: TAG_BYTES });
  cipher.setAAD(header);
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function open(key: Buffer, header: Buffer, noncePrefix: Buffer, counter: number, last: boolean, record: Buffer): Buffer {
  if (record.length < TAG_BYTES) throw new DecryptionError('truncated');
  const decipher = createDecipheriv(CIPHER, key, chunkNonce(noncePrefix, counter, last), { authTagLength: TAG_BYTES });
  decipher.setAAD(header);
  decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(record.subarray(0, record.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError('damaged');
  }
}

/** A Transform that encrypts everything written to it into the format of format.ts. */
export function createEncryptor(key: Buffer, options: { chunkSize?: number; noncePrefix?: Buffer } = {}): Transform {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const noncePrefix = options.noncePrefix ?? randomBytes(NONCE_PREFIX_BYTES);
  const header = encodeHeader({ chunkSize, noncePrefix, keyId: keyIdOf(key) });
  const buffer = new RecordBuffer(chunkSize);
  let counter = 0;
  const next = () => {
    if (counter >= MAX_CHUNKS) throw new RangeError('the backup is too large for one encrypted file');
    return counter++;
  };
  return new Transform({
    construct(done) {
      this.push(header);
      done();
    },
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      try {
        buffer.push(chunk);
        for (const plain of buffer.complete()) this.push(seal(key, header, noncePrefix, next(), false, plain));
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        done(null, seal(key, header, noncePrefix, next(), true, buffer.rest()));
      } catch (error) {
        done(error as Error);
      }
    },
  });
}

/**
 * A Transform that decrypts the format of format.ts with `key`. It emits
 * each record's plaintext only once its tag is verified, but truncation shows
 * only at the end: a caller must not use the output before the stream
 * finished without error (the store decrypts into a temporary file first).
 */
export function createDecryptor(key: Buffer): Transform {
  let headerBytes: Buffer | null = null;
  let header: EncryptionHeader | null = null;
  let pending: Buffer[] = [];
  let buffer: RecordBuffer | null = null;
  let counter = 0;
  const expectedKeyId = keyIdOf(key);

  const readHeader = (bytes: Buffer): void => {
    const parsed = parseHeader(bytes);
    if (!parsed.ok) throw new DecryptionError(parsed.problem);
    if (parsed.header.keyId !== expectedKeyId) throw new DecryptionError('wrong-key', parsed.header.keyId);
    header = parsed.header;
    headerBytes = Buffer.from(bytes.subarray(0, HEADER_BYTES));
    buffer = new RecordBuffer(header.chunkSize + TAG_BYTES);
    if (bytes.length > HEADER_BYTES) buffer.push(bytes.subarray(HEADER_BYTES));
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      try {
        if (!buffer) {
          pending.push(chunk);
          const joined = Buffer.concat(pending);
          // Fail early on a foreign file; wait for the whole header otherwise.
          if (joined.length < HEADER_BYTES) {
            const early = parseHeader(joined);
            if (!early.ok && early.problem === 'not-encrypted') throw new DecryptionError('not-encrypted');
            pending = [joined];
            return done();
          }
          pending = [];
          readHeader(joined);
        } else {
          buffer.push(chunk);
        }
        for (const record of buffer!.complete()) this.push(open(key, headerBytes!, header!.noncePrefix, counter++, false, record));
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        if (!buffer) readHeader(Buffer.concat(pending));
        done(null, open(key, headerBytes!, header!.noncePrefix, counter++, true, buffer!.rest()));
      } catch (error) {
        done(error as Error);
      }
    },
  });
}
