import type { Writable } from 'node:stream';
import type { CompressionSetting } from './compression-setting.js';
import type { EngineName, Target } from '../target/types.js';

/** What a live connection learned about the server and the database. */
export interface ServerFacts {
  /** e.g. "PostgreSQL 15.20", "MariaDB 10.11.19", "SQLite 3.40.1". */
  serverVersion: string;
  /** The server is a standby / replica / secondary (in recovery, read_only replica…). */
  standby: boolean;
  /** The server or database refuses writes (default_transaction_read_only, read_only, a read-only file). */
  readOnly: boolean;
  /** The environment stamped into the database by `dbsafe mark`, or null when none. */
  marker: EnvironmentMarker | null;
}

export type EnvironmentMarker = 'production' | 'development';

/**
 * The live side of an engine: connect with the engine's driver, read facts,
 * stamp the environment marker. Failures throw DbsafeError with the cause and
 * the fix: unreachable server, wrong password, missing database.
 */
export interface LiveOps {
  probe(target: Target): Promise<ServerFacts>;
  writeMarker(target: Target, marker: EnvironmentMarker): Promise<void>;
}

export interface ToolInfo {
  /** Program name as run, e.g. "pg_dump". */
  name: string;
  /** Absolute path of the binary that will be used, or null when missing. */
  path: string | null;
  version: string | null;
  /** Why dbsafe cannot use it (missing, too old), in the engine's own words with the fix; absent when usable or an alternative is installed. */
  problem?: string;
}

/** Called with bytes written so far while a backup or restore streams. */
export type ProgressSink = (bytes: number) => void;

/**
 * Where a backup goes. The store owns the file: it hashes and counts the bytes
 * that pass through `stream()`, so an engine whose tool writes to stdout pipes
 * into it and the archive is never read twice. An engine whose tool can only
 * write a file itself (SQLite's online backup) writes `path` directly; the
 * store then hashes the file afterwards and shows progress from its size.
 */
export interface BackupOutput {
  /** Temporary file the archive is written to; the store verifies, fsyncs and renames it. */
  path: string;
  /** A writable onto `path` (created 0600) that hashes, counts and reports progress. Call it at most once. */
  stream(): Writable;
  /**
   * The same for a child's stdout given to it directly: a file descriptor
   * (a FIFO the store reads with one fixed buffer, so memory stays flat).
   * Give `fd` to the child as its stdout (runTool's `{ fd }`), then await
   * `finished`. Absent, or null where FIFOs are unavailable: use stream().
   * Call at most one of stream() and pipe(), once.
   */
  pipe?(): Promise<{ fd: number; finished: Promise<void> } | null>;
  /**
   * `path` itself as a child's stdout: the child writes the file as it would
   * with its own --result-file, and the store reads behind it, hashing the
   * bytes as stored (no pipe, no copy through Node). Give `fd` to the child
   * (runTool's `{ fd }`); once it has exited, await `finish()`, whatever its
   * exit code. Call at most one of stream(), pipe() and file(), once.
   */
  file?(): Promise<{ fd: number; finish(): Promise<void> }>;
}

export interface BackupFacts {
  /** Client tool and version that wrote the archive ("pg_dump 15.20"). */
  clientTool: string;
  serverVersion: string;
  /** The codec the archive was compressed with in the stream ("zstd -1", "none"); absent when the engine compresses in its own tool or not at all. */
  compression?: string;
}

/** How the configuration asks backups to be made. */
export interface BackupOptions {
  /** The configuration's `compression`; absent: the engine's default. */
  compression?: CompressionSetting;
}

/** Table and row counts of a database, as read after a scratch restore. */
export interface TableCounts {
  tables: Array<{ name: string; rows: number }>;
}

/**
 * The store's check of a backup file's bytes, made while a restore reads
 * them: every byte of the stored file, in order from the first, goes to
 * `update`; `settle` then throws the store's checksum error when they are
 * not the bytes its manifest recorded.
 */
export interface StoredBytesCheck {
  update(chunk: Buffer): void;
  settle(): void;
}

export interface RestoreOptions {
  /**
   * Keep the replaced database under this name (connections refused, marked
   * with `marker`) instead of dropping it: it is the restore's safety copy.
   * Passed only for engines that have SnapshotOps, which must honour it.
   */
  keepReplaced?: { name: string; marker: string };
  /**
   * Check the file's bytes as they are loaded (one read instead of a checksum
   * pass first), and put the restored database in place only once the check
   * has settled; when it throws, drop what was loaded and throw its error,
   * which wins over the tool's own complaint about the same damage. Passed
   * only to engines whose `checksInStream` is true.
   */
  check?: StoredBytesCheck;
}

/**
 * The archive side of an engine: back up, check an archive, restore.
 * Loaded only by commands that need it, so `check` stays fast.
 */
