import path from 'node:path';
import { quoteIdentifier, textLiteral } from './clients.js';

/**
 * A MariaDB/MySQL snapshot is a database of its own on the server, holding
 * copies of the tables and, in one table of dbsafe's (SNAPSHOT_TABLE), the
 * SQL of the triggers, routines, events and views. They are kept as text,
 * not as objects: an event would fire inside the snapshot, and RENAME TABLE
 * cannot move a table that has triggers anyway. That row is written last: a
 * snapshot database without it is a copy cut short (see isCompleteSnapshot).
 */
export const SNAPSHOT_TABLE = '__dbsafe_snapshot';

/** What is copied of one table. */
export interface TableToCopy {
  name: string;
  /** SHOW CREATE TABLE, replayed in the snapshot database (keeps indexes, foreign keys, AUTO_INCREMENT, options). */
  createStatement: string;
  /** Stored (non-generated) columns, quoted, in order: generated columns are computed again, invisible ones are copied too. */
  columns: string[];
}

/** Table facts read from information_schema, deciding whether the files can be copied. */
export interface TableFacts {
  name: string;
  type: string;
  engine: string | null;
  createOptions: string;
  hasFulltext: boolean;
}

export type CopyMethod = 'logical' | 'tablespace';

export const COPY_METHOD_LABEL: Record<CopyMethod, string> = {
  logical: 'CREATE TABLE + INSERT … SELECT under LOCK TABLES … READ',
  tablespace: 'InnoDB transportable tablespaces (FLUSH TABLES … FOR EXPORT, file copy, IMPORT TABLESPACE)',
};

/**
 * Can the tables move as files? Only plain InnoDB tables in their own
 * tablespace file, when the server's data directory is on this machine and
 * writable by us. Anything else (MyISAM, Aria, partitions, full-text
 * indexes, sequences) is copied row by row, all tables the same way so the
 * whole copy is taken under one lock. Pure.
 */
export function chooseCopyMethod(tables: readonly TableFacts[], files: { dataDirectoryWritable: boolean; tableFileExists: (table: string) => boolean }): CopyMethod {
  if (!files.dataDirectoryWritable || tables.length === 0) return 'logical';
  const movable = tables.every(
    (table) => table.type === 'BASE TABLE' && table.engine?.toLowerCase() === 'innodb' && !/partitioned/i.test(table.createOptions) && !table.hasFulltext && files.tableFileExists(table.name),
  );
  return movable ? 'tablespace' : 'logical';
}

/**
 * A plain string literal, for places that take no expression (a database's
 * COMMENT). Only valid under the sql_mode the snapshot scripts set, which
 * does not include NO_BACKSLASH_ESCAPES. Pure.
 */
export function plainLiteral(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The sql_mode of every snapshot script: AUTO_INCREMENT columns keep a 0, and backslashes in literals mean what plainLiteral wrote. */
export const SNAPSHOT_SQL_MODE = "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO';";

const at = (database: string, name: string) => `${quoteIdentifier(database)}.${quoteIdentifier(name)}`;

/** Single-quoted for the client's `system` command, which hands the line to /bin/sh. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface CopyPlan {
  from: string;
  to: string;
  tables: readonly TableToCopy[];
  method: CopyMethod;
  /** Character set and collation of the source database, for the new one. */
  charset: string;
  collation: string;
  comment: string;
  /** The snapshot row: copied from the source snapshot, or written from the live database's SQL and table count. */
  snapshotRow: { fromSnapshot: true } | { programs: string };
  /** The server's data directory (tablespace method only). */
  dataDirectory?: string;
  /** `to` may be there, incomplete (a standby cut off, or emptied by the restore that renamed its tables into place): dropped first. */
  replacing?: boolean;
}

function snapshotRowStatements(plan: CopyPlan): string[] {
  const table = at(plan.to, SNAPSHOT_TABLE);
  const create = `CREATE TABLE ${table} (tables INT NOT NULL, programs LONGTEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;`;
  if ('fromSnapshot' in plan.snapshotRow) return [create, `INSERT INTO ${table} SELECT tables, programs FROM ${at(plan.from, SNAPSHOT_TABLE)};`];
  return [create, `INSERT INTO ${table} VALUES (${plan.tables.length}, ${textLiteral(plan.snapshotRow.programs)});`];
}

