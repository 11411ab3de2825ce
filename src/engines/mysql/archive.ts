import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { checkedFileFeed, checkedFileReader, fileAsStdin, readHeadAndTail } from '../archive-streams.js';
import { toolInfos, type ToolResult } from '../tools.js';
import type { ArchiveOps, BackupFacts, BackupOutput, ProgressSink, RestoreOptions, StoredBytesCheck, TableCounts, ToolInfo } from '../types.js';
import type { Readable } from 'node:stream';
import type { Target } from '../../target/types.js';
import {
  DUMP_TOOLS,
  MysqlSession,
  SANDBOX_LINE,
  SQL_CLIENTS,
  dumpArguments,
  quoteIdentifier,
  serverLabel,
  stderrErrors,
  textLiteral,
} from './clients.js';
import { containerProgram, mysqlPlacement } from './container.js';
import { mysqlMessages } from './messages.js';
import { exportNonTableObjects, isMovableTable, schemaObjects, swapStatements } from './swap.js';
import { withScratchDatabase, type ScratchDatabase } from '../scratch-database.js';

function requireDatabase(target: Target): void {
  if (target.database === '') throw mysqlMessages.noDatabaseName(target);
}

export function scratchDatabaseName(): string {
  return `dbsafe_verify_${randomBytes(6).toString('hex')}`;
}

/** Feed SQL to the client on stdin, into `database`. Returns what went wrong, or null. */
async function loadSql(session: MysqlSession, sql: Readable | string, database: string): Promise<string | null> {
  const result = await session.runProgram(session.client, session.clientArgs(['--binary-mode', '--batch', `--database=${database}`]), { stdin: sql });
  const errors = stderrErrors(result.stderr);
  if (result.code === 0 && errors.length === 0) return null;
  return errors.join(' ') || `the client exited with ${result.code ?? result.signal}`;
}

/**
 * Load a dump file: the client reads the file itself (memory does not grow
 * with its size, no byte passes through Node), from after mariadb-dump's
 * "sandbox mode" first line when there is one (see withoutSandboxLine).
 */
async function loadDump(session: MysqlSession, file: string, database: string, progress?: ProgressSink, check?: StoredBytesCheck): Promise<string | null> {
  const { head } = await readHeadAndTail(file, 4096);
  const newline = head.indexOf(0x0a);
  const skip = newline >= 0 && SANDBOX_LINE.test(head.subarray(0, newline).toString('utf8')) ? newline + 1 : 0;
  const args = session.clientArgs(['--binary-mode', '--batch', `--database=${database}`]);
  // On the host or inside the server's container alike (the container's client reads the descriptor through `docker exec -i`).
  const result = check ? await loadChecked(session, args, file, check, progress, skip) : await session.runProgram(session.client, args, fileAsStdin(file, progress, skip));
  const errors = stderrErrors(result.stderr);
  if (result.code === 0 && errors.length === 0) return null;
  return errors.join(' ') || `the client exited with ${result.code ?? result.signal}`;
}

/**
 * The client fed by this process, which checks every byte of the file as it
 * passes: damaged bytes are the error (the check's, thrown once the client is
 * done), whatever the client made of them.
 */
async function loadChecked(session: MysqlSession, args: string[], file: string, check: StoredBytesCheck, progress: ProgressSink | undefined, skip: number): Promise<ToolResult> {
  const reader = (await checkedFileFeed(file, check, progress, skip)) ?? checkedFileReader(file, check, progress, skip);
  const result = await session.runProgram(session.client, args, { stdin: 'stream' in reader ? reader.stream : reader.stdin }).catch(async (error: unknown) => {
    await reader.close();
    throw error;
  });
  await reader.finish();
  return result;
}

