import type { BlockingSession } from '../engines/types.js';
import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { EngineName } from '../target/types.js';

/** Where each engine keeps its snapshots, in words: said wherever a snapshot is shown. */
const SNAPSHOT_PLACE: Record<EngineName, string> = {
  postgres: 'on the server',
  mysql: 'on the server',
  sqlite: 'beside the database file',
  mongodb: 'on the server',
};

export function snapshotPlace(engine: EngineName): string {
  return SNAPSHOT_PLACE[engine];
}

function sessionLine(session: BlockingSession): string {
  return `  - session ${session.id}: ${session.application}, from ${session.client}${session.since ? `, connected since ${session.since}` : ''}`;
}

import type { Manifest } from './manifest.js';
import type { RowDifference } from './snapshot-rows.js';

/** What snapshot mode says: which way a copy was taken and why. */
export const snapshotMessages = {
  snapshotTaken: (where: string, manifest: Manifest, seconds: string) =>
    `Snapshot ${manifest.id} of ${where} taken ${snapshotPlace(manifest.engine)} (${manifest.snapshot?.database}, ${seconds} s). It does not survive losing the server; \`dbsafe snapshot export ${manifest.id}\` makes a file backup of it.`,
  fellBack: (reason: string) => `file backup instead of a snapshot: ${reason}`,
  slowSnapshot: (reason: string) => `snapshot taken the slow way, as --mode snapshot asks: ${reason}`,
  blocked: (database: string, sessions: readonly BlockingSession[]) =>
    `${sessions.length === 1 ? 'a session is' : `${sessions.length} sessions are`} connected to ${database}, and a server-side copy needs it to itself:\n${sessions.map(sessionLine).join('\n')}\n  (pass --terminate-connections to end ${sessions.length === 1 ? 'it' : 'them'} and take a snapshot)`,
  terminating: (database: string, sessions: readonly BlockingSession[], consent: string) =>
    `ending ${sessions.length} session(s) on ${database} (${consent}):\n${sessions.map(sessionLine).join('\n')}`,
  sessionsInTheWay: (database: string, sessions: readonly BlockingSession[]) =>
    `${sessions.length === 1 ? 'A session is' : `${sessions.length} sessions are`} connected to ${database}, and a snapshot needs the database to itself:\n${sessions.map(sessionLine).join('\n')}`,
  endSessionsQuestion: (count: number) =>
    `End ${count === 1 ? 'this session' : `these ${count} sessions`} and take a snapshot? (No: a file backup instead, nothing is ended)`,
  restored: (restored: Manifest, where: string, safety: Manifest | null) =>
    `Restored ${restored.snapshot ? 'snapshot ' : ''}${restored.id} into ${where}.` +
    (safety
      ? ` Its previous state is ${safety.snapshot ? `kept ${snapshotPlace(safety.engine)} as snapshot` : 'backup'} ${safety.id} (dbsafe restore ${safety.id}, or dbsafe undo, brings it back).`
      : ' The database did not exist before, so there was no previous state to keep.'),
  invalidMode: (value: string) =>
    new DbsafeError('usage', `--mode must be snapshot, dump or auto, not "${value}". Example: dbsafe backup --mode snapshot`, ExitCode.usage),
  descriptorMismatch: (id: string) =>
    new DbsafeError(
      'snapshot-descriptor-mismatch',
      `The descriptor file of snapshot ${id} no longer matches its manifest, so dbsafe does not trust which database it names. Nothing was touched. Restore another backup from \`dbsafe list\`.`,
      ExitCode.failure,
    ),
  otherServer: (id: string, location: string) =>
    new DbsafeError(
      'snapshot-other-server',
      `Snapshot ${id} lives on the server ${location}, not on the one this command uses; a snapshot can only be restored onto its own server. Use a file backup from \`dbsafe list\`, or \`dbsafe snapshot export ${id}\` on that server first.`,
      ExitCode.failure,
    ),
  missing: (id: string, database: string, location: string) =>
    new DbsafeError(
      'snapshot-missing',
      `Snapshot ${id} cannot be restored: its database ${database} is no longer on ${location} (dropped by hand, or the server was rebuilt). Snapshots live on the server and do not survive losing it. Nothing was touched; restore a file backup from \`dbsafe list\`.`,
      ExitCode.failure,
    ),
  verified: (manifest: Manifest, rows: { compared: true; tables: number; total: number } | { compared: false; why: 'not-recorded' | 'engine' }) =>
    `Snapshot ${manifest.id}: descriptor checksum ok; its database ${manifest.snapshot?.database} is on ${manifest.location}, connections refused; ` +
    (rows.compared
      ? `its ${rows.tables} tables hold the ${rows.total} rows recorded when it was taken.`
      : rows.why === 'not-recorded'
        ? 'its rows were not counted: its manifest recorded no counts to compare with (a snapshot from an older dbsafe, or the database a restore replaced and kept), so its presence was checked only.'
        : 'its rows were not counted: this engine cannot count a snapshot without opening it (presence checked only).') +
    ` (\`dbsafe snapshot export ${manifest.id}\` writes it to a file backup.)`,
  rowsDiffer: (id: string, database: string, differences: readonly RowDifference[]) =>
    new DbsafeError(
      'snapshot-rows-differ',
      `Snapshot ${id} no longer holds what was taken: its database ${database} has ${differences.length === 1 ? 'a table whose rows differ' : `${differences.length} tables whose rows differ`} from the counts recorded then:\n${differences
        .map((d) => `  - ${d.table}: ${d.recorded === null ? 'not there when taken' : `${d.recorded} rows when taken`}, ${d.now === null ? 'gone now' : `${d.now} now`}`)
        .join('\n')}\nSomeone changed it on the server (snapshots refuse connections, so by hand). Do not rely on it: restore a file backup from \`dbsafe list\`, and take a fresh snapshot.`,
      ExitCode.failure,
    ),
  notASnapshot: (id: string) =>
    new DbsafeError('usage', `${id} is a file backup already, not a snapshot: nothing to export. \`dbsafe list\` marks snapshots "(on the server)".`, ExitCode.usage),
  exported: (id: string, manifest: Manifest, where: string) =>
    `Exported snapshot ${id} to the file backup ${manifest.id} (${where}, verified); it survives losing the server.`,
  unsupported: (id: string, reason: string) =>
    new DbsafeError('snapshot-unsupported', `Snapshot ${id} cannot be used here: ${reason}.`, ExitCode.failure),
} as const;
