import type { Target } from '../../target/types.js';
import { MysqlSession, quoteIdentifier, stderrErrors, textLiteral, type ClientProgram, type FlavouredVersion } from './clients.js';
import { mysqlMessages } from './messages.js';
import { plainLiteral, SNAPSHOT_SQL_MODE, SNAPSHOT_TABLE } from './snapshot-copy.js';
import { clientScript, createPrograms, parsePrograms, programsInOrder, programsText, showCreateBatch } from './programs.js';
import { exportNonTableObjects, isMovableTable, schemaObjects, swapStatements, type SchemaObject } from './swap.js';

export interface DumpContext {
  session: MysqlSession;
  dump: ClientProgram;
  dumpHelp: string;
  server: FlavouredVersion;
}

/**
 * The server as the snapshot code uses it: plain SQL (rows as text, the SQL
 * client's way), and the client session with the dump tool for what only
 * they can do (programs with DELIMITER, copy scripts with file copies),
 * opened only when needed.
 */
export interface SnapshotServer {
  target: Target;
  query(sql: string): Promise<string[][]>;
  /** query runs through the driver: values come exactly as stored (not escaped the way the SQL client prints them), statements need no DELIMITER. */
  driver: boolean;
  client(): Promise<MysqlSession>;
  dumpContext(): Promise<DumpContext>;
}

/** A SnapshotServer over a client session that is open already (a file restore's). */
export function sessionServer(context: DumpContext): SnapshotServer {
  return { target: context.session.target, query: (sql) => context.session.query(sql), driver: false, client: async () => context.session, dumpContext: async () => context };
}

/** The objects of `database` that are dbsafe's own bookkeeping are not the user's: they never move. */
export async function userObjects(server: SnapshotServer, database: string): Promise<SchemaObject[]> {
  return (await schemaObjects(server, database)).filter((object) => object.name !== SNAPSHOT_TABLE || !isMovableTable(object));
}

/**
 * The objects of a copy of a snapshot (a standby, a restore's own copy):
 * its copy script makes tables only, the programs being text in its row, so
 * the slow lists of triggers, routines and events are not read.
 */
export async function copiedObjects(server: SnapshotServer, database: string): Promise<SchemaObject[]> {
  const rows = await server.query(`SELECT TABLE_TYPE, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${textLiteral(database)};`);
  return rows.map(([kind = '', name = '']) => ({ kind, name })).filter((object) => object.name !== SNAPSHOT_TABLE || !isMovableTable(object));
}

/**
 * Triggers, routines, events and views of `database` as text ('' when it
 * has none): through the driver, the server's SHOW CREATE in one round trip
 * (see programs.ts); over a client session, the dump tool's SQL.
 */
export async function programsOf(server: SnapshotServer, database: string, objects: readonly SchemaObject[]): Promise<string> {
  if (objects.every(isMovableTable)) return '';
  if (!server.driver) return exportNonTableObjects(await server.dumpContext(), database, objects);
  const triggers = objects.filter((object) => object.kind === 'TRIGGER');
  const triggerOrder =
    triggers.length < 2
      ? []
      : (
          await server.query(
            `SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ${textLiteral(database)} ORDER BY EVENT_OBJECT_TABLE, EVENT_MANIPULATION, ACTION_TIMING, ACTION_ORDER;`,
          )
        ).map(([name = '']) => name);
  const programs = programsInOrder(objects, triggerOrder);
  return programsText(programs, await server.query(showCreateBatch(database, programs)));
}

/**
 * Create the programs `sql` holds in `database`: programs.ts's text through
 * the driver, statement by statement; the dump tool's SQL (DELIMITER lines,
 * versioned comments: snapshots taken by earlier versions, file restores)
 * through the SQL client. Returns what went wrong, or null.
 */
