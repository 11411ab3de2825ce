import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { isLocalTarget } from '../container/choose.js';
import { processStartTime, recordScratchDatabase, scratchRecordFile } from '../scratch-database.js';
import { writeSecretFile } from '../tools.js';
import type { BlockingSession, SnapshotFacts, SnapshotOps } from '../types.js';
import type { Target } from '../../target/types.js';
import { SNAPSHOT_PREFIX } from '../../store/snapshot-naming.js';
import { MysqlSession, quoteIdentifier, serverLabel, stderrErrors, textLiteral } from './clients.js';
import { mysqlPlacement } from './container.js';
import { chooseCopyMethod, COPY_METHOD_LABEL, copyScript, isCompleteSnapshot, SNAPSHOT_TABLE, type CopyMethod, type CopyPlan, type TableFacts } from './snapshot-copy.js';
import { mysqlSnapshotMessages } from './snapshot-messages.js';
import { loadPrograms, programsOf, swapKeepingReplaced, userObjects, type DumpContext } from './snapshot-swap.js';

/** Global privileges a snapshot needs: copy the tables, create the programs again, lock the source while it is read. */
const NEEDED_PRIVILEGES = ['SELECT', 'INSERT', 'CREATE', 'DROP', 'ALTER', 'INDEX', 'LOCK TABLES', 'CREATE VIEW', 'SHOW VIEW', 'TRIGGER', 'CREATE ROUTINE', 'ALTER ROUTINE', 'EVENT'] as const;

async function withSession<T>(target: Target, purpose: string, work: (session: MysqlSession) => Promise<T>): Promise<T> {
  const session = await MysqlSession.open(target, purpose);
  try {
    return await work(session);
  } finally {
    session.close();
  }
}

async function dumpContext(session: MysqlSession, purpose: string): Promise<DumpContext> {
  const server = await session.serverVersion();
  return { session, server, ...(await session.dumpTool(server, purpose)) };
}

const schemaLiteral = (name: string) => textLiteral(name);

