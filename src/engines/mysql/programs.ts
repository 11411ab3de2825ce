import { quoteIdentifier, textLiteral } from './clients.js';
import type { SchemaObject } from './swap.js';

/**
 * The triggers, routines, events and views of a database as the server
 * itself states them (SHOW CREATE …, read with the database as the default
 * one, so their names come unqualified), with the sql_mode, character set
 * and time zone each was created under: what `mariadb-dump --routines
 * --triggers --events` writes, read through the connection dbsafe already
 * has instead of a dump tool started per database. Kept as JSON text (a
 * snapshot's row holds it); earlier snapshots hold the dump tool's SQL
 * instead, which parsePrograms tells apart.
 */
export interface Program {
  kind: string;
  name: string;
  create: string;
  sqlMode: string | null;
  charset: string;
  collation: string;
  timeZone: string | null;
}

const FORMAT_KEY = 'dbsafePrograms';

/** Per kind: the SHOW CREATE statement, and which column of its one row holds what. */
const SHOW_CREATE: Record<string, { show: string; create: number; sqlMode: number | null; timeZone: number | null; charset: number }> = {
  PROCEDURE: { show: 'PROCEDURE', create: 2, sqlMode: 1, timeZone: null, charset: 3 },
  FUNCTION: { show: 'FUNCTION', create: 2, sqlMode: 1, timeZone: null, charset: 3 },
  PACKAGE: { show: 'PACKAGE', create: 2, sqlMode: 1, timeZone: null, charset: 3 },
  'PACKAGE BODY': { show: 'PACKAGE BODY', create: 2, sqlMode: 1, timeZone: null, charset: 3 },
  VIEW: { show: 'VIEW', create: 1, sqlMode: null, timeZone: null, charset: 2 },
  TRIGGER: { show: 'TRIGGER', create: 2, sqlMode: 1, timeZone: null, charset: 3 },
  EVENT: { show: 'EVENT', create: 3, sqlMode: 1, timeZone: 2, charset: 4 },
};

/** Created in this order: routines before the views and triggers that call them; views among themselves by their dependencies (loadStatements). */
const KIND_ORDER = ['PACKAGE', 'PACKAGE BODY', 'FUNCTION', 'PROCEDURE', 'VIEW', 'TRIGGER', 'EVENT'];

export function isProgram(object: SchemaObject): boolean {
  return object.kind in SHOW_CREATE;
}

/** `objects`' programs in creation order (triggers in their firing order, as listed by `triggerOrder`). Pure. */
export function programsInOrder(objects: readonly SchemaObject[], triggerOrder: readonly string[] = []): SchemaObject[] {
  const rank = (object: SchemaObject) => KIND_ORDER.indexOf(object.kind) * 1e6 + (object.kind === 'TRIGGER' ? Math.max(triggerOrder.indexOf(object.name), 0) : 0);
  return objects.filter(isProgram).sort((a, b) => rank(a) - rank(b) || (a.kind === 'TRIGGER' ? 0 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One batch: the database as the default one, then one SHOW CREATE per program (one row each). Pure. */
export function showCreateBatch(database: string, programs: readonly SchemaObject[]): string {
  return [
    `USE ${quoteIdentifier(database)};`,
    ...programs.map((program) => `SHOW CREATE ${SHOW_CREATE[program.kind]!.show} ${quoteIdentifier(database)}.${quoteIdentifier(program.name)};`),
  ].join('\n');
}

/** The programs from showCreateBatch's rows, as the text a snapshot keeps. A definition the user may not read (NULL) is an error, not a program left out. Pure. */
export function programsText(programs: readonly SchemaObject[], rows: readonly string[][]): string {
  if (rows.length !== programs.length) throw new Error(`expected ${programs.length} definitions, the server returned ${rows.length}`);
  const read = programs.map((program, index): Program => {
    const columns = SHOW_CREATE[program.kind]!;
    const row = rows[index]!;
    const create = row[columns.create];
    if (create === undefined || create === 'NULL') throw new Error(`the definition of ${program.kind.toLowerCase()} ${program.name} cannot be read by this user (SHOW CREATE shows none)`);
    return {
      kind: program.kind,
      name: program.name,
      create,
      sqlMode: columns.sqlMode === null ? null : (row[columns.sqlMode] ?? ''),
      charset: row[columns.charset] ?? 'utf8mb4',
      collation: row[columns.charset + 1] ?? 'utf8mb4_general_ci',
      timeZone: columns.timeZone === null ? null : (row[columns.timeZone] ?? null),
    };
  });
  return read.length === 0 ? '' : JSON.stringify({ [FORMAT_KEY]: 1, programs: read });
}

/** The programs of a text programsText wrote; null for any other text (the dump tool's SQL of earlier snapshots). Pure. */
export function parsePrograms(text: string): Program[] | null {
  if (!text.startsWith(`{"${FORMAT_KEY}"`)) return null;
  return (JSON.parse(text) as { programs: Program[] }).programs;
}

/** The statements creating one program in the current database, under the settings it was created with. Pure. */
export function createStatements(program: Program): string[] {
  return [
    `SET SESSION character_set_client = ${textLiteral(program.charset)}, collation_connection = ${textLiteral(program.collation)}${
      program.sqlMode === null ? '' : `, sql_mode = ${textLiteral(program.sqlMode)}`
    }${program.timeZone === null ? '' : `, time_zone = ${textLiteral(program.timeZone)}`};`,
    `${program.create};`,
  ];
}

/**
 * Create `programs` in `database` one by one through `run`, the session's
 * settings put back afterwards. A view naming a view not created yet fails
 * and is tried again once others went in, until none is left or a round
 * creates nothing (then its error is the answer). Returns what went wrong,
 * or null.
 */
export async function createPrograms(run: (sql: string) => Promise<unknown>, database: string, programs: readonly Program[]): Promise<string | null> {
  if (programs.length === 0) return null;
  await run(`SET @dbsafe_sql_mode = @@SESSION.sql_mode, @dbsafe_time_zone = @@SESSION.time_zone; USE ${quoteIdentifier(database)};`);
  try {
    let pending = [...programs];
    while (pending.length > 0) {
      const failed: Array<{ program: Program; error: string }> = [];
      for (const program of pending) {
        await run(createStatements(program).join('\n')).catch((error: Error) => failed.push({ program, error: error.message }));
      }
      const retried = failed.filter((failure) => failure.program.kind === 'VIEW');
      if (failed.length > retried.length || retried.length === pending.length) return failed.map((failure) => `${failure.program.kind.toLowerCase()} ${failure.program.name}: ${failure.error}`).join('; ');
      pending = retried.map((failure) => failure.program);
    }
    return null;
  } finally {
    await run('SET NAMES utf8mb4; SET SESSION sql_mode = @dbsafe_sql_mode, time_zone = @dbsafe_time_zone;').catch(() => undefined);
  }
}

/** Programs as a script for the SQL client (a server reached through a client session only), each statement ended by a delimiter no definition holds. Pure. */
export function clientScript(programs: readonly Program[]): string {
  let delimiter = '$$dbsafe$$';
  while (programs.some((program) => program.create.includes(delimiter))) delimiter = `$${delimiter}$`;
  const statements = programs.flatMap((program) => createStatements(program).map((statement) => `${statement.slice(0, -1)}${delimiter}`));
  return [`DELIMITER ${delimiter}`, ...statements, 'DELIMITER ;', ''].join('\n');
}