export async function loadPrograms(server: SnapshotServer, database: string, sql: string): Promise<string | null> {
  if (sql.trim() === '') return null;
  const programs = parsePrograms(sql);
  if (programs && server.driver) return createPrograms((statement) => server.query(statement), database, programs);
  const script = programs ? clientScript(programs) : sql;
  const session = await server.client();
  const result = await session.runProgram(session.client, session.clientArgs(['--binary-mode', '--batch', `--database=${database}`]), { stdin: script });
  const errors = stderrErrors(result.stderr);
  if (result.code === 0 && errors.length === 0) return null;
  return errors.join(' ') || `the client exited with ${result.code ?? result.signal}`;
}

/** Create `name` as a snapshot database that will hold `tables` tables, with the SQL of the programs that go with them. */
export async function createSnapshotShell(server: SnapshotServer, details: { name: string; like: string; marker: string; tables: number; programs: string }): Promise<void> {
  const [schema] = await server.query(
    `SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${textLiteral(details.like)};`,
  );
  const charset = schema ? ` CHARACTER SET ${schema[0]} COLLATE ${schema[1]}` : ' CHARACTER SET utf8mb4';
  const table = `${quoteIdentifier(details.name)}.${quoteIdentifier(SNAPSHOT_TABLE)}`;
  await server.query(
    `${SNAPSHOT_SQL_MODE}
     CREATE DATABASE ${quoteIdentifier(details.name)}${charset} COMMENT ${plainLiteral(details.marker)};
     CREATE TABLE ${table} (tables INT NOT NULL, programs LONGTEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
     INSERT INTO ${table} VALUES (${details.tables}, ${textLiteral(details.programs)});`,
  );
}

async function stillIn(server: SnapshotServer, database: string, objects: readonly SchemaObject[]): Promise<boolean> {
  const table = objects.find(isMovableTable);
  if (!table) return false;
  const rows = await server.query(
    `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${textLiteral(database)} AND TABLE_NAME = ${textLiteral(table.name)};`,
  );
  return rows[0]?.[0] === '1';
}

/**
 * Put `incoming`'s tables in place of `live`'s and keep the replaced ones as
 * the snapshot `retired`, in this order:
 * 1. `retired` is created with its row (the live programs' SQL, and how
 *    many tables it will hold: until they arrive it is incomplete, and a run
 *    killed here leaves nothing that passes for a snapshot);
 * 2. one RENAME TABLE moves live → retired and incoming → live (see
 *    swapStatements: all pairs or none). Should it fail, the live triggers
 *    and views it dropped first are created again and `retired` goes;
 * 3. the incoming programs are created in `live`.
 * At no point is `live` missing or holding a mix of both states' tables.
 */
export async function swapKeepingReplaced(
  server: SnapshotServer,
  names: { live: string; incoming: string; retired: string; marker: string },
  incoming: { objects: readonly SchemaObject[]; programs: string },
): Promise<void> {
  const { target } = server;
  const liveObjects = await userObjects(server, names.live);
  const livePrograms = await programsOf(server, names.live, liveObjects).catch((error: Error) => {
    throw mysqlMessages.swapFailed(target, `reading the triggers, routines and views of "${names.live}" failed: ${error.message}`);
  });
  await createSnapshotShell(server, { name: names.retired, like: names.live, marker: names.marker, tables: liveObjects.filter(isMovableTable).length, programs: livePrograms });
  try {
    await server.query(swapStatements({ target: names.live, scratch: names.incoming, trash: names.retired }, liveObjects, incoming.objects));
  } catch (error) {
    if (!(await stillIn(server, names.incoming, incoming.objects).catch(() => false))) throw error;
    await loadPrograms(server, names.live, livePrograms);
    await server.query(`SET FOREIGN_KEY_CHECKS = 0; DROP DATABASE IF EXISTS ${quoteIdentifier(names.retired)};`).catch(() => undefined);
    throw mysqlMessages.swapFailed(target, (error as Error).message);
  }
  const failure = await loadPrograms(server, names.live, incoming.programs);
  if (failure) throw mysqlMessages.targetLoadFailed(target, failure);
}
