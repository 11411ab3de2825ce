import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Target } from '../../target/types.js';
import { readHeadAndTail } from '../archive-streams.js';
import { requireTool, toolInfos, toolVersion } from '../tools.js';
import type { ArchiveOps, BackupFacts, BackupOutput, ProgressSink, RestoreOptions, TableCounts, ToolInfo } from '../types.js';
import { countTableRows } from './query-rows.js';
import { sqliteMessages } from './messages.js';
import { withScratchDatabase, type ScratchDatabase } from '../scratch-database.js';
import { putInPlace } from './put-in-place.js';
import { copyLiveDatabase, SnapshotReadFailed } from './snapshot-copy.js';
import { ensureSnapshotDirectory, snapshotFile } from './snapshot-files.js';
import { immutableUri, LOCK_WAIT_MS, restoreInto, runScript } from './sqlite3-shell.js';

export { dotCommandPath, immutableUri } from './sqlite3-shell.js';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

function sqlite3(purpose: string): string {
  return requireTool(['sqlite3'], purpose);
}

async function clientLabel(program: string): Promise<string> {
  const version = (await toolVersion(program))?.split(' ')[0];
  return version ? `sqlite3 ${version}` : 'sqlite3';
}

/**
 * A copy of the file under a read transaction where that is consistent
 * (snapshot-copy.ts: the speed of `cp`), else the online backup API.
 * Either way the tool writes `output.path` itself, not the stream; the store
 * hashes the copy while quick_check reads it.
 */
async function backup(target: Target, output: BackupOutput): Promise<BackupFacts> {
  const program = sqlite3('back up a SQLite database');
  if (!existsSync(target.database)) throw sqliteMessages.noSuchFile(target);
  try {
    const { version } = await copyLiveDatabase(program, target.database, output.path, LOCK_WAIT_MS);
    return { clientTool: await clientLabel(program), serverVersion: `SQLite ${version}` };
  } catch (error) {
    rmSync(output.path, { force: true });
    if (error instanceof SnapshotReadFailed) throw sqliteMessages.backupFailed(target, error.message);
    throw error;
  }
}

/**
 * The header magic, then `PRAGMA quick_check`: it checks every page, record
 * and the free list in one pass. integrity_check also cross-checks every
 * index against its table (17× slower here), which a page-for-page copy
 * cannot get wrong that quick_check would not see as page damage.
 */
async function checkArchive(file: string): Promise<void> {
  await assertSqliteHeader(file);
  const result = await runScript(sqlite3('check a SQLite backup'), immutableUri(file), 'PRAGMA quick_check;\n');
  const output = result.stdout.trim();
  if (result.code !== 0 || output !== 'ok') {
    const problems = (output || result.stderr.trim()).split('\n').slice(0, 3).join('; ');
    throw sqliteMessages.notADatabase(file, `sqlite3's quick_check found damage (${problems})`);
  }
}

/** The SQLite magic, and with `size` the file's size against its header (cheap: no pass over the pages). */
async function assertSqliteHeader(file: string, options: { size?: boolean } = {}): Promise<void> {
  let head: Buffer;
  try {
    head = (await readHeadAndTail(file, 100)).head;
  } catch (error) {
    throw sqliteMessages.notADatabase(file, `it cannot be read (${(error as Error).message})`);
  }
  if (head.length < SQLITE_MAGIC.length || !head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    throw sqliteMessages.notADatabase(file, 'it does not start with the "SQLite format 3" header');
  }
  if (options.size && !sizeMatchesHeader(head, statSync(file).size)) throw sqliteMessages.notADatabase(file, 'its size is not what its header says (the copy was cut short)');
}

/**
 * The header's page size × page count against the file's size, where the
 * header vouches for its page count (its "version-valid-for" equals the
 * change counter, as in every file a backup writes). Pure.
 */
export function sizeMatchesHeader(head: Buffer, fileSize: number): boolean {
  if (head.length < 100) return false;
  const rawPageSize = head.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pageCount = head.readUInt32BE(28);
  if (head.readUInt32BE(92) !== head.readUInt32BE(24) || pageCount === 0) return true;
  return pageCount * pageSize === fileSize;
}

/**
 * The backup's pages put in place of the database (put-in-place.ts): renamed
 * in when nobody has it open, written into the live file under SQLite's
 * locking while a process does. With `keepReplaced` (a restore outside dump
 * mode), the replaced database is kept beside it as a snapshot.
 */
async function restore(target: Target, file: string, progress?: ProgressSink, options: RestoreOptions = {}): Promise<void> {
  // Only the header: the store proved the file is, byte for byte, the one quick_check passed when it was made (checksum), and a second pass would cost a full read.
  await assertSqliteHeader(file, { size: true });
  const program = sqlite3('restore a SQLite database');
  let keepAs: string | undefined;
  if (options.keepReplaced) {
    await ensureSnapshotDirectory(target.database);
    keepAs = snapshotFile(target.database, options.keepReplaced.name);
  }
  await putInPlace(program, target, file, { moveSource: false, keepAs });
  progress?.(statSync(file).size);
}

/** The scratch copy is a private directory under the system's temporary directory, recorded like any scratch database. */
function scratchDirectory(): ScratchDatabase {
  return {
    name: path.join(tmpdir(), `dbsafe-verify-${randomBytes(6).toString('hex')}`),
    purpose: 'verify',
    create: async (dir) => mkdirSync(dir, { mode: 0o700 }),
    drop: async (dir) => rmSync(dir, { recursive: true, force: true }),
  };
}

async function scratchRestore(target: Target, file: string): Promise<TableCounts> {
  await checkArchive(file);
  const program = sqlite3('verify a SQLite backup');
  return withScratchDatabase(target, scratchDirectory(), async (dir) => {
    const scratch = path.join(dir, 'dbsafe_verify.sqlite');
    const failure = await restoreInto(program, scratch, file);
    if (failure) throw sqliteMessages.notADatabase(file, `it did not restore into a scratch file (${failure})`);
    return countTableRows(program, scratch).catch((error: Error) => {
      throw sqliteMessages.notADatabase(file, `its tables could not be read after a restore (${error.message})`);
    });
  });
}

function clientTools(): Promise<ToolInfo[]> {
  return toolInfos([{ names: ['sqlite3'], purpose: 'back up, check and restore SQLite databases' }]);
}

export const archive: ArchiveOps = {
  extension: 'sqlite',
  clientTools,
  backup,
  checkArchive,
  restore,
  scratchRestore,
};
