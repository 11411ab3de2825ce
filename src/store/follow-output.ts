import { openSync } from 'node:fs';
import { promises as fs } from 'node:fs';

/** One read buffer for the whole backup: memory stays flat whatever the size. */
const BUFFER_SIZE = 1 << 20;
/** How long the reader waits, once it has caught up with the writer, before it looks again. */
const CATCH_UP_WAIT_MS = 15;
/** Flush what is on disk every this many bytes, so the fsync before the rename has little left to write. */
const SYNC_EVERY = 32 << 20;

export interface FollowedFile {
  /** The file's write end, to give a child as its stdout (runTool closes this process's copy once the child has it). */
  fd: number;
  /** Call once the writing child has exited: reads the rest and settles once every byte written was passed to `onChunk`. */
  finish(): Promise<void>;
}

/**
 * A new file (0600, must not exist) a child writes itself, read behind the
 * child by this process: each chunk, as stored, goes to `onChunk`. The child
 * writes exactly as with its own --result-file (no pipe, no copy through
 * this process), the reading and hashing run on the other core meanwhile,
 * and the data is flushed to disk while it is written.
 */
export async function followFile(file: string, onChunk: (chunk: Buffer) => void): Promise<FollowedFile> {
  const fd = openSync(file, 'wx', 0o600);
  const reader = await fs.open(file, 'r');
  let writerExited = false;
  let wake: (() => void) | null = null;
  const caughtUp = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, CATCH_UP_WAIT_MS);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  async function pump(): Promise<void> {
    const buffer = Buffer.allocUnsafe(BUFFER_SIZE);
    let position = 0;
    let unsynced = 0;
    let syncing: Promise<void> | null = null;
    try {
      for (;;) {
        // Read after seeing the writer gone: a short read then is the true end of the file.
        const exited = writerExited;
        const { bytesRead } = await reader.read(buffer, 0, buffer.length, position);
        if (bytesRead > 0) {
          onChunk(buffer.subarray(0, bytesRead));
          position += bytesRead;
          unsynced += bytesRead;
          if (unsynced >= SYNC_EVERY && !syncing) {
            unsynced = 0;
            // fdatasync writes the file's dirty pages whatever descriptor asks; the commit's own fsync remains the guarantee.
            syncing = reader.datasync().then(
              () => void (syncing = null),
              () => void (syncing = null),
            );
          }
          if (bytesRead === buffer.length) continue;
        }
        if (exited && bytesRead === 0) return;
        if (!exited) await caughtUp();
      }
    } finally {
      await syncing;
      await reader.close();
    }
  }

  const pumped = pump();
  // Judged by finish(); never an unhandled rejection before that.
  pumped.catch(() => undefined);
  return {
    fd,
    finish() {
      writerExited = true;
      wake?.();
      return pumped;
    },
  };
}
