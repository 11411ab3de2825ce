import { promises as fs } from 'node:fs';
import path from 'node:path';
import { processAlive } from './files.js';
import { storeMessages } from './messages.js';
import { lockName } from './naming.js';

export interface LockOptions {
  /** How long to wait for another dbsafe process before giving up. */
  waitMs: number;
  pollMs?: number;
  /** What this process is doing, shown to a process that waits for it. */
  purpose: string;
  /** Told once, with the holder, when another live process holds the lock and this one starts waiting. */
  onWait?: (holder: string) => void;
}

interface LockContents {
  pid: number;
  purpose: string;
  since: string;
}

export const DEFAULT_LOCK_WAIT_MS = 10 * 60_000;

async function readHolder(file: string): Promise<LockContents | null> {
  return parseHolder(await fs.readFile(file, 'utf8').catch(() => ''));
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => null);
  return stat !== null && Date.now() - stat.mtimeMs > ms;
}

function parseHolder(text: string): LockContents | null {
  try {
    const parsed = JSON.parse(text) as Partial<LockContents>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, purpose: String(parsed.purpose ?? ''), since: String(parsed.since ?? '') } : null;
  } catch {
    return null;
  }
}

/**
 * One dbsafe process at a time per database (a scheduled backup and a guarded
 * run must not interleave). An O_EXCL lock file holds the owner's pid; a lock
 * whose pid is dead is stale and is taken over. Returns the release function.
 */
export async function acquireDatabaseLock(dir: string, database: string, options: LockOptions): Promise<() => Promise<void>> {
  const file = path.join(dir, lockName(database));
  const deadline = Date.now() + options.waitMs;
  const contents: LockContents = { pid: process.pid, purpose: options.purpose, since: new Date().toISOString() };
  let told = false;
  for (;;) {
    try {
      await fs.writeFile(file, JSON.stringify(contents), { flag: 'wx', mode: 0o600 });
      return async () => {
        const holder = await readHolder(file);
        if (holder?.pid === process.pid) await fs.rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = await fs.readFile(file, 'utf8').catch(() => null);
    if (text === null) continue;
    const holder = parseHolder(text);
    // A lock file still being written has no pid yet; only an old one without a pid is debris.
    const stale = holder ? !processAlive(holder.pid) : await olderThan(file, 5_000);
    if (stale) {
      // Remove it only if it is still the same file, so two waiters do not both take over.
      if ((await fs.readFile(file, 'utf8').catch(() => null)) === text) await fs.rm(file, { force: true });
      continue;
    }
    if (!holder) {
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
      continue;
    }
    const described = `pid ${holder.pid}, ${holder.purpose}, since ${holder.since}`;
    if (Date.now() >= deadline) throw storeMessages.lockTimeout(database, described, Math.round(options.waitMs / 1000));
    if (!told) options.onWait?.(described);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}
