import { runTool, toolVersion, type ToolResult } from '../tools.js';
import type { TableCounts } from '../types.js';

/**
 * Rows of a query through the sqlite3 shell. `-json` output needs sqlite3
 * 3.33 (2020); older shells (macOS before 11, CentOS 7, Ubuntu 20.04's 3.31)
 * reject the flag, so they print with separators that cannot occur in names
 * or counts (ASCII unit and record separators) and the header row names the columns.
 */
const UNIT = '\u001f';
const RECORD = '\u001e';

export function supportsJson(version: string | null): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 3 || (major === 3 && minor >= 33);
}

/** Rows printed with `-header -separator US -newline RS`, as objects keyed by the header. Numbers stay text unless they look like integers. Pure. */
export function parseSeparatedRows<T>(stdout: string): T[] {
  const records = stdout.split(RECORD).filter((record) => record !== '' && record !== '\n');
  if (records.length === 0) return [];
  const [header, ...rows] = records.map((record) => record.replace(/^\n/, '').split(UNIT));
  return rows.map((cells) => Object.fromEntries(header!.map((name, i) => [name, /^-?\d+$/.test(cells[i] ?? '') ? Number(cells[i]) : (cells[i] ?? null)])) as T);
}

const jsonSupport = new Map<string, Promise<boolean>>();

export type RunScript = (program: string, database: string, script: string, extraArgs: readonly string[]) => Promise<ToolResult>;

function defaultRunScript(program: string, database: string, script: string, extraArgs: readonly string[]): Promise<ToolResult> {
  return runTool({ program, args: ['-bail', '-batch', '-init', '/dev/null', ...extraArgs, database], stdin: script });
}

/** Run `sql` and return its rows: `-json` where this sqlite3 has it, separated text otherwise. Throws with sqlite3's message on failure. */
export async function queryRows<T>(program: string, database: string, sql: string, options: { json?: boolean; run?: RunScript } = {}): Promise<T[]> {
  const run = options.run ?? defaultRunScript;
  let json = options.json;
  if (json === undefined) {
    if (!jsonSupport.has(program)) jsonSupport.set(program, toolVersion(program).then((line) => supportsJson(line?.split(' ')[0] ?? null)));
    json = await jsonSupport.get(program)!;
  }
  const result = await run(program, database, sql, json ? ['-json'] : ['-header', '-separator', UNIT, '-newline', RECORD]);
  if (result.code !== 0 || result.stderr.trim() !== '') throw new Error(result.stderr.trim().replace(/\s+/g, ' ') || `sqlite3 exited with ${result.code ?? result.signal}`);
  if (!json) return parseSeparatedRows<T>(result.stdout);
  return result.stdout.trim() === '' ? [] : (JSON.parse(result.stdout) as T[]);
}

function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteText(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Rows per ordinary table; virtual tables are skipped (their module may be missing here), their shadow tables are counted. */
export async function countTableRows(program: string, database: string): Promise<TableCounts> {
  const tables = await queryRows<{ name: string }>(
    program,
    database,
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name;\n`,
  );
  if (tables.length === 0) return { tables: [] };
  const counts = await queryRows<{ name: string; rows: number }>(
    program,
    database,
    `${tables.map(({ name }) => `SELECT ${quoteText(name)} AS name, COUNT(*) AS rows FROM ${quoteName(name)}`).join('\nUNION ALL ')};\n`,
  );
  const byName = new Map(counts.map((row) => [row.name, row.rows]));
  return { tables: tables.map(({ name }) => ({ name, rows: byName.get(name) ?? 0 })) };
}
