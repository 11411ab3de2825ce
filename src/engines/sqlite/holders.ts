import { promises as fs } from 'node:fs';
import path from 'node:path';

/** A process that has a file open. */
export interface FileHolder {
  pid: number;
  /** Its command name (/proc/PID/comm), e.g. "sqlite3", "node". */
  command: string;
}

/** The files SQLite keeps beside a database while it is open or after a crash. */
export function companionFiles(database: string): string[] {
  return [database, `${database}-wal`, `${database}-shm`, `${database}-journal`];
}

/**
 * Other processes holding any of `files` open, found through /proc (Linux).
 * Processes of other users are invisible unless dbsafe runs as root; where
 * /proc does not exist the answer is an empty list (nothing could be seen).
 */
export async function processesHolding(files: readonly string[]): Promise<FileHolder[]> {
  // /proc shows each open file by its real path: a path through a symlinked directory must match it.
  const wanted = new Set(
    await Promise.all(files.map(async (file) => path.join(await fs.realpath(path.dirname(path.resolve(file))).catch(() => path.dirname(path.resolve(file))), path.basename(file)))),
  );
  let entries: string[];
  try {
    entries = await fs.readdir('/proc');
  } catch {
    return [];
  }
  const holders: FileHolder[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let fds: string[];
    try {
      fds = await fs.readdir(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      const opened = await fs.readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      if (!wanted.has(opened)) continue;
      const command = (await fs.readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '?')).trim();
      holders.push({ pid: Number(entry), command });
      break;
    }
  }
  return holders;
}

/** "sqlite3 (pid 123), node (pid 456)". Pure. */
export function describeHolders(holders: readonly FileHolder[]): string {
  return holders.map((holder) => `${holder.command} (pid ${holder.pid})`).join(', ');
}