export interface ArchiveOps {
  /** File extension of this engine's backups, without the dot ("dump", "sql", "sqlite", "archive"). */
  extension: string;
  /** Client tools this engine uses, for `doctor` and for error messages. */
  clientTools(target?: Target): Promise<ToolInfo[]>;
  /** Write a backup of `target` into `output` (a temporary file the store renames once verified). */
  backup(target: Target, output: BackupOutput, options?: BackupOptions): Promise<BackupFacts>;
  /**
   * Prove the engine's own tool can read the archive; throws DbsafeError when it cannot.
   * With `target`, the tool that serves that database reads it (it may run inside its container).
   */
  checkArchive(file: string, target?: Target): Promise<void>;
  /** Where this engine's tools run for `target` and why (host, or the container that serves it), for doctor and check. */
  toolPlacement?(target: Target): Promise<{ container: string | null; why: string }>;
  /** The engine's restore honours RestoreOptions.check. */
  checksInStream?: true;
  /** Restore `file` into `target` exactly and, where the engine allows, all-or-nothing. */
  restore(target: Target, file: string, progress?: ProgressSink, options?: RestoreOptions): Promise<void>;
  /** Restore `file` into a throw-away database beside `target`, count tables and rows, drop it. */
  scratchRestore(target: Target, file: string): Promise<TableCounts>;
}

export interface EngineModules {
  live(): Promise<LiveOps>;
  archive(): Promise<ArchiveOps>;
}

export type EngineRegistry = Record<EngineName, EngineModules>;

/** Another session on a database, named so a person can tell whose it is. */
export interface BlockingSession {
  /** The server's id for it (a backend pid, a connection id). */
  id: string;
  application: string;
  client: string;
  /** When it connected (ISO), or null where the server does not say. */
  since: string | null;
}

/** What taking a snapshot learned, for the manifest. */
export interface SnapshotFacts {
  /** How the copy was made ("CREATE DATABASE … TEMPLATE, STRATEGY FILE_COPY"). */
  method: string;
  serverVersion: string;
  /** Space the snapshot uses on the server, or null when unknown. */
  sizeBytes: number | null;
  /** Rows per table when the copy was made, for verify to compare against; absent where the engine cannot count them. */
  tableRows?: Record<string, number>;
}

/**
 * Server-side snapshots: a copy of the database kept on its own server, that
 * refuses connections and is restored by renaming, not by reloading. Names
 * are the store's (see src/store/snapshot-naming.ts); an engine only copies,
 * renames and drops what it is told. Loaded only when a snapshot is asked for.
 */
export interface SnapshotOps {
  /** Why this server cannot hold a snapshot of `target` (remote, no privilege…), or null when it can. */
  unavailable(target: Target): Promise<string | null>;
  /**
   * Why a snapshot of `target` would be taken the slow way here (slower
   * than a file backup, writers waiting meanwhile), or null; absent where
   * an engine has no slow way.
   */
  slowCopy?(target: Target): Promise<string | null>;
  /** Other sessions on the database that would make the copy fail or be inconsistent. */
  blockingSessions(target: Target): Promise<BlockingSession[]>;
  /** End those sessions (only ever called with the person's consent). */
  terminateSessions(target: Target, sessions: readonly BlockingSession[]): Promise<void>;
  /** Copy `target`'s database into the new snapshot `name`, which then refuses connections. */
  create(target: Target, name: string, marker: string): Promise<SnapshotFacts>;
  /**
   * Copy snapshot `from` to `to` (connections refused): the standby a restore
   * renames into place, so the snapshot itself survives every restore.
   */
  copy(target: Target, from: string, to: string, marker: string): Promise<void>;
  /**
   * `copy`, started detached so the caller does not wait, in two halves: what
   * only reads and prepares (a restore does it while it works), then the
   * returned start, resolving false when the copy could not be started (the
   * next restore copies then).
   */
  prepareCopyInBackground(target: Target, from: string, to: string, marker: string): Promise<() => Promise<boolean>>;
  /** Where the engine can: one connection to the server for all the calls on `target` until the returned release (a restore's steps share it). */
  holdConnection?(target: Target): () => Promise<void>;
  /**
   * Put `standby` in place of the live database in one atomic step; the live
   * database is kept as `safetyCopy` (connections refused, marked). Sessions
   * on the live database are ended: a restore replaces it anyway. A note
   * comes back when the engine had to do it another way (SQLite: written in
   * place while another process has the file open), for the person to read.
   */
  swapIn(target: Target, standby: string, safetyCopy: string, marker: string): Promise<void | { note: string }>;
  exists(target: Target, name: string): Promise<boolean>;
  /**
   * Let the client tools connect to `name` (a private copy made for an
   * export, never a snapshot itself). Returns the target that reads it where
   * that is not `target` with `name` as its database (SQLite: a file path).
   */
  openForReading(target: Target, name: string): Promise<void | Target>;
  /** Free space where the server keeps its databases (null when it cannot be seen from here), and the size of `target`'s database. */
  room(target: Target): Promise<{ freeBytes: number | null; databaseBytes: number }>;
  drop(target: Target, name: string): Promise<void>;
  /**
   * Rows per table of snapshot `name`, counted without opening it to other
   * clients (verify compares them with SnapshotFacts.tableRows). Absent where
   * the engine cannot count a snapshot's rows; verify then checks presence only.
   */
  tableRows?(target: Target, name: string): Promise<Record<string, number>>;
}
