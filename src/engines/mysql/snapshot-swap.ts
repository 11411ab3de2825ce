import { MysqlSession, quoteIdentifier, stderrErrors, textLiteral, type ClientProgram, type FlavouredVersion } from './clients.js';
import { mysqlMessages } from './messages.js';
import { plainLiteral, SNAPSHOT_SQL_MODE, SNAPSHOT_TABLE } from './snapshot-copy.js';
import { exportNonTableObjects, isMovableTable, schemaObjects, swapStatements, type SchemaObject } from './swap.js';

export interface DumpContext {
  session: MysqlSession;
  dump: ClientProgram;
  dumpHelp: string;
  server: FlavouredVersion;
}

/** The objects of `database` that are dbsafe's own bookkeeping are not the user's: they never move. */
export async function userObjects(session: MysqlSession, database: string): Promise<SchemaObject[]> {
  return (await schemaObjects(session, database)).filter((object) => object.name !== SNAPSHOT_TABLE || !isMovableTable(object));
}

/** Triggers, routines, events and views of `database` as SQL ('' when it has none: no dump tool run). */
export async function programsOf(context: DumpContext, database: string, objects: readonly SchemaObject[]): Promise<string> {
  if (objects.every(isMovableTable)) return '';
  return exportNonTableObjects(context, database, objects);
}

/** Run SQL written by the dump tool (DELIMITER lines, versioned comments) in `database`. Returns what went wrong, or null. */
export async function loadPrograms(session: MysqlSession, database: string, sql: string): Promise<string | null> {
  if (sql.trim() === '') return null;
  const result = await session.runProgram(session.client, session.clientArgs(['--binary-mode', '--batch', `--database=${database}`]), { stdin: sql });
  const errors = stderrErrors(result.stderr);
  if (result.code === 0 && errors.length === 0) return null;
  return errors.join(' ') || `the client exited with ${result.code ?? result.signal}`;
}

/** Create `name` as a snapshot database that will hold `tables` tables, with the SQL of the programs that go with them. */
export async function createSnapshotShell(session: MysqlSession, details: { name: string; like: string; marker: string; tables: number; programs: string }): Promise<void> {
  const [schema] = await session.query(
    `SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${textLiteral(details.like)};`,
  );
  const charset = schema ? ` CHARACTER SET ${schema[0]} COLLATE ${schema[1]}` : ' CHARACTER SET utf8mb4';
  const table = `${quoteIdentifier(details.name)}.${quoteIdentifier(SNAPSHOT_TABLE)}`;
  await session.query(
    `${SNAPSHOT_SQL_MODE}
     CREATE DATABASE ${quoteIdentifier(details.name)}${charset} COMMENT ${plainLiteral(details.marker)};
     CREATE TABLE ${table} (tables INT NOT NULL, programs LONGTEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
     INSERT INTO ${table} VALUES (${details.tables}, ${textLiteral(details.programs)});`,
  );
}

async function stillIn(session: MysqlSession, database: string, objects: readonly SchemaObject[]): Promise<boolean> {
  const table = objects.find(isMovableTable);
  if (!table) return false;
  const rows = await session.query(
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
  context: DumpContext,
  names: { live: string; incoming: string; retired: string; marker: string },
  incoming: { objects: readonly SchemaObject[]; programs: string },
): Promise<void> {
  const { session } = context;
  const target = session.target;
  const liveObjects = await userObjects(session, names.live);
  const livePrograms = await programsOf(context, names.live, liveObjects).catch((error: Error) => {
    throw mysqlMessages.swapFailed(target, `reading the triggers, routines and views of "${names.live}" failed: ${error.message}`);
  });
  await createSnapshotShell(session, { name: names.retired, like: names.live, marker: names.marker, tables: liveObjects.filter(isMovableTable).length, programs: livePrograms });
  try {
    await session.query(swapStatements({ target: names.live, scratch: names.incoming, trash: names.retired }, liveObjects, incoming.objects));
  } catch (error) {
    if (!(await stillIn(session, names.incoming, incoming.objects).catch(() => false))) throw error;
    await loadPrograms(session, names.live, livePrograms);
    await session.query(`SET FOREIGN_KEY_CHECKS = 0; DROP DATABASE IF EXISTS ${quoteIdentifier(names.retired)};`).catch(() => undefined);
    throw mysqlMessages.swapFailed(target, (error as Error).message);
  }
  const failure = await loadPrograms(session, names.live, incoming.programs);
  if (failure) throw mysqlMessages.targetLoadFailed(target, failure);
}
