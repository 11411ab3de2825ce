import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stateDirectory } from '../consent/store.js';
import { describeLocation } from '../target/describe.js';
import type { EngineName, Target } from '../target/types.js';
import { processAlive } from '../store/files.js';
import { scratchMessages } from './scratch-messages.js';

/**
 * A database dbsafe creates for a moment (verify's scratch copy, a restore's
 * staging, trash or retired copy), recorded before it is created. A dbsafe
 * killed with SIGKILL cannot clean up; the next run that creates one on the
 * same server drops the databases whose recorded owner is gone. Only recorded
 * names are ever dropped, never names matching a pattern: other sessions
 * share the server.
 */
export interface ScratchRecord {
  engine: EngineName;
  /** The server, as describeLocation says it (host:port or socket); the password is never recorded. */
  server: string;
  database: string;
  purpose: string;
  pid: number;
  /** The owner's start time (Linux /proc), so a pid reused by another process is not taken for the owner; null where unknown. */
  processStart: string | null;
  createdAt: string;
  /**
   * The database will hold the only copy of a state the person may want
   * back (a restore's replaced database, kept as its safety copy): a
   * clean-up never drops it; the backup store adopts it instead.
   */
  keep?: true;
}

type Env = Record<string, string | undefined>;

/**
 * The names dbsafe gives its scratch databases. A record is needed to drop
 * one, and it is not enough: a record whose name is not of these shapes (a
 * hand-written file naming a real database) is never acted on.
 */
const SCRATCH_NAME_SHAPES: readonly RegExp[] = [
  /^dbsafe_verify_[0-9a-f]{8,12}$/, // verify (PostgreSQL, MySQL/MariaDB, MongoDB)
  /__dbsafe_(restore|old)_[0-9a-f]{8}$/, // PostgreSQL restore: staging, and the database it replaced
  /^dbsafe_snap_[0-9a-f]{8}(_r[0-9a-f]{0,4})?$/, // snapshots being taken, their standby copies, safety copies (src/store/snapshot-naming.ts)
  /\/dbsafe-verify-[0-9a-f]{12}$/, // SQLite verify: a directory under the system's temporary directory
];

export function isScratchName(name: string): boolean {
  return SCRATCH_NAME_SHAPES.some((shape) => shape.test(name));
}

export function scratchRecordsDir(env: Env = process.env): string {
  return path.join(stateDirectory(env), 'scratch-databases');
}

function recordFile(dir: string, record: Pick<ScratchRecord, 'engine' | 'server' | 'database'>): string {
  const key = createHash('sha256').update(JSON.stringify([record.engine, record.server, record.database])).digest('hex').slice(0, 24);
  return path.join(dir, `${key}.json`);
}

/** When the process started, in clock ticks since boot (field 22 of /proc/<pid>/stat); null without /proc. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may contain spaces and ")": the fields after the last ")" are fixed.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Is the process that recorded this database gone (dead, or its pid now another process's)? */
export function ownerGone(record: Pick<ScratchRecord, 'pid' | 'processStart'>): boolean {
  if (!processAlive(record.pid)) return true;
  return record.processStart !== null && processStartTime(record.pid) !== record.processStart;
}

function parseRecord(text: string): ScratchRecord | null {
  try {
    const value = JSON.parse(text) as Partial<ScratchRecord>;
    const ok =
      typeof value.engine === 'string' && typeof value.server === 'string' && typeof value.database === 'string' && value.database !== '' && Number.isInteger(value.pid);
    return ok ? (value as ScratchRecord) : null;
  } catch {
    return null;
  }
}

/** Every record, with its file. Unreadable files are skipped (never a reason to drop anything). */
export function readScratchRecords(env: Env = process.env): Array<{ file: string; record: ScratchRecord }> {
  const dir = scratchRecordsDir(env);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (!name.endsWith('.json')) return [];
    const file = path.join(dir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    const record = parseRecord(text);
    return record ? [{ file, record }] : [];
  });
}

/** Scratch databases whose owner is gone: left by a killed dbsafe, until the next run on their server drops them. */
export function leftScratchDatabases(env: Env = process.env): ScratchRecord[] {
  return readScratchRecords(env)
    .map((entry) => entry.record)
    .filter((record) => isScratchName(record.database) && ownerGone(record));
}

