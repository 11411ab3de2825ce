import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { CLI, testDir } from '../helpers/cli.js';

/** The scratch databases (or files) dbsafe has recorded under `home`: what a killed run leaves for the next one to clean. */
export function recorded(home: string): string[] {
  const dir = path.join(home, '.local', 'state', 'dbsafe', 'scratch-databases');
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { database: string }).database);
  } catch {
    return [];
  }
}

export async function waitFor(what: string, ready: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`${what} never happened`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Run dbsafe in `cwd` until it reaches step boundary `point` (src/store/step-boundary.ts), then SIGKILL it there. */
export async function killAt(cwd: string, env: Record<string, string>, args: string[], point: string): Promise<void> {
  const stopFile = path.join(testDir('dbsafe-stop-'), 'stopped');
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH, ...env, DBSAFE_STOP_AT: point, DBSAFE_STOP_AT_FILE: stopFile },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await waitFor(`dbsafe reaching ${point}`, () => existsSync(stopFile) || child.exitCode !== null);
  expect(existsSync(stopFile), `dbsafe ended before ${point}`).toBe(true);
  child.kill('SIGKILL');
  await exited;
}
