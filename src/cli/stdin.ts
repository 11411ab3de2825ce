import { readSync } from 'node:fs';

/**
 * All of standard input, as UTF-8 text. Reading fd 0 directly skips building
 * process.stdin (Node's stream and net modules: a few milliseconds on every
 * agent hook call). A non-blocking stdin that has no data yet (EAGAIN) is
 * read to its end as a stream instead, keeping what was already read.
 */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    let read: number;
    try {
      read = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EOF') break;
      if (code !== 'EAGAIN') throw error;
      for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      break;
    }
    if (read === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, read)));
  }
  return Buffer.concat(chunks).toString('utf8');
}
