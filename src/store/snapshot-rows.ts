/** A table whose row count is not what was recorded when the snapshot was taken. */
export interface RowDifference {
  table: string;
  /** Rows when the snapshot was taken; null: the table was not there then. */
  recorded: number | null;
  /** Rows now; null: the table is gone. */
  now: number | null;
}

/**
 * The tables whose rows differ between the counts recorded when a snapshot
 * was taken and its counts now, tables added or gone included, by name.
 * Empty: the snapshot still holds what was taken. Pure.
 */
export function compareTableRows(recorded: Readonly<Record<string, number>>, now: Readonly<Record<string, number>>): RowDifference[] {
  const tables = [...new Set([...Object.keys(recorded), ...Object.keys(now)])].sort();
  return tables.flatMap((table) => {
    const before = Object.hasOwn(recorded, table) ? recorded[table]! : null;
    const after = Object.hasOwn(now, table) ? now[table]! : null;
    return before === after ? [] : [{ table, recorded: before, now: after }];
  });
}
