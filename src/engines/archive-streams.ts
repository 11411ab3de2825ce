import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import type { ProgressSink } from './types.js';

/** A file read for a child's stdin, reporting bytes read so far (a restore's progress). */
export function fileReaderWithProgress(file: string, progress?: ProgressSink): Readable {
  let read = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      read += chunk.length;
      progress?.(read);
      done(null, chunk);
    },
  });
  const source = createReadStream(file);
  source.on('error', (error) => counter.destroy(error));
  return source.pipe(counter);
}

/** The first and last `size` bytes of a file, without reading what lies between. */
export async function readHeadAndTail(file: string, size: number): Promise<{ head: Buffer; tail: Buffer; length: number }> {
  const handle = await open(file, 'r');
  try {
    const { size: length } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, length));
    await handle.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(size, length));
    await handle.read(tail, 0, tail.length, length - tail.length);
    return { head, tail, length };
  } finally {
    await handle.close();
  }
}