/**
 * Shell lines that copy one table's files while FLUSH TABLES … FOR EXPORT
 * holds them. The .cfg goes first: it exists only when the server really
 * wrote it into this directory, so a data directory that only looks like the
 * server's makes the copy fail (no .ibd), and IMPORT then refuses.
 */
function tablespaceCopyLines(dataDirectory: string, from: string, to: string, table: string): string[] {
  const source = (extension: string) => shellQuote(path.join(dataDirectory, from, `${table}.${extension}`));
  const target = (extension: string) => shellQuote(path.join(dataDirectory, to, `${table}.${extension}`));
  const dir = shellQuote(path.join(dataDirectory, to));
  return [
    `system cp ${source('cfg')} ${target('cfg')} && cp --reflink=auto ${source('ibd')} ${target('ibd')} && chown --reference=${dir} ${target('cfg')} ${target('ibd')} || rm -f ${target('cfg')} ${target('ibd')}`,
  ];
}

/**
 * The whole copy as one client script, run in the foreground or by a
 * detached client: create the database (marked with its comment) and the
 * tables, fill them under one lock of all source tables (a consistent state:
 * writers wait, nobody reads a half-written table), then the snapshot row.
 * The client stops at the first failed statement, so the row is never
 * written after a failure. Pure.
 */
export function copyScript(plan: CopyPlan): string {
  const { from, to, tables } = plan;
  const lines = [
    // Waiting for an application's open transaction is capped (the server default is a day).
    'SET SESSION lock_wait_timeout = 30;',
    'SET SESSION foreign_key_checks = 0;',
    SNAPSHOT_SQL_MODE,
    ...(plan.replacing ? [`DROP DATABASE IF EXISTS ${quoteIdentifier(to)};`] : []),
    `CREATE DATABASE ${quoteIdentifier(to)} CHARACTER SET ${plan.charset} COLLATE ${plan.collation} COMMENT ${plainLiteral(plan.comment)};`,
    `USE ${quoteIdentifier(to)};`,
    ...tables.map((table) => `${table.createStatement};`),
  ];
  if (tables.length > 0 && plan.method === 'tablespace') {
    lines.push(
      ...tables.map((table) => `ALTER TABLE ${at(to, table.name)} DISCARD TABLESPACE;`),
      `FLUSH TABLES ${tables.map((table) => at(from, table.name)).join(', ')} FOR EXPORT;`,
      ...tables.flatMap((table) => tablespaceCopyLines(plan.dataDirectory!, from, to, table.name)),
      'UNLOCK TABLES;',
      ...tables.map((table) => `ALTER TABLE ${at(to, table.name)} IMPORT TABLESPACE;`),
      `system rm -f ${tables.map((table) => shellQuote(path.join(plan.dataDirectory!, to, `${table.name}.cfg`))).join(' ')}`,
    );
  } else if (tables.length > 0) {
    lines.push(
      // Under READ COMMITTED, INSERT … SELECT reads without row locks; the table locks keep all tables at one state.
      'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;',
      `LOCK TABLES ${[...tables.map((table) => `${at(from, table.name)} READ`), ...tables.map((table) => `${at(to, table.name)} WRITE`)].join(', ')};`,
      ...tables.map((table) => `INSERT INTO ${at(to, table.name)} (${table.columns.join(', ')}) SELECT ${table.columns.join(', ')} FROM ${at(from, table.name)};`),
      'UNLOCK TABLES;',
    );
  }
  lines.push(...snapshotRowStatements(plan));
  return `${lines.join('\n')}\n`;
}

/** A snapshot database is complete when its row is there and it holds as many tables as the row says (a safety copy gets the row just before its tables arrive). Pure. */
export function isCompleteSnapshot(facts: { row: { tables: number } | null; tableCount: number }): boolean {
  return facts.row !== null && facts.tableCount === facts.row.tables;
}
