import { accessSync, constants, promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { isSnapshotFamilyName } from '../../store/snapshot-naming.js';
import type { Target } from '../../target/types.js';
import { scratchRecordFile } from '../scratch-database.js';
import { startDetachedCopy } from '../standby-copy.js';
import { requireTool } from '../tools.js';
import type { SnapshotFacts, SnapshotOps } from '../types.js';
import { companionFiles } from './holders.js';
import { sqliteMessages } from './messages.js';
import { putInPlace } from './put-in-place.js';
import { countTableRows } from './query-rows.js';
import { COPY_METHODS, copyLiveDatabase, SnapshotReadFailed } from './snapshot-copy.js';
import { ensureSnapshotDirectory, partialFile, removeSnapshotFiles, sealSnapshotFile, snapshotDirectory, snapshotFile } from './snapshot-files.js';
import { sqliteSnapshotMessages } from './snapshot-messages.js';
import { immutableUri, LOCK_WAIT_MS } from './sqlite3-shell.js';

/**
 * SQLite snapshots: a consistent copy of the database file kept beside it
 * (snapshot-files.ts), read-only, restored by renaming a ready copy of it
 * into place (put-in-place.ts). Open connections never block a snapshot:
 * the copy is made under a read transaction (or by the backup API), as a
 * file backup is. They matter only to a restore, which writes in place
 * while another process has the database open; that process is named.
 * No SQLite connection is ever ended (see put-in-place.ts).
 */
function sqlite3(purpose: string): string {
  return requireTool(['sqlite3'], purpose);
}

/** A snapshot name as a file. The store's names have a fixed shape; anything else (a verify's scratch directory recorded on the same database) is not this adapter's to touch. */
function fileOf(target: Target, name: string): string {
  if (!isSnapshotFamilyName(name)) throw new Error(`${name} is not a snapshot name`);
  return snapshotFile(target.database, name);
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [first, second] = await Promise.all([fs.stat(a).catch(() => null), fs.stat(b).catch(() => null)]);
  return first !== null && second !== null && first.dev === second.dev && first.ino === second.ino;
}

/** Copy snapshot file `from` to `to`, read-only, appearing under its name only once complete. */
async function copySnapshotFile(from: string, to: string): Promise<void> {
  const partial = partialFile(to);
  try {
    await fs.copyFile(from, partial, constants.COPYFILE_FICLONE);
    await sealSnapshotFile(partial);
    await fs.rename(partial, to);
  } catch (error) {
    await fs.rm(partial, { force: true });
    throw error;
  }
}

/**
 * The standby copy made by a detached Node, so the caller does not wait. It
 * starts only once its record exists (stdin closed by the caller after
 * recording) and removes the record once the copy has its name; a copy cut
 * off is left as a partial file the next run drops with its record.
 */
const BACKGROUND_COPY = `
process.stdin.resume();
process.stdin.on('end', () => {
  const fs = require('node:fs');
  const [from, to, record] = process.argv.slice(1);
  const partial = to + '.partial-' + process.pid;
  if (!fs.existsSync(record)) process.exit(1);
  try {
    fs.copyFileSync(from, partial, fs.constants.COPYFILE_FICLONE);
    fs.chmodSync(partial, 0o400);
    const fd = fs.openSync(partial, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(partial, to);
    fs.rmSync(record, { force: true });
  } catch {
    fs.rmSync(partial, { force: true });
    process.exit(1);
  }
});`;

async function copyInBackground(target: Target, from: string, to: string): Promise<boolean> {
  const toFile = fileOf(target, to);
  if (await fs.stat(toFile).catch(() => null)) return true;
  return startDetachedCopy(target, to, { program: process.execPath, args: ['-e', BACKGROUND_COPY, fileOf(target, from), toFile, scratchRecordFile(target, to)] });
}

export const snapshot: SnapshotOps = {
  async unavailable(target) {
    const dir = path.dirname(path.resolve(target.database));
    try {
      accessSync(dir, constants.W_OK);
    } catch (error) {
      return sqliteSnapshotMessages.directoryUnwritable(dir, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
    }
    const snapshots = snapshotDirectory(target.database);
    const existing = await fs.stat(snapshots).catch(() => null);
    if (!existing) return null;
    try {
      accessSync(snapshots, constants.W_OK);
    } catch (error) {
      return sqliteSnapshotMessages.directoryUnwritable(snapshots, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
    }
    return existing.dev === statSync(dir).dev ? null : sqliteSnapshotMessages.otherFilesystem(snapshots);
  },

  // Nothing blocks the copy (see above); terminateSessions is never asked for.
  blockingSessions: async () => [],

  async terminateSessions() {
    throw sqliteSnapshotMessages.cannotTerminate();
  },

  async create(target, name): Promise<SnapshotFacts> {
    const program = sqlite3('take a SQLite snapshot');
    if (!(await fs.stat(target.database).catch(() => null))) throw sqliteMessages.noSuchFile(target);
    await ensureSnapshotDirectory(target.database);
    const file = fileOf(target, name);
    const partial = partialFile(file);
    let copied;
    try {
      copied = await copyLiveDatabase(program, target.database, partial, LOCK_WAIT_MS, { clone: true });
      await sealSnapshotFile(partial);
      await fs.rename(partial, file);
    } catch (error) {
      await fs.rm(partial, { force: true });
      if (error instanceof SnapshotReadFailed) throw sqliteMessages.backupFailed(target, error.message);
      throw error;
    }
    const counts = await countTableRows(program, immutableUri(file));
    return {
      method: COPY_METHODS[copied.method],
      serverVersion: `SQLite ${copied.version}`,
      sizeBytes: (await fs.stat(file)).size,
      tableRows: Object.fromEntries(counts.tables.map((table) => [table.name, table.rows])),
    };
  },

  async copy(target, from, to) {
    await ensureSnapshotDirectory(target.database);
    await copySnapshotFile(fileOf(target, from), fileOf(target, to));
  },

  prepareCopyInBackground: async (target, from, to) => () => copyInBackground(target, from, to),

  async swapIn(target, standby, safetyCopy) {
    await ensureSnapshotDirectory(target.database);
    const holders = await putInPlace(sqlite3('restore a SQLite snapshot'), target, fileOf(target, standby), { moveSource: true, keepAs: fileOf(target, safetyCopy) });
    return holders.length > 0 ? { note: sqliteSnapshotMessages.writtenInPlace(target.database, holders) } : undefined;
  },

  // The store asks about the live database by its name, which for SQLite is its path.
  // A hard link to the live database (a swap killed between its link and its rename) is not a snapshot: it is the database itself.
  exists: async (target, name) => {
    if (name === target.database) return (await fs.stat(target.database).catch(() => null)) !== null;
    const file = fileOf(target, name);
    return (await fs.stat(file).catch(() => null)) !== null && !(await sameFile(file, target.database));
  },

  // An export's private copy: writable, so sqlite3 can open it in WAL mode (its -wal and -shm go with it when it is dropped).
  openForReading: async (target, name) => {
    const file = fileOf(target, name);
    await fs.chmod(file, 0o600);
    return { ...target, database: file };
  },

  async room(target) {
    const stats = await fs.statfs(path.dirname(path.resolve(target.database))).catch(() => null);
    const sizes = await Promise.all(companionFiles(target.database).slice(0, 2).map((file) => fs.stat(file).then((s) => s.size, () => 0)));
    return { freeBytes: stats ? stats.bavail * stats.bsize : null, databaseBytes: sizes[0]! + sizes[1]! };
  },

  drop: async (target, name) => removeSnapshotFiles(fileOf(target, name)),

  async tableRows(target, name) {
    const counts = await countTableRows(sqlite3('count the rows of a SQLite snapshot'), immutableUri(fileOf(target, name)));
    return Object.fromEntries(counts.tables.map((table) => [table.name, table.rows]));
  },
};
