import type { ChildProcess } from 'node:child_process';
import { createReadStream, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { makePrivateFifo } from '../store/pipe-output.js';
import type { ProgressSink, StoredBytesCheck } from './types.js';

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

/** Big enough that a pipe is fed in few reads; small enough that what waits in the stream's buffer stays a few chunks. */
const CHECKED_CHUNK = 256 * 1024;

export interface CheckedFileReader {
  /** The file from byte `skip` on, for a child's stdin. */
  stream: Readable;
  /**
   * Once the reader of `stream` is done, whether it read to the end or
   * stopped early (a tool that failed): the rest of the file goes to the
   * check too, which then settles (throwing its error when the bytes are
   * not the recorded ones).
   */
  finish(): Promise<void>;
  /** Stop reading without settling the check (the work was interrupted). */
  close(): Promise<void>;
}

/**
 * `file` read once, for a restore that checks the stored bytes as it loads
 * them: every byte of the file, the `skip` first ones too, goes to `check`
 * as it is read, and the bytes from `skip` on flow into `stream`. Memory
 * stays a few chunks whatever the size: the stream reads only as fast as
 * its reader takes.
 */
export function checkedFileReader(file: string, check: StoredBytesCheck, progress?: ProgressSink, skip = 0): CheckedFileReader {
  let handle: FileHandle | null = null;
  let position = 0;
  /** The next bytes of the file, all of them checked, and those from `skip` on (null at the end of the file). */
  const readChunk = async (): Promise<Buffer | null> => {
    handle ??= await open(file, 'r');
    const chunk = Buffer.allocUnsafe(CHECKED_CHUNK);
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) return null;
    const start = position;
    position += bytesRead;
    check.update(chunk.subarray(0, bytesRead));
    progress?.(position);
    return chunk.subarray(Math.min(Math.max(0, skip - start), bytesRead), bytesRead);
  };
  // The read under way, so that finish() goes on after it, never beside it.
  let reading: Promise<Buffer | null> = Promise.resolve(Buffer.alloc(0));
  const next = (): Promise<Buffer | null> => (reading = reading.then(readChunk));
  const stream = new Readable({
    highWaterMark: CHECKED_CHUNK,
    read() {
      const feed = async (): Promise<void> => {
        let chunk = await next();
        // Only skipped bytes so far: nothing for the reader yet.
        while (chunk && chunk.length === 0) chunk = await next();
        this.push(chunk);
      };
      feed().catch((error: Error) => this.destroy(error));
    },
  });
  const close = async (): Promise<void> => {
    stream.destroy();
    await reading.catch(() => null);
    await handle?.close().catch(() => undefined);
    handle = null;
  };
  return {
    stream,
    close,
    async finish() {
      stream.destroy();
      try {
        await reading.catch(() => null);
        reading = Promise.resolve(Buffer.alloc(0));
        while ((await next()) !== null);
      } finally {
        await close();
      }
      check.settle();
    },
  };
}

/** One buffer for the whole file: nothing is allocated per chunk, so memory stays flat whatever the size. */
const FEED_BUFFER = 1 << 20;

/**
 * checkedFileReader without a Node stream: the child reads a FIFO
 * (`stdin`, its read end) that this process fills from one fixed buffer,
 * checking every byte first. Node's streams allocate a Buffer per chunk and
 * free them only when the garbage collector runs, which let a 350 MB load
 * raise the peak memory by ~30 MB. Null where FIFOs cannot be made: use
 * checkedFileReader then. `finish` and `close` as there.
 */
export async function checkedFileFeed(
  file: string,
  check: StoredBytesCheck,
  progress?: ProgressSink,
  skip = 0,
): Promise<{ stdin: { fd: number }; finish(): Promise<void>; close(): Promise<void> } | null> {
  const made = makePrivateFifo();
  if (!made) return null;
  const { dir, fifo } = made;
  let writer: FileHandle;
  let readEnd: number;
  try {
    // Opening a FIFO waits for the other end: the write end opens on the thread pool while this thread opens the read end.
    const opening = open(fifo, 'w');
    readEnd = openSync(fifo, 'r');
    writer = await opening;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let aborted = false;
  const feeding = (async () => {
    const buffer = Buffer.allocUnsafe(FEED_BUFFER);
    // The child stopped reading (it exited): the rest of the file is still checked, not written.
    let readerGone = false;
    const source = await open(file, 'r');
    try {
      for (let position = 0; !aborted; ) {
        const { bytesRead } = await source.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) return;
        check.update(buffer.subarray(0, bytesRead));
        let from = Math.min(Math.max(0, skip - position), bytesRead);
        position += bytesRead;
        progress?.(position);
        while (!readerGone && from < bytesRead) {
          const written = await writer.write(buffer, from, bytesRead - from).then(
            (result) => result.bytesWritten,
            () => null,
          );
          if (written === null) readerGone = true;
          else from += written;
        }
      }
    } finally {
      await source.close();
      await writer.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  // Judged by finish(); never an unhandled rejection before that.
  feeding.catch(() => undefined);
  return {
    stdin: { fd: readEnd },
    async finish() {
      await feeding;
      check.settle();
    },
    async close() {
      aborted = true;
      await feeding.catch(() => undefined);
    },
  };
}
