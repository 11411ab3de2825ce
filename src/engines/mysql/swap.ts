import { MysqlSession, dumpArguments, quoteIdentifier, stderrErrors, textLiteral, withoutSandboxText, type ClientProgram, type FlavouredVersion } from './clients.js';

export interface SchemaObject {
  /** TABLE_TYPE (BASE TABLE, VIEW, SEQUENCE, SYSTEM VERSIONED), ROUTINE_TYPE (PROCEDURE, FUNCTION, PACKAGE…), EVENT or TRIGGER. */
  kind: string;
  name: string;
}

/** How each kind of non-table object is dropped. */
const DROP_KEYWORD: Record<string, string> = {
  VIEW: 'VIEW',
  TRIGGER: 'TRIGGER',
  PROCEDURE: 'PROCEDURE',
  FUNCTION: 'FUNCTION',
  PACKAGE: 'PACKAGE',
  'PACKAGE BODY': 'PACKAGE BODY',
  EVENT: 'EVENT',
};

/** Tables of every type (base tables, sequences, system-versioned tables) move with RENAME TABLE; the rest does not. */
export function isMovableTable(object: SchemaObject): boolean {
  return !(object.kind in DROP_KEYWORD);
}

export async function schemaObjects(session: Pick<MysqlSession, 'query'>, database: string): Promise<SchemaObject[]> {
  const schema = textLiteral(database);
  const rows = await session.query(
    `SELECT TABLE_TYPE, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${schema}
     UNION ALL SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ${schema}
     UNION ALL SELECT 'EVENT', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ${schema}
     UNION ALL SELECT 'TRIGGER', TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ${schema};`,
  );
  return rows.map(([kind = '', name = '']) => ({ kind, name }));
}

/**
 * The statements that put the scratch database's tables in place of the
 * target's, in the order that keeps the unsafe window smallest:
 * 1. triggers of both sides are dropped (MySQL refuses to move a table that
 *    has triggers to another database) and the target's views (a view could
 *    hold the name of an incoming table);
 * 2. ONE `RENAME TABLE` moves the target's tables to the trash database and
 *    the scratch tables into the target — atomic: all pairs move or none,
 *    and foreign keys move with their tables;
 * 3. the target's old routines and events are dropped.
 * Waiting for another session's metadata lock is capped, so a long-running
 * transaction of the application makes the restore fail instead of hang.
 */
export function swapStatements(names: { target: string; scratch: string; trash: string }, target: readonly SchemaObject[], scratch: readonly SchemaObject[]): string {
  const at = (database: string, name: string) => `${quoteIdentifier(database)}.${quoteIdentifier(name)}`;
  const drop = (database: string, object: SchemaObject) => `DROP ${DROP_KEYWORD[object.kind]} IF EXISTS ${at(database, object.name)};`;
  const moves = [
    ...target.filter(isMovableTable).map((table) => `${at(names.target, table.name)} TO ${at(names.trash, table.name)}`),
    ...scratch.filter(isMovableTable).map((table) => `${at(names.scratch, table.name)} TO ${at(names.target, table.name)}`),
  ];
  return [
    'SET SESSION lock_wait_timeout = 60;',
    'SET FOREIGN_KEY_CHECKS = 0;',
    ...scratch.filter((object) => object.kind === 'TRIGGER').map((object) => drop(names.scratch, object)),
    ...target.filter((object) => object.kind === 'TRIGGER' || object.kind === 'VIEW').map((object) => drop(names.target, object)),
    ...(moves.length > 0 ? [`RENAME TABLE ${moves.join(', ')};`] : []),
    ...target.filter((object) => !isMovableTable(object) && object.kind !== 'TRIGGER' && object.kind !== 'VIEW').map((object) => drop(names.target, object)),
  ].join('\n');
}

interface DumpContext {
  session: MysqlSession;
  dump: ClientProgram;
  dumpHelp: string;
  server: FlavouredVersion;
}

/**
 * The scratch database's triggers, routines, events and views as SQL, read
 * with the dump tool itself (unqualified names, sql_mode and character set of
 * each object, views in dependency order), so they can be created in the
 * target once the tables have moved there.
 */
export async function exportNonTableObjects(context: DumpContext, database: string, objects: readonly SchemaObject[]): Promise<string> {
  const views = objects.filter((object) => object.kind === 'VIEW').map((object) => object.name);
  const runs = [{ mode: 'programs' as const, objects: [] as string[] }, ...(views.length > 0 ? [{ mode: 'views' as const, objects: views }] : [])];
  const parts: string[] = [];
  for (const run of runs) {
    const result = await context.session.runProgram(
      context.dump,
      dumpArguments({ optionFile: context.session.optionFile, dump: context.dump, server: context.server, dumpHelp: context.dumpHelp, database, mode: run.mode, objects: run.objects }),
    );
    const errors = stderrErrors(result.stderr);
    if (result.code !== 0 || errors.length > 0) throw new Error(errors.join(' ') || `${context.dump.name} exited with ${result.code ?? result.signal}`);
    parts.push(withoutSandboxText(result.stdout));
  }
  return parts.join('\n');
}
