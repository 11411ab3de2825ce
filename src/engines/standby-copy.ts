import { spawn } from 'node:child_process';
import type { Target } from '../target/types.js';
import { processStartTime, recordScratchDatabase } from './scratch-database.js';

/** A private file (a password file, a client option file) the caller made for the detached process, and the two ways it can end. */
export interface HandedSecret {
  /** The process did not start: the file goes now. */
  remove(): void;
  /** The process started and removes the file itself: this process must not remove it at exit. */
  handOver(): void;
}

/**
 * The process making the copy. It must not start work before its stdin
 * ends (sent once the record exists), and it removes its own secret and,
 * as it decides, the scratch record.
 */
export interface DetachedCopy {
  program: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** A /bin/sh script as a DetachedCopy: it waits for the caller's line first; $0, $1… are `args`. */
export function shellCopy(script: string, args: readonly string[], env?: NodeJS.ProcessEnv): DetachedCopy {
  return { program: '/bin/sh', args: ['-c', `read _; ${script}`, ...args], ...(env ? { env } : {}) };
}

/** What a standby copy's scratch record says while it is being made. */
export const STANDBY_PURPOSE = 'snapshot standby copy, being made';

/**
 * Start a snapshot's standby copy in a detached process and return without
 * waiting for it. The name is recorded with the process's pid as its owner,
 * so a copy that dies is dropped by the next run; the process waits for its
 * stdin to end, which happens only once the record is written, so it never
 * works unrecorded. The secret (if any) is handed over once the process
 * runs, and removed if it could not start. Resolves false when nothing was
 * started.
 */
export async function startDetachedCopy(target: Target, database: string, copy: DetachedCopy, secret?: HandedSecret): Promise<boolean> {
  const child = spawn(copy.program, [...copy.args], { env: copy.env ?? process.env, detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  const started = await new Promise<boolean>((resolve) => {
    child.once('spawn', () => resolve(true));
    child.on('error', () => resolve(false));
  });
  if (!started || child.pid === undefined) {
    secret?.remove();
    return false;
  }
  secret?.handOver();
  recordScratchDatabase(target, database, STANDBY_PURPOSE, { pid: child.pid, processStart: processStartTime(child.pid) });
  child.stdin?.end('\n');
  child.unref();
  return true;
}
