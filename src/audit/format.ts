import type { AuditEntry } from './entry.js';

function localTime(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The columns of `dbsafe audit`, in order. A new column is a new row. */
const COLUMNS: ReadonlyArray<{ title: string; value: (entry: AuditEntry) => string }> = [
  { title: 'TIME', value: (e) => localTime(e.time) },
  { title: 'OPERATION', value: (e) => e.operation },
  { title: 'DECISION', value: (e) => e.decision },
  { title: 'EXIT', value: (e) => (e.exitCode === null || e.exitCode === undefined ? '-' : String(e.exitCode)) },
  { title: 'BACKUP', value: (e) => e.backupId ?? '-' },
  { title: 'AGENT', value: (e) => e.agent ?? '-' },
  { title: 'DATABASE', value: (e) => e.target ?? '-' },
  { title: 'COMMAND', value: (e) => e.command ?? '-' },
];

/** The entries as an aligned text table, oldest first, with the refusal rules under refused lines. Pure. */
export function formatAuditTable(entries: readonly AuditEntry[]): string {
  const rows = entries.map((entry) => COLUMNS.map((column) => column.value(entry).replace(/\s+/g, ' ')));
  const widths = COLUMNS.map((column, i) => Math.max(column.title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [line(COLUMNS.map((c) => c.title))];
  entries.forEach((entry, i) => {
    lines.push(line(rows[i]!));
    if (entry.rule && entry.decision !== 'allowed') lines.push(`  ↳ ${entry.rule}`);
  });
  return `${lines.join('\n')}\n`;
}
