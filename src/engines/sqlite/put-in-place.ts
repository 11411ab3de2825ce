import { promises as fs } from 'node:fs';
import { isDbsafeError } from '../../errors.js';
import type { Target } from '../../target/types.js';
import { companionFiles, processesHolding, type FileHolder } from './holders.js';
import { sqliteMessages } from './messages.js';
import { replaceDatabaseFile } from './replace-file.js';
import { LOCK_WAIT_MS, restoreInto } from './sqlite3-shell.js';
import { copyLiveDatabase, SnapshotReadFailed } from './snapshot-copy.js';
import { partialFile, removeSnapshotFiles, sealSnapshotFile } from './snapshot-files.js';

export interface PutInPlaceOptions {
  /** `source` is a standby beside the database, renamed into place (and gone afterwards either way); else it is copied. */
  moveSource: boolean;
  /** Keep the database being replaced as this read-only file (a snapshot's path). */
  keepAs?: string;
}

/**
 * Put `source` in place of `target`'s database, keeping what it replaces
 * when asked. Nobody has the database open: a rename (replace-file.ts), the
 * replaced file kept by a hard link made just before. Processes have it
 * open: a rename would leave them writing into the old, unlinked file, and
 * SQLite cannot end another process's connection (it is an open file inside
 * that process; only killing the process would, and that is the person's
 * application). So the pages are written into the live file with the backup
 * API instead, in one transaction under SQLite's locking: those processes
 * see the restored data, and a failure rolls back. The replaced state is
 * then kept as a consistent copy made first. Returns the processes that had
 * it open (empty when it was renamed).
 */
export async function putInPlace(program: string, target: Target, source: string, options: PutInPlaceOptions): Promise<FileHolder[]> {
  const database = target.database;
  // A standby is renamed without a copy, and the rename checks for holders itself: only a backup (copied first) is worth a check before.
  if (options.moveSource || (await processesHolding(companionFiles(database))).length === 0) {
    try {
      await replaceDatabaseFile(database, source, { sqlite3: program, moveSource: options.moveSource, keepReplacedAs: options.keepAs });
      if (options.keepAs && (await fs.stat(options.keepAs).catch(() => null))) await sealSnapshotFile(options.keepAs);
      return [];
    } catch (error) {
      // A process that opened the database since the check: written in place below, as if it had been there.
      if (!isDbsafeError(error) || error.code !== 'sqlite-in-use') throw error;
    }
  }
  const holders = await processesHolding(companionFiles(database));
  if (options.keepAs) await keepConsistentCopy(program, target, options.keepAs);
  const failure = await restoreInto(program, database, source);
  if (failure) {
    if (options.keepAs) await removeSnapshotFiles(options.keepAs);
    throw sqliteMessages.restoreFailed(target, failure);
  }
  if (options.moveSource) await removeSnapshotFiles(source);
  return holders;
}

async function keepConsistentCopy(program: string, target: Target, keepAs: string): Promise<void> {
  const partial = partialFile(keepAs);
  try {
    await copyLiveDatabase(program, target.database, partial, LOCK_WAIT_MS, { clone: true });
    await sealSnapshotFile(partial);
    await fs.rename(partial, keepAs);
  } catch (error) {
    await fs.rm(partial, { force: true });
    if (error instanceof SnapshotReadFailed) throw sqliteMessages.backupFailed(target, error.message);
    throw error;
  }
}
