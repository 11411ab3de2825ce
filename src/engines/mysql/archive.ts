import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileReaderWithProgress, readHeadAndTail } from '../archive-streams.js';
import { missingToolError, runTool } from '../tools.js';
import type { ArchiveOps, BackupFacts, BackupOutput, ProgressSink, TableCounts, ToolInfo } from '../types.js';
import type { Target } from '../../target/types.js';
import {
  DUMP_TOOLS,
  MysqlSession,
  SANDBOX_LINE,
  SQL_CLIENTS,
  chooseDumpTool,
  dumpArguments,
  installedPrograms,
  programLabel,
  quoteIdentifier,
  serverLabel,
  stderrErrors,
  textLiteral,
  toolInfos,
  withoutSandboxLine,
} from './clients.js';
import { mysqlMessages } from './messages.js';

/** How each kind of schema object is dropped; tables of any other type (BASE TABLE, SEQUENCE, SYSTEM VERSIONED) with DROP TABLE. */
const DROP_KEYWORD: Record<string, string> = {
  VIEW: 'VIEW',
  PROCEDURE: 'PROCEDURE',
  FUNCTION: 'FUNCTION',
  PACKAGE: 'PACKAGE',
  'PACKAGE BODY': 'PACKAGE BODY',
  EVENT: 'EVENT',
};

function requireDatabase(target: Target): void {
  if (target.database === '') throw mysqlMessages.noDatabaseName(target);
}

export function scratchDatabaseName(): string {
  return `dbsafe_verify_${randomBytes(6).toString('hex')}`;
}

/** Load a dump into `database` with the SQL client, streaming the file on stdin. */
async function loadDump(session: MysqlSession, file: string, database: string, progress?: ProgressSink): Promise<string | null> {
  const result = await runTool({
    program: session.client.path,
    args: session.clientArgs(['--binary-mode', '--batch', `--database=${database}`]),
    stdin: fileReaderWithProgress(file, progress).pipe(withoutSandboxLine()),
  });
  const errors = stderrErrors(result.stderr);
  if (result.code === 0 && errors.length === 0) return null;
  return errors.join(' ') || `the client exited with ${result.code ?? result.signal}`;
}

async function createScratchDatabase(session: MysqlSession): Promise<string> {
  const name = scratchDatabaseName();
  await session.query(`CREATE DATABASE ${quoteIdentifier(name)} CHARACTER SET utf8mb4;`);
  return name;
}