export interface ScratchOwner {
  pid: number;
  processStart: string | null;
}

const THIS_PROCESS: ScratchOwner = { pid: process.pid, processStart: processStartTime(process.pid) };

/**
 * Record `database` on `target`'s server as this process's (or `owner`'s),
 * durably, before it is created. Returns the function that forgets it once
 * it is dropped (or was never made).
 */
export function recordScratchDatabase(target: Target, database: string, purpose: string, owner: ScratchOwner = THIS_PROCESS, env: Env = process.env): () => void {
  return writeRecord(target, database, purpose, owner, env, false);
}

/** recordScratchDatabase for a database to be kept, not dropped, if this process dies (see ScratchRecord.keep). */
export function recordKeptDatabase(target: Target, database: string, purpose: string, env: Env = process.env): () => void {
  return writeRecord(target, database, purpose, THIS_PROCESS, env, true);
}

function writeRecord(target: Target, database: string, purpose: string, owner: ScratchOwner, env: Env, keep: boolean): () => void {
  const dir = scratchRecordsDir(env);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw scratchMessages.recordUnwritable(dir, (error as Error).message);
  }
  const record: ScratchRecord = {
    engine: target.engine,
    server: describeLocation(target),
    database,
    purpose,
    pid: owner.pid,
    processStart: owner.processStart,
    createdAt: new Date().toISOString(),
    ...(keep ? { keep: true as const } : {}),
  };
  const file = recordFile(dir, record);
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw scratchMessages.recordUnwritable(dir, (error as Error).message);
  }
  return () => rmSync(file, { force: true });
}

/** The file of a record, for an owner that forgets it itself (a detached drop). */
export function scratchRecordFile(target: Target, database: string, env: Env = process.env): string {
  return recordFile(scratchRecordsDir(env), { engine: target.engine, server: describeLocation(target), database });
}

/**
 * Drop the recorded scratch databases on `target`'s server whose owner is
 * gone, and forget them. A failed drop keeps its record (doctor lists it,
 * the next run tries again) and never stops the caller's own work. Records
 * to keep are left alone, but for those `options.adopts` claims: the store
 * adopts them (then `drop` is its own decision, and the record goes).
 */
export async function dropLeftScratchDatabases(
  target: Target,
  drop: (name: string) => Promise<void>,
  env: Env = process.env,
  options: { adopts?: (record: ScratchRecord) => boolean } = {},
): Promise<string[]> {
  const server = describeLocation(target);
  const dropped: string[] = [];
  for (const { file, record } of readScratchRecords(env)) {
    if (record.engine !== target.engine || record.server !== server || !ownerGone(record)) continue;
    if (!isScratchName(record.database) || record.database === target.database) continue;
    if (record.keep && !options.adopts?.(record)) continue;
    try {
      await drop(record.database);
      rmSync(file, { force: true });
      dropped.push(record.database);
    } catch {
      // Left for the next run, and listed by doctor.
    }
  }
  return dropped;
}

export interface ScratchDatabase {
  name: string;
  /** Why it exists, for doctor ("verify", "restore staging"…). */
  purpose: string;
  create(name: string): Promise<void>;
  drop(name: string): Promise<void>;
}

/**
 * Run `work` against a throw-away database, recorded before it is created
 * and dropped afterwards whatever happens; databases of killed runs on the
 * same server go first. When both the work and the drop fail, the work's
 * error is the one reported: it is the cause; a failed clean-up after it is
 * a consequence (and its record stays for the next run).
 */
export async function withScratchDatabase<T>(target: Target, scratch: ScratchDatabase, work: (name: string) => Promise<T>): Promise<T> {
  await dropLeftScratchDatabases(target, scratch.drop);
  const forget = recordScratchDatabase(target, scratch.name, scratch.purpose);
  try {
    await scratch.create(scratch.name);
  } catch (error) {
    // CREATE DATABASE is all-or-nothing: when it failed, there is nothing to drop.
    forget();
    throw error;
  }
  let failed = false;
  try {
    return await work(scratch.name);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await scratch.drop(scratch.name).then(forget, (error: unknown) => {
      if (!failed) throw error;
    });
  }
}
