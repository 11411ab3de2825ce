import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Target } from '../../target/types.js';
import { readHeadAndTail } from '../archive-streams.js';
import { requireTool, runTool, toolInfos, toolVersion, type ToolResult } from '../tools.js';
import type { ArchiveOps, BackupFacts, BackupOutput, ProgressSink, TableCounts, ToolInfo } from '../types.js';
import { queryRows } from './query-rows.js';
import { sqliteMessages } from './messages.js';
import { withScratchDatabase, type ScratchDatabase } from '../scratch-database.js';
import { companionFiles, processesHolding } from './holders.js';
import { replaceDatabaseFile } from './replace-file.js';
import { copyDatabaseSnapshot, SnapshotReadFailed } from './snapshot-copy.js';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** How long a backup or restore waits for another process's write lock before giving up. */
const LOCK_WAIT_MS = 10_000;

/**
 * A filename argument for a sqlite3 dot-command. The shell undoes backslash
 * escapes inside double quotes, so any path survives: spaces, both quotes,
 * backslashes. (Single quotes would take the text literally but cannot hold a `'`.)
 */
export function dotCommandPath(file: string): string {
  return `"${file.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A URI that opens a backup file as immutable: no locks, no -wal or -shm
 * files created beside it, nothing written. Backups are never written after
 * the store has renamed them, which is exactly what immutable promises.
 */
export function immutableUri(file: string): string {
  const encoded = file.split('/').map(encodeURIComponent).join('/');
  return `file:${encoded}?immutable=1`;
}

function sqlite3(purpose: string): string {
  return requireTool(['sqlite3'], purpose);
}

/** Run sqlite3 on `database` with a script on stdin; -init /dev/null keeps a user's ~/.sqliterc out of it. */
function runScript(program: string, database: string, script: string, extraArgs: readonly string[] = []): Promise<ToolResult> {
  return runTool({ program, args: ['-bail', '-batch', '-init', '/dev/null', ...extraArgs, database], stdin: script });
}

function failureDetail(result: ToolResult): string | null {
  if (result.code === 0 && result.stderr.trim() === '') return null;
  return result.stderr.trim().replace(/\s+/g, ' ') || `sqlite3 exited with ${result.code ?? result.signal}`;
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
  let copied: { version: string } | null;
  try {
    // A zero-length file is a valid empty database: the backup API writes it as one (a copy would be an empty, unverifiable file).
    copied = statSync(target.database).size === 0 ? null : await copyDatabaseSnapshot(program, target.database, output.path, LOCK_WAIT_MS);
  } catch (error) {
    rmSync(output.path, { force: true });
    if (error instanceof SnapshotReadFailed) throw sqliteMessages.backupFailed(target, error.message);
    throw error;
  }
  const version = copied?.version ?? (await backupThroughApi(program, target, output.path));
  return { clientTool: await clientLabel(program), serverVersion: `SQLite ${version}` };
}

/**
 * The online backup API (sqlite3's `.backup`), inside a read transaction
 * opened first: the copy is one snapshot of the database, and the API never
 * restarts it when another process commits. In WAL mode writers carry on
 * meanwhile; in rollback-journal mode they wait for the copy (busy timeout).
 */
async function backupThroughApi(program: string, target: Target, destination: string): Promise<string> {
  // Created 0600 before sqlite3 writes into it: the backup inherits the mode, and is never world-readable.
  closeSync(openSync(destination, 'w', 0o600));
  const script = [
    `.timeout ${LOCK_WAIT_MS}`,
    'BEGIN;',
    'SELECT count(*) FROM sqlite_master;',
    'SELECT sqlite_version();',
    `.backup ${dotCommandPath(destination)}`,
    'COMMIT;',
    '',
  ].join('\n');
  const result = await runScript(program, target.database, script);
  const failure = failureDetail(result);
  if (failure) {
    rmSync(destination, { force: true });
    throw sqliteMessages.backupFailed(target, failure);
  }
  return result.stdout.trim().split('\n').pop() ?? '';
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

/** Copy the archive into `database` with the backup API (`.restore`): one write transaction on the destination. */
async function restoreInto(program: string, database: string, file: string): Promise<string | null> {
  const script = `.timeout ${LOCK_WAIT_MS}\n.restore ${dotCommandPath(immutableUri(file))}\n`;
  return failureDetail(await runScript(program, database, script));
}

/**
 * When no process has the database open, the backup is copied beside it and
 * renamed into place (replace-file.ts): the speed of a file copy. While a
 * process holds it open, a rename would leave that process writing to the
 * old, unlinked file (and deleting -wal/-shm under it can corrupt both), so
 * the backup API writes the pages into the live file instead, in one
 * transaction under SQLite's own locking: every connection sees either the
 * old database or the restored one, and a failure midway rolls back.
 */
async function restore(target: Target, file: string, progress?: ProgressSink): Promise<void> {
  // Only the header: the store proved the file is, byte for byte, the one quick_check passed when it was made (checksum), and a second pass would cost a full read.
  await assertSqliteHeader(file, { size: true });
  const program = sqlite3('restore a SQLite database');
  if ((await processesHolding(companionFiles(target.database))).length === 0) {
    await replaceDatabaseFile(target.database, file, { sqlite3: program });
  } else {
    const failure = await restoreInto(program, target.database, file);
    if (failure) throw sqliteMessages.restoreFailed(target, failure);
  }
  progress?.(statSync(file).size);
}

interface TableRow {
  name: string;
}

function queryJson<T>(program: string, database: string, sql: string): Promise<T[]> {
  return queryRows<T>(program, database, sql, { run: runScript });
}

function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteText(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Rows per ordinary table; virtual tables are skipped (their module may be missing here), their shadow tables are counted. */
async function countRows(program: string, database: string): Promise<TableCounts> {
  const tables = await queryJson<TableRow>(
    program,
    database,
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name;\n`,
  );
  if (tables.length === 0) return { tables: [] };
  const counts = await queryJson<{ name: string; rows: number }>(
    program,
    database,
    `${tables.map(({ name }) => `SELECT ${quoteText(name)} AS name, COUNT(*) AS rows FROM ${quoteName(name)}`).join('\nUNION ALL ')};\n`,
  );
  const byName = new Map(counts.map((row) => [row.name, row.rows]));
  return { tables: tables.map(({ name }) => ({ name, rows: byName.get(name) ?? 0 })) };
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
    return countRows(program, scratch).catch((error: Error) => {
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