async function dropDatabase(session: MysqlSession, name: string): Promise<void> {
  await session.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)};`);
}

/** Run `work` with a fresh scratch database that is dropped afterwards, whatever happens; the first error wins. */
async function withScratchDatabase<T>(session: MysqlSession, work: (scratch: string) => Promise<T>): Promise<T> {
  const scratch = await createScratchDatabase(session);
  let failed = false;
  try {
    return await work(scratch);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await dropDatabase(session, scratch).catch((error: unknown) => {
      if (!failed) throw error;
    });
  }
}

/** DROP statements for every table, view, routine and event of `database` (triggers go with their tables). */
export function dropStatements(database: string, objects: ReadonlyArray<{ kind: string; name: string }>): string {
  const qualified = (name: string) => `${quoteIdentifier(database)}.${quoteIdentifier(name)}`;
  const views = objects.filter((object) => object.kind === 'VIEW');
  const tables = objects.filter((object) => !(object.kind in DROP_KEYWORD));
  const others = objects.filter((object) => object.kind in DROP_KEYWORD && object.kind !== 'VIEW');
  const statements = ['SET FOREIGN_KEY_CHECKS = 0;'];
  if (views.length > 0) statements.push(`DROP VIEW IF EXISTS ${views.map((view) => qualified(view.name)).join(', ')};`);
  if (tables.length > 0) statements.push(`DROP TABLE IF EXISTS ${tables.map((table) => qualified(table.name)).join(', ')};`);
  for (const object of others) statements.push(`DROP ${DROP_KEYWORD[object.kind]} IF EXISTS ${qualified(object.name)};`);
  return statements.join('\n');
}

async function schemaObjects(session: MysqlSession, database: string): Promise<Array<{ kind: string; name: string }>> {
  const schema = textLiteral(database);
  const rows = await session.query(
    `SELECT TABLE_TYPE, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${schema}
     UNION ALL SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ${schema}
     UNION ALL SELECT 'EVENT', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ${schema};`,
  );
  return rows.map(([kind = '', name = '']) => ({ kind, name }));
}

async function countRows(session: MysqlSession, database: string): Promise<TableCounts> {
  const rows = await session.query(
    `SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${textLiteral(database)} AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_NAME;`,
  );
  const names = rows.map(([name = '']) => name);
  if (names.length === 0) return { tables: [] };
  const counts = await session.query(
    `${names.map((name) => `SELECT ${textLiteral(name)}, COUNT(*) FROM ${quoteIdentifier(database)}.${quoteIdentifier(name)}`).join('\nUNION ALL ')};`,
  );
  const byName = new Map(counts.map(([name = '', rows = '0']) => [name, Number(rows)]));
  return { tables: names.map((name) => ({ name, rows: byName.get(name) ?? 0 })) };
}

async function backup(target: Target, output: BackupOutput): Promise<BackupFacts> {
  requireDatabase(target);
  const session = await MysqlSession.open(target, 'back up a MySQL/MariaDB database');
  try {
    const server = await session.serverVersion();
    const dump = chooseDumpTool(server, await installedPrograms(DUMP_TOOLS));
    if (!dump) throw missingToolError(server.flavour === 'mariadb' ? DUMP_TOOLS : ['mysqldump', 'mariadb-dump'], 'back up a MySQL/MariaDB database');
    const dumpHelp = dump.flavour === 'mysql' ? (await runTool({ program: dump.path, args: ['--help'] })).stdout : '';
    const result = await runTool({
      program: dump.path,
      args: dumpArguments({ optionFile: session.optionFile, dump, server, dumpHelp, database: target.database }),
      stdout: output.stream(),
    });
    const errors = stderrErrors(result.stderr);
    if (result.code !== 0 || errors.length > 0) {
      const detail = errors.join(' ') || `exit code ${result.code ?? result.signal}`;
      rmSync(output.path, { force: true });
      if (/Access denied|Unknown database|Can't connect/i.test(detail)) throw mysqlMessages.clientFailed(target, `running ${dump.name}`, detail);
      throw mysqlMessages.dumpFailed(dump.name, detail);
    }
    return { clientTool: programLabel(dump), serverVersion: serverLabel(server) };
  } finally {
    session.close();
  }
}

/**
 * A dump is complete when it opens with the tool's header and ends with its
 * "Dump completed" trailer, written only after the last statement. Reading
 * the first and last few KB keeps this instant for any size.
 */
async function checkArchive(file: string): Promise<void> {
  let ends: Awaited<ReturnType<typeof readHeadAndTail>>;
  try {
    ends = await readHeadAndTail(file, 4096);
  } catch (error) {
    throw mysqlMessages.notADump(file, `it cannot be read (${(error as Error).message})`);
  }
  if (ends.length === 0) throw mysqlMessages.notADump(file, 'it is empty');
  const headLines = ends.head.toString('utf8').split('\n');
  const firstLine = SANDBOX_LINE.test(headLines[0] ?? '') ? headLines[1] : headLines[0];
  if (!/^-- (MariaDB|MySQL) dump/.test(firstLine ?? '')) {
    throw mysqlMessages.notADump(file, 'it does not start with the "-- MariaDB dump" or "-- MySQL dump" header');
  }
  const lastLine = ends.tail.toString('utf8').trimEnd().split('\n').pop() ?? '';
  if (!lastLine.startsWith('-- Dump completed')) {
    throw mysqlMessages.notADump(file, 'it does not end with the "-- Dump completed" line, so the dump was cut short');
  }
}

/**
 * All-or-nothing as far as MySQL allows: DDL commits on its own, so the
 * target cannot be swapped in one transaction. The dump is first loaded into
 * a scratch database on the same server, proving that this server loads all
 * of it (version, sql_mode, charset, DEFINERs); only then is every object of
 * the target dropped and the dump loaded into it. A failure in that second
 * load (disk full, connection lost) is reported as a partial restore.
 */
async function restore(target: Target, file: string, progress?: ProgressSink): Promise<void> {
  requireDatabase(target);
  await checkArchive(file);
  const session = await MysqlSession.open(target, 'restore a MySQL/MariaDB database');
  try {
    await session.serverVersion();
    await withScratchDatabase(session, async (scratch) => {
      const failure = await loadDump(session, file, scratch, progress);
      if (failure) throw mysqlMessages.scratchLoadFailed(target, failure);
    });
    await session.query(dropStatements(target.database, await schemaObjects(session, target.database)));
    const failure = await loadDump(session, file, target.database, progress);
    if (failure) throw mysqlMessages.targetLoadFailed(target, failure);
  } finally {
    session.close();
  }
}

async function scratchRestore(target: Target, file: string): Promise<TableCounts> {
  await checkArchive(file);
  const session = await MysqlSession.open(target, 'verify a MySQL/MariaDB backup');
  try {
    await session.serverVersion();
    return await withScratchDatabase(session, async (scratch) => {
      const failure = await loadDump(session, file, scratch);
      if (failure) throw mysqlMessages.verifyLoadFailed(target, failure);
      return countRows(session, scratch);
    });
  } finally {
    session.close();
  }
}

async function clientTools(): Promise<ToolInfo[]> {
  return toolInfos([...DUMP_TOOLS, ...SQL_CLIENTS]);
}

export const archive: ArchiveOps = {
  extension: 'sql',
  clientTools,
  backup,
  checkArchive,
  restore,
  scratchRestore,
};
