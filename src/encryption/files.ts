import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { interruptedError, toolsStoppedBy } from '../engines/tools.js';
import { HEADER_BYTES, parseHeader, type HeaderParse } from './format.js';
import { createDecryptor, createEncryptor } from './streams.js';

/** Ctrl-C stops the client tools; this stops our own long file work the same way (see cli/interrupt.ts). */
function stopWhenInterrupted(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const signal = toolsStoppedBy();
      done(signal ? interruptedError(signal) : null, chunk);
    },
  });
}

function sha256Sink(): { sink: Writable; digest: () => { sha256: string; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  return {
    sink: new Writable({
      write(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done();
      },
    }),
    digest: () => ({ sha256: hash.digest('hex'), size }),
  };
}

/** Encrypt `source` into `destination` (created 0600, must not exist); the sha256 and size of the plaintext and of the file written. */
export async function encryptFile(
  source: string,
  destination: string,
  key: Buffer,
): Promise<{ plain: { sha256: string; size: number }; stored: { sha256: string; size: number } }> {
  const plainHash = createHash('sha256');
  const storedHash = createHash('sha256');
  let plainSize = 0;
  let storedSize = 0;
  await pipeline(
    createReadStream(source),
    stopWhenInterrupted(),
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        plainHash.update(chunk);
        plainSize += chunk.length;
        done(null, chunk);
      },
    }),
    createEncryptor(key),
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        storedHash.update(chunk);
        storedSize += chunk.length;
        done(null, chunk);
      },
    }),
    createWriteStream(destination, { mode: 0o600, flags: 'wx' }),
  );
  return { plain: { sha256: plainHash.digest('hex'), size: plainSize }, stored: { sha256: storedHash.digest('hex'), size: storedSize } };
}

/** Decrypt `source` into `destination` (created 0600, must not exist). Throws DecryptionError; `destination` is then incomplete. */
export async function decryptFile(source: string, destination: string, key: Buffer): Promise<void> {
  await pipeline(createReadStream(source), stopWhenInterrupted(), createDecryptor(key), createWriteStream(destination, { mode: 0o600, flags: 'wx' }));
}

/** Decrypt `source` without writing the plaintext anywhere: its sha256 and size. */
export async function decryptedDigest(source: string, key: Buffer): Promise<{ sha256: string; size: number }> {
  const { sink, digest } = sha256Sink();
  await pipeline(createReadStream(source), stopWhenInterrupted(), createDecryptor(key), sink);
  return digest();
}

/** The encryption header at the start of `file`, read without reading the rest. */
export async function readEncryptionHeader(file: string): Promise<HeaderParse> {
  const handle = await fs.open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(HEADER_BYTES), 0, HEADER_BYTES, 0);
    return parseHeader(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
