import { accessSync, constants, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { isLocalTarget } from '../container/choose.js';
import { scratchRecordFile } from '../scratch-database.js';
import { shellCopy, startDetachedCopy } from '../standby-copy.js';
import { findTool, writeSecretFile } from '../tools.js';
import type { SnapshotFacts, SnapshotOps } from '../types.js';
import type { Target } from '../../target/types.js';
import { isSnapshotFamilyName, isStandbyName, SNAPSHOT_PREFIX } from '../../store/snapshot-naming.js';
import { quoteIdentifier, serverLabel, SQL_CLIENTS, stderrErrors, textLiteral } from './clients.js';
import { markerStoreFor } from './live.js';
import { mysqlPlacement } from './container.js';
import { chooseCopyMethod, COPY_METHOD_LABEL, copyScript, isCompleteSnapshot, SNAPSHOT_TABLE, type CopyMethod, type CopyPlan, type TableFacts } from './snapshot-copy.js';
import { mysqlSnapshotMessages } from './snapshot-messages.js';
import { holdConnection, schemaExists, serverVersion, withServer } from './snapshot-server.js';
import { sessionsOn, terminate } from './snapshot-sessions.js';
import { copiedObjects, loadPrograms, programsOf, swapKeepingReplaced, userObjects, type SnapshotServer } from './snapshot-swap.js';

/** Global privileges a snapshot needs: copy the tables, create the programs again, lock the source while it is read. */
const NEEDED_PRIVILEGES = ['SELECT', 'INSERT', 'CREATE', 'DROP', 'ALTER', 'INDEX', 'LOCK TABLES', 'CREATE VIEW', 'SHOW VIEW', 'TRIGGER', 'CREATE ROUTINE', 'ALTER ROUTINE', 'EVENT'] as const;

const TABLES_OF = (database: string) =>
  `FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${textLiteral(database)} AND TABLE_TYPE <> 'VIEW' AND TABLE_NAME <> ${textLiteral(SNAPSHOT_TABLE)}`;

/**
 * Base tables, system-versioned tables and sequences of `database`, with
 * what decides how they can be copied. The schema is a constant in each
 * query: information_schema then opens that database's tables only (a
 * correlated subquery made the server read every table of every database).
 */
async function tableFacts(server: SnapshotServer, database: string): Promise<TableFacts[]> {
  const rows = await server.query(
    `SELECT TABLE_NAME, TABLE_TYPE, IFNULL(ENGINE, ''), IFNULL(CREATE_OPTIONS, '') ${TABLES_OF(database)} ORDER BY TABLE_NAME;
     SELECT DISTINCT '', TABLE_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ${textLiteral(database)} AND INDEX_TYPE = 'FULLTEXT';`,
  );
  const fulltext = new Set(rows.filter((row) => row.length === 2).map((row) => row[1]));
  return rows
    .filter((row) => row.length === 4)
    .map(([name = '', type = '', engine = '', createOptions = '']) => ({ name, type, engine, createOptions, hasFulltext: fulltext.has(name) }));
}

async function tableCount(server: SnapshotServer, database: string): Promise<number> {
  const [row] = await server.query(`SELECT COUNT(*) ${TABLES_OF(database)};`);
  return Number(row?.[0] ?? 0);
}

/**
 * The server's data directory when dbsafe can copy files in it itself (tools
 * on this machine, the server local, the directories writable), or why not.
 */
async function dataDirectoryAccess(server: SnapshotServer, database: string): Promise<{ dir: string } | { why: string }> {
  if (process.env.DBSAFE_MYSQL_SNAPSHOT_COPY === 'logical') return { why: mysqlSnapshotMessages.rowsAskedFor };
  if (!isLocalTarget(server.target)) return { why: mysqlSnapshotMessages.dataDirectoryRemote };
  // A snapshot's name is random: its directory under the server's data directory proves the files are the server's, with no
  // container to look for (which costs a connection and the tools' versions).
  if (!isSnapshotFamilyName(database) && (await mysqlPlacement(server.target)).kind === 'container') return { why: mysqlSnapshotMessages.dataDirectoryInContainer };
  const [row] = await server.query('SELECT @@datadir;');
  const dir = row?.[0];
  if (!dir || dir === 'NULL') return { why: mysqlSnapshotMessages.dataDirectoryUnknown };
  try {
    accessSync(dir, constants.W_OK);
    accessSync(path.join(dir, database), constants.R_OK | constants.W_OK);
    return { dir };
  } catch (error) {
    return { why: mysqlSnapshotMessages.dataDirectoryUnwritable(dir, (error as NodeJS.ErrnoException).code ?? (error as Error).message) };
  }
}

async function writableDataDirectory(server: SnapshotServer, database: string): Promise<string | null> {
  const access = await dataDirectoryAccess(server, database);
  return 'dir' in access ? access.dir : null;
}

/** Everything the copy script needs, read from the source database. */
async function readCopyPlan(server: SnapshotServer, from: string, to: string, comment: string, snapshotRow: CopyPlan['snapshotRow'], method?: CopyMethod): Promise<CopyPlan> {
  const [schema] = await server.query(
    `SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${textLiteral(from)};`,
  );
  if (!schema) throw mysqlSnapshotMessages.sourceMissing(server.target, from);
  const facts = await tableFacts(server, from);
  const columns = new Map(
    (
      await server.query(
        `SET SESSION group_concat_max_len = 16777216;
         SELECT TABLE_NAME, GROUP_CONCAT(CONCAT('\`', REPLACE(COLUMN_NAME, '\`', '\`\`'), '\`') ORDER BY ORDINAL_POSITION SEPARATOR ', ')
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ${textLiteral(from)} AND IS_GENERATED = 'NEVER' GROUP BY TABLE_NAME;`,
      )
    ).map(([name = '', list = '']) => [name, list.match(/`(?:[^`]|``)*`/g) ?? []]),
  );
  const creates =
    facts.length === 0 ? [] : await server.query(facts.map((table) => `SHOW CREATE TABLE ${quoteIdentifier(from)}.${quoteIdentifier(table.name)};`).join('\n'));
  const dataDirectory = method === 'logical' ? null : await writableDataDirectory(server, from);
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
async function runCopy(server: SnapshotServer, script: string): Promise<string | null> {
  const session = await server.client();
  const result = await session.runProgram(session.client, session.clientArgs(['--batch']), { stdin: script });
  const errors = stderrErrors(result.stderr);
  if (result.code === 0 && errors.length === 0) return null;
  return errors.join(' ') || `the client exited with ${result.code ?? result.signal}`;
}

async function dropDatabase(server: SnapshotServer, name: string): Promise<void> {
  // A snapshot's tables may be referenced by foreign keys from its own other tables; a lock held elsewhere must not hang the drop.
  const drop = `SET SESSION lock_wait_timeout = 60; SET FOREIGN_KEY_CHECKS = 0; DROP DATABASE IF EXISTS ${quoteIdentifier(name)};`;
  try {
    await server.query(drop);
  } catch (error) {
    // A tablespace copy cut off between its file copy and IMPORT leaves files the server does not know, and it then cannot remove the directory.
    const dir = name.startsWith(SNAPSHOT_PREFIX) ? await writableDataDirectory(server, name) : null;
    if (!dir || !/errno: 39|Directory not empty/i.test((error as Error).message)) throw error;
    for (const file of readdirSync(path.join(dir, name))) if (/\.(ibd|cfg)$/.test(file)) rmSync(path.join(dir, name, file), { force: true });
    await server.query(drop);
  }
}

/**
 * Copy with the fastest method the server allows; a tablespace copy that
 * fails (a data directory that only looked like the server's, a table
 * IMPORT refuses) is dropped and made again row by row.
 */
async function copyDatabase(server: SnapshotServer, plan: CopyPlan): Promise<CopyMethod> {
  const failure = await runCopy(server, copyScript(plan));
  if (failure === null) return plan.method;
  await dropDatabase(server, plan.to);
  if (plan.method === 'logical') throw mysqlSnapshotMessages.copyFailed(server.target, plan.from, failure);
  const logical = { ...plan, method: 'logical' as const };
  const again = await runCopy(server, copyScript(logical));
  if (again === null) return 'logical';
  await dropDatabase(server, plan.to);
  throw mysqlSnapshotMessages.copyFailed(server.target, plan.from, again);
}

async function snapshotRow(server: SnapshotServer, name: string): Promise<{ tables: number; programs: string } | null> {
  const present = await server.query(
    `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${textLiteral(name)} AND TABLE_NAME = ${textLiteral(SNAPSHOT_TABLE)};`,
  );
  if (present[0]?.[0] !== '1') return null;
  const [row] = await server.query(`SELECT tables, programs FROM ${quoteIdentifier(name)}.${quoteIdentifier(SNAPSHOT_TABLE)} LIMIT 1;`);
  return row ? { tables: Number(row[0]), programs: row[1] ?? '' } : null;
}

/**
 * A database of dbsafe's snapshot shape exists only once complete (its row
 * written, all its tables there): a copy still being made, or cut off, is
 * not a snapshot. Any other database exists when the server has it.
 */
async function exists(server: SnapshotServer, name: string): Promise<boolean> {
  if (!(await schemaExists(server, name))) return false;
  if (!name.startsWith(SNAPSHOT_PREFIX)) return true;
  const row = await snapshotRow(server, name);
  return isCompleteSnapshot({ row, tableCount: await tableCount(server, name) });
}

async function countRows(server: SnapshotServer, database: string): Promise<Record<string, number>> {
  const tables = (await tableFacts(server, database)).filter((table) => table.type !== 'SEQUENCE');
  if (tables.length === 0) return {};
  const rows = await server.query(
    `${tables.map((table) => `SELECT ${textLiteral(table.name)}, COUNT(*) FROM ${quoteIdentifier(database)}.${quoteIdentifier(table.name)}`).join('\nUNION ALL ')};`,
  );
  return Object.fromEntries(rows.map(([name = '', count = '0']) => [name, Number(count)]));
}

async function databaseBytes(server: SnapshotServer, database: string): Promise<number> {
  const [row] = await server.query(`SELECT IFNULL(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${textLiteral(database)};`);
  return Number(row?.[0] ?? 0);
}

/**
 * The copy script run by a detached client, so the caller does not wait,
 * in two halves. The first reads the plan and writes the script and an
 * option file into one private directory (nothing on the server changes:
 * a restore does this while it works). The start looks whether `to` is
 * there already, and runs the script in a detached shell whose pid owns the
 * name's record: if the copy dies, the next run drops what is left; once it
 * succeeded the shell removes the record and the copy belongs to its
 * snapshot. The shell removes the directory either way.
 */
async function prepareCopyInBackground(target: Target, from: string, to: string, marker: string): Promise<() => Promise<boolean>> {
  // The SQL client on this machine runs the script: found on PATH, not asked its version (the copy is server-side SQL), and
  // no container looked for (the data directory is used only where the snapshot's own files are, see dataDirectoryAccess).
  const client = findTool(SQL_CLIENTS);
  const prepared = !client
    ? null
    : await withServer(target, 'copy a MySQL/MariaDB snapshot', async (server) => {
        const plan = await readCopyPlan(server, from, to, marker, { fromSnapshot: true });
        const secret = writeSecretFile('client.cnf', '');
        const dir = path.dirname(secret.file);
        const script = path.join(dir, 'copy.sql');
        writeFileSync(script, copyScript({ ...plan, replacing: true }), { mode: 0o600 });
        // The client gets its own option file: it holds the password.
        writeFileSync(secret.file, (await import('./option-file.js')).clientOptionFile(target), { mode: 0o600 });
        return { client, secret, dir, script };
      });
  return () =>
    withServer(target, 'copy a MySQL/MariaDB snapshot', async (server) => {
      if (await exists(server, to)) {
        prepared?.secret.remove();
        return true;
      }
      if (!prepared) {
        // No copy will replace it: a standby cut off, or emptied by a restore, goes now.
        if (await schemaExists(server, to)) await dropDatabase(server, to);
        return false;
      }
      // A standby cut off earlier, or emptied by the restore that renamed its tables into place, is dropped by the script first.
      const shell =
        '"$0" --defaults-extra-file="$1" --default-character-set=utf8mb4 --batch < "$2" >/dev/null 2>&1; status=$?; [ "$status" -ne 0 ] || rm -f "$3"; rm -rf -- "$4"; exit $status';
      const args = [prepared.client, prepared.secret.file, prepared.script, scratchRecordFile(target, to), prepared.dir];
      return startDetachedCopy(target, to, shellCopy(shell, args), prepared.secret);
    });
}

export const snapshot: SnapshotOps = {
  async unavailable(target) {
    if (!isLocalTarget(target) && (await mysqlPlacement(target)).kind !== 'container') return mysqlSnapshotMessages.remote(target);
    return withServer(target, 'check MySQL/MariaDB snapshot privileges', async (server) => {
      const [version] = await server.query('SELECT VERSION();');
      // The snapshot's marker is its database comment, which MariaDB has from 10.5 and MySQL not at all.
      if (markerStoreFor(version?.[0] ?? '') !== 'comment') return mysqlSnapshotMessages.noSchemaComments(version?.[0] ?? '');
      const granted = new Set(
        (
          await server.query(
            `SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES
             WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''');`,
          )
        ).map(([privilege = '']) => privilege),
      );
      const missing = NEEDED_PRIVILEGES.filter((privilege) => !granted.has(privilege));
      if (missing.length === 0) return null;
      const [user] = await server.query('SELECT CURRENT_USER();');
      return mysqlSnapshotMessages.noPrivilege(user?.[0] ?? target.user ?? '', missing);
    });
  },

  async slowCopy(target) {
    return withServer(target, 'check how a MySQL/MariaDB snapshot would be copied', async (server) => {
      const access = await dataDirectoryAccess(server, target.database);
      return 'why' in access ? mysqlSnapshotMessages.rowsCopied(access.why) : null;
    });
  },

  blockingSessions: (target) => withServer(target, 'list sessions on a MySQL/MariaDB database', (server) => sessionsOn(server, target.database)),

  terminateSessions: (target, sessions) => withServer(target, 'end sessions on a MySQL/MariaDB database', (server) => terminate(server, target.database, sessions)),

  async create(target, name, marker): Promise<SnapshotFacts> {
    return withServer(target, 'take a MySQL/MariaDB snapshot', async (server) => {
      const objects = await userObjects(server, target.database);
      const programs = await programsOf(server, target.database, objects);
      const plan = await readCopyPlan(server, target.database, name, marker, { programs });
      const method = await copyDatabase(server, plan);
      return {
        method: COPY_METHOD_LABEL[method],
        serverVersion: serverLabel(await serverVersion(server)),
        sizeBytes: await databaseBytes(server, name),
        tableRows: await countRows(server, name),
      };
    });
  },

  async copy(target, from, to, marker) {
    await withServer(target, 'copy a MySQL/MariaDB snapshot', async (server) => {
      await copyDatabase(server, await readCopyPlan(server, from, to, marker, { fromSnapshot: true }));
    });
  },

  prepareCopyInBackground,

  holdConnection,

  async swapIn(target, standby, safetyCopy, marker) {
    await withServer(target, 'restore a MySQL/MariaDB snapshot', async (server) => {
      // Independent questions, sent at once on the one connection.
      const [row, objects, liveExists, sessions] = await Promise.all([
        snapshotRow(server, standby),
        copiedObjects(server, standby),
        schemaExists(server, target.database),
        sessionsOn(server, target.database),
      ]);
      if (!row) throw mysqlSnapshotMessages.sourceMissing(target, standby);
      const incoming = { objects, programs: row.programs };
      if (!liveExists) {
        // Dropped since: created again (restoring means it exists afterwards); there is no previous state to keep.
        await server.query(`CREATE DATABASE ${quoteIdentifier(target.database)} CHARACTER SET utf8mb4;`);
      } else {
        // A restore replaces the database anyway; a session in a transaction would hold the swap up.
        await terminate(server, target.database, sessions);
      }
      await swapKeepingReplaced(server, { live: target.database, incoming: standby, retired: safetyCopy, marker }, incoming);
      // The snapshot's standby, now empty, is dropped by the next standby copy in the background (or by its start when none can run).
      if (!isStandbyName(standby)) await dropDatabase(server, standby);
    });
  },

  async openForReading(target, name) {
    await withServer(target, 'export a MySQL/MariaDB snapshot', async (server) => {
      const row = await snapshotRow(server, name);
      if (!row) throw mysqlSnapshotMessages.sourceMissing(target, name);
      const failure = await loadPrograms(server, name, row.programs);
      if (failure) throw mysqlSnapshotMessages.copyFailed(target, name, failure);
      await server.query(`DROP TABLE ${quoteIdentifier(name)}.${quoteIdentifier(SNAPSHOT_TABLE)};`);
    });
  },

  async room(target) {
    return withServer(target, 'measure a MySQL/MariaDB database', async (server) => {
      const bytes = await databaseBytes(server, target.database);
      const [row] = await server.query('SELECT @@datadir;');
      const here = isLocalTarget(target) && (await mysqlPlacement(target)).kind === 'host';
      const local = here && row?.[0] ? await statfs(row[0]).catch(() => null) : null;
      return { freeBytes: local ? local.bavail * local.bsize : null, databaseBytes: bytes };
    });
  },

  exists: (target, name) => withServer(target, 'look for a MySQL/MariaDB snapshot', (server) => exists(server, name)),

  async drop(target, name) {
    await withServer(target, 'drop a MySQL/MariaDB snapshot', (server) => dropDatabase(server, name));
    // The drop takes over the record of the name it was given (as PostgreSQL's background drop does): gone with the database.
    rmSync(scratchRecordFile(target, name), { force: true });
  },

  tableRows: (target, name) => withServer(target, 'count rows of a MySQL/MariaDB snapshot', (server) => countRows(server, name)),
};
