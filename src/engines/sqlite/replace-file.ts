import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runTool } from '../tools.js';
import { companionFiles, processesHolding } from './holders.js';
import { sqliteMessages } from './messages.js';

export interface ReplaceOptions {
  /** sqlite3's path: it settles the live database (checkpoint, hot journal) before the swap. */
  sqlite3: string;
  /** Keep the replaced database under this name (a hard link made just before the rename, on the same filesystem), complete with its last WAL changes. */
  keepReplacedAs?: string;
  /** `source` is a ready copy on the database's filesystem (a snapshot's standby): renamed into place itself, not copied. On failure it is left as it was. */
  moveSource?: boolean;
}

/**
 * Put a copy of `source` in place of the SQLite database `database`: the
 * copy is written beside it under a temporary name, made durable, given the
 * database's mode and owner, and renamed over it in one step. Refused, with
 * the processes named, while any process has the database (or its -wal,
 * -shm, -journal) open: a process holding the old file would keep writing
 * into the unlinked copy and its -shm would describe another file. The live
 * database is settled first by opening and closing it (its WAL checkpointed
 * into it, a hot journal rolled back), then its -wal, -shm and -journal are
 * removed before the rename, so nothing of the old database is ever applied
 * to the new one. A failure before the rename leaves the database as it was.
 */
export async function replaceDatabaseFile(database: string, source: string, options: ReplaceOptions): Promise<void> {
  if (options.moveSource) return moveIntoPlace(database, source, options);
  const staged = path.join(path.dirname(path.resolve(database)), `.${path.basename(database)}.dbsafe-restore-${randomBytes(4).toString('hex')}`);
  try {
    await fs.copyFile(source, staged);
    await moveIntoPlace(database, staged, options);
  } catch (error) {
    await fs.rm(staged, { force: true });
    throw error;
  }
}

async function moveIntoPlace(database: string, ready: string, options: ReplaceOptions): Promise<void> {
  const dir = path.dirname(path.resolve(database));
  const current = await fs.stat(database).catch(() => null);
  const readyMode = (await fs.stat(ready)).mode & 0o7777;
  const keep = current ? options.keepReplacedAs : undefined;
  let linked = false;
  try {
    await fs.chmod(ready, current ? current.mode & 0o7777 : 0o600);
    if (current && process.getuid?.() === 0) await fs.chown(ready, current.uid, current.gid);
    await fsyncPath(ready);

    const holders = await processesHolding(companionFiles(database));
    if (holders.length > 0) throw sqliteMessages.fileInUse(database, holders);
    // Without a -wal or -journal beside it (and nobody holding it) the file is already the whole database: no sqlite3 to start.
    if (current && (await leftBehind(database))) await settle(database, options.sqlite3);
    for (const companion of companionFiles(database).slice(1)) await fs.rm(companion, { force: true });
    if (keep) {
      await fs.link(database, keep);
      linked = true;
    }
    await fs.rename(ready, database);
  } catch (error) {
    if (linked) await fs.rm(keep!, { force: true });
    await fs.chmod(ready, readyMode).catch(() => undefined);
    throw error;
  }
  await fsyncPath(dir);
  if (keep && path.dirname(path.resolve(keep)) !== dir) await fsyncPath(path.dirname(path.resolve(keep)));
}

async function leftBehind(database: string): Promise<boolean> {
  const found = await Promise.all([`${database}-wal`, `${database}-journal`].map((file) => fs.stat(file).then(() => true, () => false)));
  return found.includes(true);
}

/** Open and close the database alone: the last connection checkpoints and removes the WAL, and a hot journal is rolled back. */
async function settle(database: string, sqlite3: string): Promise<void> {
  const result = await runTool({ program: sqlite3, args: ['-bail', '-batch', '-init', '/dev/null', database], stdin: '.timeout 10000\nPRAGMA wal_checkpoint(TRUNCATE);\n' });
  // "busy|log|checkpointed": busy 1 means another connection appeared and kept the WAL from being emptied.
  if (result.code !== 0 || result.stdout.trim().startsWith('1|')) {
    throw sqliteMessages.settleFailed(database, result.stderr.trim() || (result.code === 0 ? 'another connection kept its WAL busy' : `sqlite3 exited with ${result.code}`));
  }
}

async function fsyncPath(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