async function databaseExists(session: MysqlSession, name: string): Promise<boolean> {
  const rows = await session.query(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${textLiteral(name)};`);
  return rows[0]?.[0] === '1';
}

/** A scratch database on the session's server: recorded, created empty, dropped (see withScratchDatabase). */
function scratchDatabase(session: MysqlSession, purpose: string): ScratchDatabase {
  return {
    name: scratchDatabaseName(),
    purpose,
    create: (name) => session.query(`CREATE DATABASE ${quoteIdentifier(name)} CHARACTER SET utf8mb4;`).then(() => undefined),
    drop: (name) => dropDatabase(session, name),
  };
}

async function dropDatabase(session: MysqlSession, name: string): Promise<void> {
  // The trash database's tables may still be referenced by foreign keys from elsewhere.
  await session.query(`SET FOREIGN_KEY_CHECKS = 0; DROP DATABASE IF EXISTS ${quoteIdentifier(name)};`);
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
    const { dump, dumpHelp } = await session.dumpTool(server, 'back up a MySQL/MariaDB database');
    // The dump tool writes the store's file itself, as with its own --result-file, while the store hashes behind it; else into the store's pipe or stream.
    const written = (await output.file?.()) ?? null;
    const piped = written ? null : ((await output.pipe?.()) ?? null);
    const direct = written ?? piped;
    const result = await session
      .runProgram(dump, dumpArguments({ optionFile: session.optionFile, dump, server, dumpHelp, database: target.database }), {
        stdout: direct ? { fd: direct.fd } : output.stream(),
      })
      .finally(() => written?.finish().catch(() => undefined));
    await (written ? written.finish() : piped?.finished);
    const errors = stderrErrors(result.stderr);
    if (result.code !== 0 || errors.length > 0) {
      const detail = errors.join(' ') || `exit code ${result.code ?? result.signal}`;
      rmSync(output.path, { force: true });
      if (/Access denied|Unknown database|Can't connect/i.test(detail)) throw mysqlMessages.clientFailed(target, `running ${dump.name}`, detail);
      // The tool wrote the file itself: its "Got errno 28 on write" is the store's disk being full.
      if (/errno 28\b|No space left/i.test(detail)) throw Object.assign(mysqlMessages.dumpFailed(dump.name, detail), { code: 'ENOSPC' });
      throw mysqlMessages.dumpFailed(dump.name, detail);
    }
    return { clientTool: session.label(dump), serverVersion: serverLabel(server) };
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
 * All-or-nothing as far as MySQL allows (DDL commits on its own, so there is
 * no transaction to wrap a restore in):
 * 1. the dump is loaded into a scratch database on the same server — proof
 *    that this server loads all of it (version, sql_mode, charsets,
 *    DEFINERs). If it fails, the target has not been touched;
 * 2. the scratch tables replace the target's in one atomic RENAME TABLE
 *    (see swapStatements), a few milliseconds whatever the size, instead of
 *    a second full load into the target;
 * 3. triggers, routines, events and views, which RENAME cannot move, are
 *    exported from the scratch database with the dump tool and created in
 *    the target (DDL only, already proven to load in step 1).
 * The old tables go to a trash database, dropped at the end with the scratch.
 */
async function restore(target: Target, file: string, progress?: ProgressSink, options: RestoreOptions = {}): Promise<void> {
  requireDatabase(target);
  await checkArchive(file);
  const session = await MysqlSession.open(target, 'restore a MySQL/MariaDB database');
  try {
    const server = await session.serverVersion();
    const { dump, dumpHelp } = await session.dumpTool(server, 'restore a MySQL/MariaDB database');
    await withScratchDatabase(target, scratchDatabase(session, 'restore staging'), async (scratch) => {
      // With options.check, the stored bytes are proved here, before anything moves into the target.
      const failure = await loadDump(session, file, scratch, progress, options.check);
      if (failure) throw mysqlMessages.scratchLoadFailed(target, failure);
      const incoming = await schemaObjects(session, scratch);
      // Only a dump with triggers, routines, events or views costs the export and the second client load.
      const nonTableObjects = incoming.every(isMovableTable)
        ? ''
        : await exportNonTableObjects({ session, dump, dumpHelp, server }, scratch, incoming).catch((error: Error) => {
            throw mysqlMessages.scratchLoadFailed(target, `exporting its triggers, routines and views failed: ${error.message}`);
          });
      // A database dropped since the backup is created again: restoring means it exists afterwards.
      if (!(await databaseExists(session, target.database))) {
        await session.query(`CREATE DATABASE ${quoteIdentifier(target.database)} CHARACTER SET utf8mb4;`);
      }
      // Outside dump mode the replaced tables are kept as a snapshot (the restore's safety copy) instead of a trash database.
      if (options.keepReplaced) {
        const { sessionServer, swapKeepingReplaced } = await import('./snapshot-swap.js');
        const kept = options.keepReplaced;
        const names = { live: target.database, incoming: scratch, retired: kept.name, marker: kept.marker };
        await swapKeepingReplaced(sessionServer({ session, dump, dumpHelp, server }), names, { objects: incoming, programs: nonTableObjects });
        return;
      }
      await withScratchDatabase(target, scratchDatabase(session, 'restore trash (the tables replaced)'), async (trash) => {
        const outgoing = await schemaObjects(session, target.database);
        await session.query(swapStatements({ target: target.database, scratch, trash }, outgoing, incoming)).catch((error: Error) => {
          throw mysqlMessages.swapFailed(target, error.message);
        });
        const programsFailure = nonTableObjects === '' ? null : await loadSql(session, nonTableObjects, target.database);
        if (programsFailure) throw mysqlMessages.targetLoadFailed(target, programsFailure);
      });
    });
  } finally {
    session.close();
  }
}

async function scratchRestore(target: Target, file: string): Promise<TableCounts> {
  await checkArchive(file);
  const session = await MysqlSession.open(target, 'verify a MySQL/MariaDB backup');
  try {
    await session.serverVersion();
    return await withScratchDatabase(target, scratchDatabase(session, 'verify'), async (scratch) => {
      const failure = await loadDump(session, file, scratch);
      if (failure) throw mysqlMessages.verifyLoadFailed(target, failure);
      return countRows(session, scratch);
    });
  } finally {
    session.close();
  }
}

async function clientTools(target?: Target): Promise<ToolInfo[]> {
  const placement = target ? await mysqlPlacement(target).catch(() => null) : null;
  if (placement?.kind === 'container') {
    const { exec } = placement;
    const programs = await Promise.all([containerProgram(exec, DUMP_TOOLS), containerProgram(exec, SQL_CLIENTS)]);
    return programs
      .filter((program) => program !== null)
      .map((program) => ({ name: program.name, path: `${exec.cli} exec ${exec.container.name} ${program.name}`, version: program.version }));
  }
  return toolInfos([
    { names: DUMP_TOOLS, purpose: 'back up MySQL/MariaDB databases' },
    { names: SQL_CLIENTS, purpose: 'restore and verify MySQL/MariaDB backups' },
  ]);
}

export const archive: ArchiveOps = {
  extension: 'sql',
  clientTools,
  async toolPlacement(target: Target) {
    const placement = await mysqlPlacement(target);
    return { container: placement.kind === 'container' ? placement.exec.container.name : null, why: placement.why };
  },
  backup,
  checkArchive,
  checksInStream: true,
  restore,
  scratchRestore,
};
