import type { Writable } from 'node:stream';
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
}

export interface BackupFacts {
  /** Client tool and version that wrote the archive ("pg_dump 15.20"). */
  clientTool: string;
  serverVersion: string;
}

/** Table and row counts of a database, as read after a scratch restore. */
export interface TableCounts {
  tables: Array<{ name: string; rows: number }>;
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
  backup(target: Target, output: BackupOutput): Promise<BackupFacts>;
  /**
   * Prove the engine's own tool can read the archive; throws DbsafeError when it cannot.
   * With `target`, the tool that serves that database reads it (it may run inside its container).
   */
  checkArchive(file: string, target?: Target): Promise<void>;
  /** Where this engine's tools run for `target` and why (host, or the container that serves it), for doctor and check. */
  toolPlacement?(target: Target): Promise<{ container: string | null; why: string }>;
  /** Restore `file` into `target` exactly and, where the engine allows, all-or-nothing. */
  restore(target: Target, file: string, progress?: ProgressSink): Promise<void>;
  /** Restore `file` into a throw-away database beside `target`, count tables and rows, drop it. */
  scratchRestore(target: Target, file: string): Promise<TableCounts>;
}

export interface EngineModules {
  live(): Promise<LiveOps>;
  archive(): Promise<ArchiveOps>;
}

export type EngineRegistry = Record<EngineName, EngineModules>;
