import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkedFileReader } from '../../src/engines/archive-streams.js';
import type { StoredBytesCheck } from '../../src/engines/types.js';
import { tempDir } from '../helpers/cli.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function fileOf(bytes: Buffer): string {
  const temp = tempDir('dbsafe-checked-reader-');
  cleanup = temp.cleanup;
  const file = path.join(temp.dir, 'archive');
  writeFileSync(file, bytes);
  return file;
}

/** A check that records the sha256 and size of what it was given, and throws when told to by `expected`. */
function recordingCheck(expected: Buffer): StoredBytesCheck & { seen(): { sha256: string; size: number } | null } {
  const hash = createHash('sha256');
  let size = 0;
  let seen: { sha256: string; size: number } | null = null;
  return {
    update(chunk) {
      hash.update(chunk);
      size += chunk.length;
    },
    settle() {
      seen = { sha256: hash.digest('hex'), size };
      if (seen.sha256 !== createHash('sha256').update(expected).digest('hex')) throw new Error('damaged');
    },
    seen: () => seen,
  };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('checkedFileReader', () => {
  it('gives the reader the bytes after `skip` and the check every byte, the skipped ones too', async () => {
    const bytes = randomBytes(700_000);
    const file = fileOf(bytes);
    const check = recordingCheck(bytes);
    const reader = checkedFileReader(file, check, undefined, 300_000);
    expect((await readAll(reader.stream)).equals(bytes.subarray(300_000))).toBe(true);
    await reader.finish();
    expect(check.seen()).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
  });

  it('checks the bytes its reader never took (a tool that stopped early), and throws what the check throws', async () => {
    const bytes = randomBytes(2_000_000);
    const file = fileOf(bytes);
    const damaged = Buffer.from(bytes);
    damaged[1_900_000] = damaged[1_900_000]! ^ 0xff;
    const check = recordingCheck(damaged);
    const reader = checkedFileReader(file, check);
    // The reader takes one chunk and stops.
    await new Promise<void>((resolve) => reader.stream.once('data', () => resolve()));
    reader.stream.pause();
    await expect(reader.finish()).rejects.toThrow('damaged');
    expect(check.seen()?.size).toBe(bytes.length);
  });
});
