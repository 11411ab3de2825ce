import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDbsafeError } from '../../src/errors.js';
import { acquireDatabaseLock } from '../../src/store/lock.js';
import { testDir } from '../helpers/cli.js';


/** A real process that exits at once: its pid is then known to be dead. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('acquireDatabaseLock', () => {
  it('is exclusive: a second taker waits, then fails naming the holder and the way out', async () => {
    const store = testDir();
    const release = await acquireDatabaseLock(store, 'app', { waitMs: 1000, purpose: 'backup (manual)' });
    const started = Date.now();
    const error = await acquireDatabaseLock(store, 'app', { waitMs: 400, pollMs: 50, purpose: 'restore' }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(isDbsafeError(error) && error.code).toBe('backup-locked');
    expect((error as Error).message).toContain(`pid ${process.pid}, backup (manual)`);
    expect((error as Error).message).toMatch(/Wait for it to finish/);
    await release();
    const again = await acquireDatabaseLock(store, 'app', { waitMs: 100, purpose: 'restore' });
    await again();
  });

  it('lets the waiter in as soon as the holder releases', async () => {
    const store = testDir();
    const release = await acquireDatabaseLock(store, 'app', { waitMs: 1000, purpose: 'first' });
    setTimeout(() => void release(), 150);
    const second = await acquireDatabaseLock(store, 'app', { waitMs: 5000, pollMs: 20, purpose: 'second' });
    expect(JSON.parse(readFileSync(path.join(store, '.app.lock'), 'utf8'))).toMatchObject({ pid: process.pid, purpose: 'second' });
    await second();
    expect(existsSync(path.join(store, '.app.lock'))).toBe(false);
  });

  it('takes over a lock whose process is dead', async () => {
    const store = testDir();
    writeFileSync(path.join(store, '.app.lock'), JSON.stringify({ pid: await deadPid(), purpose: 'backup', since: 'then' }));
    const release = await acquireDatabaseLock(store, 'app', { waitMs: 100, purpose: 'backup' });
    expect(JSON.parse(readFileSync(path.join(store, '.app.lock'), 'utf8')).pid).toBe(process.pid);
    await release();
  });

  it('locks each database separately', async () => {
    const store = testDir();
    const first = await acquireDatabaseLock(store, 'app', { waitMs: 100, purpose: 'a' });
    const second = await acquireDatabaseLock(store, 'blog', { waitMs: 100, purpose: 'b' });
    await first();
    await second();
  });
});
