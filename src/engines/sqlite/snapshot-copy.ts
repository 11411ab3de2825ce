import { closeSync, constants, openSync, promises as fs, rmSync, statSync } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { runTool, type ToolResult } from '../tools.js';
import { dotCommandPath, failureDetail, runScript } from './sqlite3-shell.js';

const HELD = 'dbsafe-snapshot-held';

/** What the read transaction learned before the copy. */
interface Snapshot {
  version: string;
  journalMode: string;
}

/**
 * Copy the database file itself, byte for byte (copy_file_range: no pass
 * through this process), while a sqlite3 process holds a read transaction:
 *
 * - rollback-journal modes: the read transaction's SHARED lock keeps every
 *   writer from touching the file, so the file is the snapshot;
 * - WAL mode: the file alone lacks what is still in the WAL, so a second
 *   connection checkpoints (PASSIVE) first. Checkpoints never write past the
 *   oldest reader's snapshot, so while ours is open the file cannot change;
 *   when that checkpoint emptied the whole WAL ("log" = "checkpointed"), the
 *   file is exactly our snapshot. Otherwise (a writer committed meanwhile,
 *   an older reader holds frames back) the answer is null and the caller
 *   uses the backup API instead.
 *
 * Returns the SQLite version, or null when no consistent copy could be made
 * this way. Throws with sqlite3's words when the database cannot be read.
 */
export async function copyDatabaseSnapshot(
  sqlite3: string,
  database: string,
  destination: string,
  lockWaitMs: number,
  options: { clone?: boolean } = {},
): Promise<{ version: string } | null> {
  const input = new PassThrough();
  let output = '';
  let held: () => void = () => undefined;
  const heldNow = new Promise<void>((resolve) => (held = resolve));
  const watcher = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString('utf8');
      if (output.includes(HELD)) held();
      done();
    },
  });
  const reader = runTool({ program: sqlite3, args: ['-bail', '-batch', '-init', '/dev/null', database], stdin: input, stdout: watcher });
  input.write(`.timeout ${lockWaitMs}\nBEGIN;\nSELECT count(*) FROM sqlite_master;\nSELECT sqlite_version();\nPRAGMA journal_mode;\nSELECT '${HELD}';\n`);
  const first = await Promise.race([heldNow.then(() => null), reader]);
  if (first) return failed(first);

  const [, version = '', journalMode = ''] = output.trim().split('\n');
  const snapshot: Snapshot = { version: version.trim(), journalMode: journalMode.trim().toLowerCase() };
  let copied = false;
  try {
    if (snapshot.journalMode !== 'wal' || (await walFullyCheckpointed(sqlite3, database, lockWaitMs))) {
      // A clone (reflink) shares blocks until either side is written: instant on btrfs, XFS, APFS; a plain copy elsewhere.
      await fs.copyFile(database, destination, options.clone ? constants.COPYFILE_FICLONE : 0);
      // copyFile gives the copy the database's mode: a backup is private.
      await fs.chmod(destination, 0o600);
      copied = true;
    }
  } finally {
    input.end('COMMIT;\n');
  }
  const result = await reader;
  if (result.code !== 0 || result.stderr.trim() !== '') return failed(result);
  return copied ? { version: snapshot.version } : null;
}

/** A second connection's PASSIVE checkpoint: true when the WAL is now entirely in the database file. */
async function walFullyCheckpointed(sqlite3: string, database: string, lockWaitMs: number): Promise<boolean> {
  const result = await runTool({ program: sqlite3, args: ['-bail', '-batch', '-init', '/dev/null', database], stdin: `.timeout ${lockWaitMs}\nPRAGMA wal_checkpoint(PASSIVE);\n` });
  const [busy, log, checkpointed] = result.stdout.trim().split('|').map(Number);
  return result.code === 0 && busy === 0 && log !== undefined && log === checkpointed;
}

/**
 * The online backup API (sqlite3's `.backup`), inside a read transaction
 * opened first: the copy is one snapshot of the database, and the API never
 * restarts it when another process commits. In WAL mode writers carry on
 * meanwhile; in rollback-journal mode they wait for the copy (busy timeout).
 * Returns the SQLite version; throws SnapshotReadFailed with sqlite3's words.
 */
export async function copyThroughBackupApi(program: string, database: string, destination: string, lockWaitMs: number): Promise<string> {
  // Created 0600 before sqlite3 writes into it: the copy inherits the mode, and is never world-readable.
  closeSync(openSync(destination, 'w', 0o600));
  const script = [`.timeout ${lockWaitMs}`, 'BEGIN;', 'SELECT count(*) FROM sqlite_master;', 'SELECT sqlite_version();', `.backup ${dotCommandPath(destination)}`, 'COMMIT;', ''].join('\n');
  const result = await runScript(program, database, script);
  const failure = failureDetail(result);
  if (failure) {
    rmSync(destination, { force: true });
    throw new SnapshotReadFailed(failure);
  }
  return result.stdout.trim().split('\n').pop() ?? '';
}

/** How a consistent copy was made, in words for a manifest. */
export const COPY_METHODS = { file: 'a copy of the file under a read transaction', api: "sqlite3's online backup API" } as const;

/**
 * A consistent copy of a live database (0600): the file copy where that is
 * consistent (the speed of `cp`), else the backup API. A zero-length file is
 * a valid empty database: the backup API writes it as one.
 */
export async function copyLiveDatabase(
  program: string,
  database: string,
  destination: string,
  lockWaitMs: number,
  options: { clone?: boolean } = {},
): Promise<{ version: string; method: keyof typeof COPY_METHODS }> {
  const copied = statSync(database).size === 0 ? null : await copyDatabaseSnapshot(program, database, destination, lockWaitMs, options);
  if (copied) return { version: copied.version, method: 'file' };
  return { version: await copyThroughBackupApi(program, database, destination, lockWaitMs), method: 'api' };
}

export class SnapshotReadFailed extends Error {}

function failed(result: ToolResult): never {
  throw new SnapshotReadFailed(result.stderr.trim().replace(/\s+/g, ' ') || `sqlite3 exited with ${result.code ?? result.signal}`);
}
