import { RecordBuffer } from './record-buffer.js';
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * The payload of an age file (age-encryption.org/v1, "Payload"):
 * a 16-byte nonce, then ChaCha20-Poly1305 chunks of 64 KiB under a key
 * derived from the file key, each nonce an 11-byte big-endian counter and
 * a last-chunk flag. The header and its recipient stanzas come from the
 * age-encryption library (age.ts); the payload runs on Node's native
 * ChaCha20-Poly1305, several times faster than the library's JavaScript
 * one on a backup of gigabytes. Files are read by the `age` tool as usual.
 */

export const AGE_CHUNK = 64 * 1024;
const TAG = 16;
export const AGE_NONCE_BYTES = 16;

export function payloadKey(fileKey: Uint8Array, nonce: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
}

function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function seal(key: Buffer, counter: number, last: boolean, plain: Buffer): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, chunkNonce(counter, last), { authTagLength: TAG });
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** Why an age payload did not decrypt; the store turns it into a message with the fix. */
export class AgePayloadError extends Error {
  constructor(readonly problem: 'truncated' | 'damaged') {
    super(`age payload ${problem}`);
    this.name = 'AgePayloadError';
  }
}

function open(key: Buffer, counter: number, last: boolean, record: Buffer): Buffer {
  if (record.length < TAG) throw new AgePayloadError('truncated');
  const decipher = createDecipheriv('chacha20-poly1305', key, chunkNonce(counter, last), { authTagLength: TAG });
  decipher.setAuthTag(record.subarray(record.length - TAG));
  try {
    return Buffer.concat([decipher.update(record.subarray(0, record.length - TAG)), decipher.final()]);
  } catch {
    throw new AgePayloadError('damaged');
  }
}


/** Encrypts what is written to it into an age payload; `prefix` (header and nonce) comes out first. */
export function agePayloadEncryptor(prefix: Buffer, key: Buffer): Transform {
  const records = new RecordBuffer(AGE_CHUNK);
  let counter = 0;
  return new Transform({
    construct(done) {
      this.push(prefix);
      done();
    },
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      records.push(chunk);
      for (const plain of records.complete()) this.push(seal(key, counter++, false, plain));
      done();
    },
    flush(done: TransformCallback) {
      done(null, seal(key, counter++, true, records.rest()));
    },
  });
}

/** Decrypts an age payload (after the header and nonce) with `key`; use its output only once it ended without error. */
export function agePayloadDecryptor(key: Buffer): Transform {
  const records = new RecordBuffer(AGE_CHUNK + TAG);
  let counter = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      try {
        records.push(chunk);
        for (const record of records.complete()) this.push(open(key, counter++, false, record));
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        const last = records.rest();
        // Only an empty file may end in an empty chunk (the spec); anything else was cut at a chunk boundary.
        if (last.length === TAG && counter > 0) throw new AgePayloadError('truncated');
        done(null, open(key, counter++, true, last));
      } catch (error) {
        done(error as Error);
      }
    },
  });
}
