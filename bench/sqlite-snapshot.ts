import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ratioRow, runMeasured, type BenchRow } from './measure.js';
import { RUNS, benchProject, dbsafe, infoRow, median } from './kit.js';
import { createRandomSqlite } from './sqlite-backup.js';

/**
 * SQLite snapshots on about 200 MB in WAL mode, against `cp` of the file in
 * the same run: `dbsafe backup --mode snapshot` then `dbsafe restore ID
 * --yes` (a rename of the standby copy made in the background). Made fresh
 * in a temporary directory and removed after.
 */

const ROWS = 1_450_000;


/** The standby copies made in the background have landed: no measurement pays for another's I/O. */
async function backgroundCopiesDone(database: string): Promise<void> {
  const dir = path.join(path.dirname(database), '.dbsafe-snapshots');
  const pending = () => existsSync(dir) && readdirSync(dir).some((name) => name.includes('.partial-'));
  while (pending()) await new Promise((resolve) => setTimeout(resolve, 50));
}

export async function sqliteSnapshotBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-sqlite-snap-'));
  const database = path.join(dir, 'app.db');
  const project = benchProject(`sqlite:${database}`);
  try {
    createRandomSqlite(database, ROWS);
    const rows: BenchRow[] = [infoRow('database: SQLite, WAL mode', `${(statSync(database).size / 1e6).toFixed(0)} MB`)];
    const copy = path.join(dir, 'copy.db');
    const copies: number[] = [];
    const snapshots: number[] = [];
    const restores: number[] = [];
    const dumpRounds: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      rmSync(copy, { force: true });
      copies.push((await runMeasured('cp', [database, copy])).seconds);
      await backgroundCopiesDone(database);
      const taken = await dbsafe(project, ['backup', '--mode', 'snapshot', '--json']);
      if (taken.code !== 0) throw new Error(`dbsafe backup --mode snapshot failed: ${taken.stderr.trim()}`);
      snapshots.push(taken.seconds);
      await backgroundCopiesDone(database);
      const restored = await dbsafe(project, ['restore', (JSON.parse(taken.stdout) as { id: string }).id, '--yes']);
      if (restored.code !== 0) throw new Error(`dbsafe restore failed: ${restored.stderr.trim()}`);
      restores.push(restored.seconds);
      await backgroundCopiesDone(database);
      const dumped = await dbsafe(project, ['backup', '--mode', 'dump', '--json']);
      const dumpRestored = await dbsafe(project, ['restore', (JSON.parse(dumped.stdout) as { id: string }).id, '--yes', '--mode', 'dump']);
      if (dumpRestored.code !== 0) throw new Error(`dbsafe restore --mode dump failed: ${dumpRestored.stderr.trim()}`);
      dumpRounds.push(dumped.seconds + dumpRestored.seconds);
    }
    await backgroundCopiesDone(database);
    const cp = { seconds: median(copies) };
    // #13 sets no target for SQLite: a snapshot is one durable copy (fsync) and a row count, a restore a rename; two Node starts are most of the rest.
    rows.push({ ...ratioRow('snapshot + restore: `dbsafe backup --mode snapshot` + `dbsafe restore ID --yes` ÷ `cp` of the file', { seconds: median(snapshots) + median(restores) }, cp, 0), target: '', pass: null });
    rows.push({ ...ratioRow('  of which the snapshot ÷ `cp`', { seconds: median(snapshots) }, cp, 3), target: '', pass: null });
    rows.push({ ...ratioRow('  of which the restore (a rename; the next standby copied in the background) ÷ `cp`', { seconds: median(restores) }, cp, 3), target: '', pass: null });
    rows.push({ ...ratioRow('the same with a file backup: `dbsafe backup --mode dump` + `dbsafe restore ID --yes --mode dump` ÷ `cp`', { seconds: median(dumpRounds) }, cp, 0), target: '', pass: null });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(project.dir, { recursive: true, force: true });
  }
}