async function schemaExists(session: MysqlSession, name: string): Promise<boolean> {
  const rows = await session.query(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${schemaLiteral(name)};`);
  return rows[0]?.[0] === '1';
}

/** Base tables, system-versioned tables and sequences of `database`, with what decides how they can be copied. */
async function tableFacts(session: MysqlSession, database: string): Promise<TableFacts[]> {
  const rows = await session.query(
    `SELECT t.TABLE_NAME, t.TABLE_TYPE, IFNULL(t.ENGINE, ''), IFNULL(t.CREATE_OPTIONS, ''),
       EXISTS(SELECT 1 FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = t.TABLE_SCHEMA AND s.TABLE_NAME = t.TABLE_NAME AND s.INDEX_TYPE = 'FULLTEXT')
     FROM information_schema.TABLES t
     WHERE t.TABLE_SCHEMA = ${schemaLiteral(database)} AND t.TABLE_TYPE <> 'VIEW' AND t.TABLE_NAME <> ${textLiteral(SNAPSHOT_TABLE)}
     ORDER BY t.TABLE_NAME;`,
  );
  return rows.map(([name = '', type = '', engine = '', createOptions = '', fulltext = '0']) => ({ name, type, engine, createOptions, hasFulltext: fulltext === '1' }));
}

/** The server's data directory when dbsafe can copy files in it itself: tools on this machine, the server local, the directories writable. */
async function writableDataDirectory(session: MysqlSession, database: string): Promise<string | null> {
  if (session.exec || !isLocalTarget(session.target) || process.env.DBSAFE_MYSQL_SNAPSHOT_COPY === 'logical') return null;
  const [row] = await session.query('SELECT @@datadir;');
  const dir = row?.[0];
  if (!dir) return null;
  try {
    accessSync(dir, constants.W_OK);
    accessSync(path.join(dir, database), constants.R_OK | constants.W_OK);
    return dir;
  } catch {
    return null;
  }
}

/** Everything the copy script needs, read from the source database. */
async function readCopyPlan(session: MysqlSession, from: string, to: string, comment: string, snapshotRow: CopyPlan['snapshotRow'], method?: CopyMethod): Promise<CopyPlan> {
  const [schema] = await session.query(
    `SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${schemaLiteral(from)};`,
  );
  if (!schema) throw mysqlSnapshotMessages.sourceMissing(session.target, from);
  const facts = await tableFacts(session, from);
  const columns = new Map(
    (
      await session.query(
        `SET SESSION group_concat_max_len = 16777216;
         SELECT TABLE_NAME, GROUP_CONCAT(CONCAT('\`', REPLACE(COLUMN_NAME, '\`', '\`\`'), '\`') ORDER BY ORDINAL_POSITION SEPARATOR ', ')
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ${schemaLiteral(from)} AND IS_GENERATED = 'NEVER' GROUP BY TABLE_NAME;`,
      )
    ).map(([name = '', list = '']) => [name, list.split(', ')]),
  );
  const creates =
    facts.length === 0 ? [] : await session.query(facts.map((table) => `SHOW CREATE TABLE ${quoteIdentifier(from)}.${quoteIdentifier(table.name)};`).join('\n'));
  const dataDirectory = method === 'logical' ? null : await writableDataDirectory(session, from);
  const chosen =
    method ??
    chooseCopyMethod(facts, {
      dataDirectoryWritable: dataDirectory !== null,
      tableFileExists: (table) => dataDirectory !== null && existsSync(path.join(dataDirectory, from, `${table}.ibd`)),
    });
  return {
    from,
    to,
    tables: facts.map((table, index) => ({ name: table.name, createStatement: creates[index]?.[1] ?? '', columns: columns.get(table.name) ?? [] })),
    method: chosen,
    charset: schema[0]!,
    collation: schema[1]!,
    comment,
    snapshotRow,
    ...(dataDirectory ? { dataDirectory } : {}),
  };
}

/** Run a copy script in the client (not in binary mode: the tablespace method's file copies are client `system` lines). */
async function runCopy(session: MysqlSession, script: string): Promise<string | null> {
  const result = await session.runProgram(session.client, session.clientArgs(['--batch']), { stdin: script });
  const errors = stderrErrors(result.stderr);
  if (result.code === 0 && errors.length === 0) return null;
  return errors.join(' ') || `the client exited with ${result.code ?? result.signal}`;
}

async function dropDatabase(session: MysqlSession, name: string): Promise<void> {
  // A snapshot's tables may be referenced by foreign keys from its own other tables; a lock held elsewhere must not hang the drop.
  const drop = `SET SESSION lock_wait_timeout = 60; SET FOREIGN_KEY_CHECKS = 0; DROP DATABASE IF EXISTS ${quoteIdentifier(name)};`;
  try {
    await session.query(drop);
  } catch (error) {
    // A tablespace copy cut off between its file copy and IMPORT leaves files the server does not know, and it then cannot remove the directory.
    const dir = name.startsWith(SNAPSHOT_PREFIX) ? await writableDataDirectory(session, name) : null;
    if (!dir || !/errno: 39|Directory not empty/i.test((error as Error).message)) throw error;
    for (const file of readdirSync(path.join(dir, name))) if (/\.(ibd|cfg)$/.test(file)) rmSync(path.join(dir, name, file), { force: true });
    await session.query(drop);
  }
}

/**
 * Copy with the fastest method the server allows; a tablespace copy that
 * fails (a data directory that only looked like the server's, a table
 * IMPORT refuses) is dropped and made again row by row.
 */
async function copyDatabase(session: MysqlSession, plan: CopyPlan): Promise<CopyMethod> {
  const failure = await runCopy(session, copyScript(plan));
  if (failure === null) return plan.method;
  await dropDatabase(session, plan.to);
  if (plan.method === 'logical') throw mysqlSnapshotMessages.copyFailed(session.target, plan.from, failure);
  const logical = { ...plan, method: 'logical' as const };
  const again = await runCopy(session, copyScript(logical));
  if (again === null) return 'logical';
  await dropDatabase(session, plan.to);
  throw mysqlSnapshotMessages.copyFailed(session.target, plan.from, again);
}

async function snapshotRow(session: MysqlSession, name: string): Promise<{ tables: number; programs: string } | null> {
  const present = await session.query(
    `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${schemaLiteral(name)} AND TABLE_NAME = ${textLiteral(SNAPSHOT_TABLE)};`,
  );
  if (present[0]?.[0] !== '1') return null;
  const [row] = await session.query(`SELECT tables, programs FROM ${quoteIdentifier(name)}.${quoteIdentifier(SNAPSHOT_TABLE)} LIMIT 1;`);
  return row ? { tables: Number(row[0]), programs: row[1] ?? '' } : null;
}

/**
 * A database of dbsafe's snapshot shape exists only once complete (its row
 * written, all its tables there): a copy still being made, or cut off, is
 * not a snapshot. Any other database exists when the server has it.
 */
async function exists(session: MysqlSession, name: string): Promise<boolean> {
  if (!(await schemaExists(session, name))) return false;
  if (!name.startsWith(SNAPSHOT_PREFIX)) return true;
  const row = await snapshotRow(session, name);
  return isCompleteSnapshot({ row, tableCount: (await tableFacts(session, name)).length });
}

async function countRows(session: MysqlSession, database: string): Promise<Record<string, number>> {
  const tables = (await tableFacts(session, database)).filter((table) => table.type !== 'SEQUENCE');
  if (tables.length === 0) return {};
  const rows = await session.query(
    `${tables.map((table) => `SELECT ${textLiteral(table.name)}, COUNT(*) FROM ${quoteIdentifier(database)}.${quoteIdentifier(table.name)}`).join('\nUNION ALL ')};`,
  );
  return Object.fromEntries(rows.map(([name = '', count = '0']) => [name, Number(count)]));
}

async function databaseBytes(session: MysqlSession, database: string): Promise<number> {
  const [row] = await session.query(`SELECT IFNULL(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${schemaLiteral(database)};`);
  return Number(row?.[0] ?? 0);
}

async function sessionsOn(session: MysqlSession, database: string): Promise<BlockingSession[]> {
  // performance_schema knows the client program's name when it is on; without it the user and what the session does must do.
  const rows = await session.query(
    `SELECT p.ID, p.USER, p.HOST, p.COMMAND, p.TIME FROM information_schema.PROCESSLIST p
     WHERE p.DB = ${schemaLiteral(database)} AND p.ID <> CONNECTION_ID() AND p.COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Killed') ORDER BY p.ID;`,
  );
  const programs = new Map<string, string>();
  if (rows.length > 0) {
    const attrs = await session
      .query(`SELECT PROCESSLIST_ID, ATTR_VALUE FROM performance_schema.session_connect_attrs WHERE ATTR_NAME = 'program_name' AND PROCESSLIST_ID IN (${rows.map((row) => Number(row[0])).join(', ')});`)
      .catch(() => []);
    for (const [id = '', program = ''] of attrs) programs.set(id, program);
  }
  return rows.map(([id = '', user = '', host = '', command = '', time = '0']) => ({
    id,
    application: `${programs.get(id) ?? 'a client'} (user ${user}, ${command === 'Sleep' ? `idle for ${time} s` : `${command.toLowerCase()} for ${time} s`})`,
    client: host.startsWith('localhost') || host === '' ? 'local socket' : host,
    since: null,
  }));
}

async function terminate(session: MysqlSession, database: string, sessions: readonly BlockingSession[]): Promise<void> {
  for (const blocking of sessions) {
    // Gone already: nothing to end.
    await session.query(`KILL CONNECTION ${Number(blocking.id)};`).catch(() => undefined);
  }
  // KILL returns before the thread has ended: wait until none is left (bounded).
  for (let attempt = 0; attempt < 50 && (await sessionsOn(session, database)).some((s) => sessions.some((t) => t.id === s.id)); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The copy script run by a detached client, so the caller does not wait.
 * The name is recorded with the shell's pid as its owner: if the copy dies,
 * the next run drops what is left; once it succeeded the shell removes the
 * record and the copy belongs to its snapshot. The option file and the
 * script live in one private directory the shell removes.
 */
async function copyInBackground(target: Target, from: string, to: string, marker: string): Promise<boolean> {
  return withSession(target, 'copy a MySQL/MariaDB snapshot', async (session) => {
    if (session.exec) return false;
    if (await exists(session, to)) return true;
    // A standby cut off earlier, not being made any more: made again from the start.
    if (await schemaExists(session, to)) await dropDatabase(session, to);
    const plan = await readCopyPlan(session, from, to, marker, { fromSnapshot: true });
    const secret = writeSecretFile('client.cnf', '');
    const dir = path.dirname(secret.file);
    const script = path.join(dir, 'copy.sql');
    writeFileSync(script, copyScript(plan), { mode: 0o600 });
    // The session's option file holds the password: the detached client gets its own copy.
    writeFileSync(secret.file, (await import('./option-file.js')).clientOptionFile(target), { mode: 0o600 });
    const record = scratchRecordFile(target, to);
    const shell =
      'read _; "$0" --defaults-extra-file="$1" --default-character-set=utf8mb4 --batch < "$2" >/dev/null 2>&1; status=$?; [ "$status" -ne 0 ] || rm -f "$3"; rm -rf -- "$4"; exit $status';
    const child = spawn('/bin/sh', ['-c', shell, session.client.path, secret.file, script, record, dir], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    const started = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.on('error', () => resolve(false));
    });
    if (!started || child.pid === undefined) {
      secret.remove();
      return false;
    }
    secret.handOver();
    recordScratchDatabase(target, to, 'snapshot standby copy, being made', { pid: child.pid, processStart: processStartTime(child.pid) });
    child.stdin?.end('\n');
    child.unref();
    return true;
  });
}

export const snapshot: SnapshotOps = {
  async unavailable(target) {
    if (!isLocalTarget(target) && (await mysqlPlacement(target)).kind !== 'container') return mysqlSnapshotMessages.remote(target);
    return withSession(target, 'check MySQL/MariaDB snapshot privileges', async (session) => {
      const granted = new Set(
        (
          await session.query(
            `SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES
             WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''');`,
          )
        ).map(([privilege = '']) => privilege),
      );
      const missing = NEEDED_PRIVILEGES.filter((privilege) => !granted.has(privilege));
      if (missing.length === 0) return null;
      const [user] = await session.query('SELECT CURRENT_USER();');
      return mysqlSnapshotMessages.noPrivilege(user?.[0] ?? target.user ?? '', missing);
    });
  },

  blockingSessions: (target) => withSession(target, 'list sessions on a MySQL/MariaDB database', (session) => sessionsOn(session, target.database)),

  terminateSessions: (target, sessions) => withSession(target, 'end sessions on a MySQL/MariaDB database', (session) => terminate(session, target.database, sessions)),

  async create(target, name, marker): Promise<SnapshotFacts> {
    return withSession(target, 'take a MySQL/MariaDB snapshot', async (session) => {
      const context = await dumpContext(session, 'take a MySQL/MariaDB snapshot');
      const objects = await userObjects(session, target.database);
      const programs = await programsOf(context, target.database, objects);
      const plan = await readCopyPlan(session, target.database, name, marker, { programs });
      const method = await copyDatabase(session, plan);
      return {
        method: COPY_METHOD_LABEL[method],
        serverVersion: serverLabel(context.server),
        sizeBytes: await databaseBytes(session, name),
        tableRows: await countRows(session, name),
      };
    });
  },

  async copy(target, from, to, marker) {
    await withSession(target, 'copy a MySQL/MariaDB snapshot', async (session) => {
      await copyDatabase(session, await readCopyPlan(session, from, to, marker, { fromSnapshot: true }));
    });
  },

  copyInBackground,

  async swapIn(target, standby, safetyCopy, marker) {
    await withSession(target, 'restore a MySQL/MariaDB snapshot', async (session) => {
      const row = await snapshotRow(session, standby);
      if (!row) throw mysqlSnapshotMessages.sourceMissing(target, standby);
      const incoming = { objects: await userObjects(session, standby), programs: row.programs };
      if (!(await schemaExists(session, target.database))) {
        // Dropped since: created again (restoring means it exists afterwards); there is no previous state to keep.
        await session.query(`CREATE DATABASE ${quoteIdentifier(target.database)} CHARACTER SET utf8mb4;`);
      } else {
        // A restore replaces the database anyway; a session in a transaction would hold the swap up.
        await terminate(session, target.database, await sessionsOn(session, target.database));
      }
      const context = await dumpContext(session, 'restore a MySQL/MariaDB snapshot');
      await swapKeepingReplaced(context, { live: target.database, incoming: standby, retired: safetyCopy, marker }, incoming);
      await dropDatabase(session, standby);
    });
  },

  async openForReading(target, name) {
    await withSession(target, 'export a MySQL/MariaDB snapshot', async (session) => {
      const row = await snapshotRow(session, name);
      if (!row) throw mysqlSnapshotMessages.sourceMissing(target, name);
      const failure = await loadPrograms(session, name, row.programs);
      if (failure) throw mysqlSnapshotMessages.copyFailed(target, name, failure);
      await session.query(`DROP TABLE ${quoteIdentifier(name)}.${quoteIdentifier(SNAPSHOT_TABLE)};`);
    });
  },

  async room(target) {
    return withSession(target, 'measure a MySQL/MariaDB database', async (session) => {
      const bytes = await databaseBytes(session, target.database);
      const [row] = await session.query('SELECT @@datadir;');
      const local = !session.exec && isLocalTarget(target) && row?.[0] ? await statfs(row[0]).catch(() => null) : null;
      return { freeBytes: local ? local.bavail * local.bsize : null, databaseBytes: bytes };
    });
  },

  exists: (target, name) => withSession(target, 'look for a MySQL/MariaDB snapshot', (session) => exists(session, name)),

  async drop(target, name) {
    await withSession(target, 'drop a MySQL/MariaDB snapshot', (session) => dropDatabase(session, name));
    // The drop takes over the record of the name it was given (as PostgreSQL's background drop does): gone with the database.
    rmSync(scratchRecordFile(target, name), { force: true });
  },

  tableRows: (target, name) => withSession(target, 'count rows of a MySQL/MariaDB snapshot', (session) => countRows(session, name)),
};
