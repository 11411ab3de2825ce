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
  // All at once: one by one, a loaded machine's thousand open files took a quarter of a second.
  const found = await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
      .map(async (entry): Promise<FileHolder | null> => {
        const fds = await fs.readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
        const links = await Promise.all(fds.map((fd) => fs.readlink(`/proc/${entry}/fd/${fd}`).catch(() => '')));
        if (!links.some((link) => wanted.has(link))) return null;
        const command = (await fs.readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '?')).trim();
        return { pid: Number(entry), command };
      }),
  );
  return found.filter((holder): holder is FileHolder => holder !== null);
}

/** "sqlite3 (pid 123), node (pid 456)". Pure. */
export function describeHolders(holders: readonly FileHolder[]): string {
  return holders.map((holder) => `${holder.command} (pid ${holder.pid})`).join(', ');
}
