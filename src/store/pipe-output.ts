import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, promises as fs, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** One read buffer for the whole backup: nothing is allocated per chunk, so memory stays flat whatever the size. */
const BUFFER_SIZE = 1 << 20;

export interface PipeReader {
  /** The FIFO's write end, to give a child as its stdout (the caller closes its own copy once the child has it). */
  fd: number;
  /** Settles once everything the child wrote has been passed to `onChunk`. */
  finished: Promise<void>;
}

/** A FIFO only this user can open, in a new private directory (the caller removes `dir`); null where FIFOs cannot be made (no mkfifo). */
export function makePrivateFifo(): { dir: string; fifo: string } | null {
  let dir: string;
  try {
    dir = mkdtempSync(path.join(tmpdir(), 'dbsafe-pipe-'));
  } catch {
    return null;
  }
  const fifo = path.join(dir, 'pipe');
  try {
    execFileSync('mkfifo', ['-m', '600', fifo], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return { dir, fifo };
}

/**
 * A FIFO whose reader passes every chunk to `onChunk` through one fixed
 * buffer. Node's streams allocate a Buffer per 64 KiB read and free them
 * only when the garbage collector runs, which let a large dump raise the
 * peak memory by ~40 MB; this reader also does half the work per byte.
 * Returns null where FIFOs cannot be made (no mkfifo): use a stream then.
 */
export async function openPipeReader(onChunk: (chunk: Buffer) => Promise<void>): Promise<PipeReader | null> {
  const made = makePrivateFifo();
  if (!made) return null;
  const { dir, fifo } = made;
  try {
    // Opening a FIFO waits for the other end: the read end opens on the thread pool while this thread opens the write end.
    const reading = fs.open(fifo, 'r');
    const fd = openSync(fifo, 'w');
    const reader = await reading;
    return { fd, finished: pump(reader, onChunk).finally(() => rmSync(dir, { recursive: true, force: true })) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Two buffers: the next read runs while the last chunk is hashed and
 * written. A pipe holds only 64 KiB, so a reader that stops to write lets
 * the dump tool block on a full pipe.
 */
async function pump(reader: fs.FileHandle, onChunk: (chunk: Buffer) => Promise<void>): Promise<void> {
  const buffers = [Buffer.allocUnsafe(BUFFER_SIZE), Buffer.allocUnsafe(BUFFER_SIZE)];
  let pending: Promise<void> = Promise.resolve();
  try {
    for (let turn = 0; ; turn++) {
      const buffer = buffers[turn % 2]!;
      const { bytesRead } = await reader.read(buffer, 0, buffer.length, null);
      // The other buffer's chunk is finished before this one starts (and before that buffer is read into again).
      await pending;
      if (bytesRead === 0) return;
      pending = onChunk(buffer.subarray(0, bytesRead));
      // Handled when awaited on the next turn; a failure while the next read waits must not count as unhandled.
      pending.catch(() => undefined);
    }
  } finally {
    await pending.catch(() => undefined);
    // Closing the read end early (a failed write) makes the writing child fail with EPIPE rather than block.
    await reader.close();
  }
}
