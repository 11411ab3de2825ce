import { accessSync, constants, statSync } from 'node:fs';
import { liveErrors } from '../../safety/live-messages.js';
import type { Target } from '../../target/types.js';
import { requireTool, runTool } from '../tools.js';
import type { EnvironmentMarker, LiveOps, ServerFacts } from '../types.js';

/**
 * The marker is the file header's application_id (PRAGMA application_id),
 * set to one of two dbsafe values. It is inside the database, so a copied
 * production file still says what it is, yet `.dump` (the SQL text of a
 * database) does not write it: loading a dump into another file does not
 * carry the marker. A non-zero application_id that is not dbsafe's belongs
 * to another program and is never overwritten.
 */
export const MARKER_IDS: Record<EnvironmentMarker, number> = {
  production: 0x64625350, // "dbSP"
  development: 0x64625344, // "dbSD"
};

export function markerOfApplicationId(id: number): EnvironmentMarker | null {
  const entry = Object.entries(MARKER_IDS).find(([, value]) => value === id);
  return entry ? (entry[0] as EnvironmentMarker) : null;
}

function sqlite3(): string {
  return requireTool(['sqlite3'], 'read and mark SQLite databases');
}

/** Writing needs a write bit on the file: root passes access(W_OK) even on a 0444 file, so the mode is read too. */
function isReadOnlyFile(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
  } catch {
    return true;
  }
  return (statSync(file).mode & 0o222) === 0;
}

async function query(target: Target, sql: string, options: { readOnly: boolean }): Promise<string[]> {
  try {
    statSync(target.database);
  } catch {
    // sqlite3 would create an empty database file: check first.
    throw liveErrors.missingFile(target);
  }
  const args = ['-batch', '-bail', '-noheader', '-list'];
  if (options.readOnly) args.push('-readonly');
  const result = await runTool({ program: sqlite3(), args: [...args, target.database, sql] });
  if (result.code !== 0) {
    const detail = result.stderr.trim().split('\n')[0] ?? `exit ${result.code}`;
    if (/not a database|file is encrypted/i.test(detail)) throw liveErrors.notADatabase(target, detail);
    if (/readonly|read-only|permission/i.test(detail)) throw liveErrors.markerPermission(target, detail);
    throw liveErrors.other(target, detail);
  }
  return result.stdout.trim().split('\n');
}

export const live: LiveOps = {
  async probe(target): Promise<ServerFacts> {
    const [version, applicationId] = await query(target, 'SELECT sqlite_version(); PRAGMA application_id;', { readOnly: true });
    return {
      serverVersion: `SQLite ${version ?? 'unknown'}`,
      standby: false,
      readOnly: isReadOnlyFile(target.database),
      marker: markerOfApplicationId(Number(applicationId)),
    };
  },
  async writeMarker(target, marker) {
    const [current] = await query(target, 'PRAGMA application_id;', { readOnly: true });
    const id = Number(current);
    if (id !== 0 && markerOfApplicationId(id) === null) throw liveErrors.markerOccupied(target, `application_id ${id}`);
    if (isReadOnlyFile(target.database)) throw liveErrors.markerPermission(target, 'the file is read-only');
    await query(target, `PRAGMA application_id = ${MARKER_IDS[marker]};`, { readOnly: false });
  },
};
