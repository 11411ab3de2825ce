import type { ChildProcess } from 'node:child_process';
import { createReadStream, openSync, readFileSync, readSync } from 'node:fs';
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

/**
 * `file` as a child's stdin (runTool's `{ fd }`), from byte `skip` on: the
 * child reads the file itself, so no byte passes through this process and
 * memory stays flat. Progress comes from the child's read offset
 * (/proc/PID/fdinfo/0, every 250 ms; none where /proc does not exist).
 * Spread the result into the ToolRun.
 */
export function fileAsStdin(file: string, progress?: ProgressSink, skip = 0): { stdin: { fd: number }; onSpawn: (child: ChildProcess) => void } {
  const fd = openSync(file, 'r');
  // Reading the skipped bytes moves the descriptor's offset, which the child inherits.
  if (skip > 0) readSync(fd, Buffer.alloc(skip), 0, skip, null);
  return {
    stdin: { fd },
    onSpawn(child) {
      if (!progress || child.pid === undefined) return;
      const info = `/proc/${child.pid}/fdinfo/0`;
      const timer = setInterval(() => {
        try {
          const match = /^pos:\s+(\d+)$/m.exec(readFileSync(info, 'utf8'));
          if (match) progress(Number(match[1]));
        } catch {
          clearInterval(timer);
        }
      }, 250);
      timer.unref();
      child.once('exit', () => clearInterval(timer));
    },
  };
}
