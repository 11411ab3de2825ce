import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measure, ratioRow, runMeasured, type BenchRow } from './measure.js';
import { RUNS, benchProject, dbsafe, infoRow, median, memoryRow } from './kit.js';

/**
 * SQLite, about 500 MB in WAL mode: dbsafe's backup against sqlite3's
 * `.backup`, and the whole `dbsafe restore --yes` (checksum, safety backup,
 * restore) against `.restore` into the live file. Made fresh in a temporary
 * directory (a few seconds) and removed after.
 */

const ROWS = 3_600_000;

function sqlite(file: string, script: string): void {
  execFileSync('sqlite3', ['-batch', '-init', '/dev/null', file], { input: script, stdio: ['pipe', 'ignore', 'inherit'] });
}

/** A WAL-mode SQLite file of `rows` random numbers and text (about 150 bytes a row): the SQLite benches' dataset. */
export function createRandomSqlite(database: string, rows: number): void {
  sqlite(
    database,
    `PRAGMA journal_mode = WAL;
     CREATE TABLE samples (id INTEGER PRIMARY KEY, amount INTEGER, label TEXT);
     WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${rows})
       INSERT INTO samples (amount, label) SELECT abs(random()) % 1000000000000, hex(randomblob(56)) FROM s;`,
  );
}

export async function sqliteBackupBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-sqlite-'));
  const database = path.join(dir, 'app.db');
  const project = benchProject(`sqlite:${database}`);
  try {
    createRandomSqlite(database, ROWS);
    const rows: BenchRow[] = [infoRow('database: SQLite, WAL mode', `${(statSync(database).size / 1e6).toFixed(0)} MB`)];
    const plainCopy = path.join(dir, 'plain.sqlite');
    const plain: number[] = [];
    const mine: number[] = [];
    const peaks: number[] = [];
    let lastBackup = '';
    for (let run = 0; run < RUNS; run++) {
      rmSync(plainCopy, { force: true });
      plain.push((await runMeasured('sqlite3', ['-batch', '-init', '/dev/null', database, `.backup '${plainCopy}'`])).seconds);
      const backup = await dbsafe(project, ['backup', '--json']);
      mine.push(backup.seconds);
      peaks.push(backup.peakMb);
      lastBackup = (JSON.parse(backup.stdout) as { id: string }).id;
    }
    rows.push(ratioRow('backup: `dbsafe backup` ÷ sqlite3 `.backup`', { seconds: median(mine) }, { seconds: median(plain) }, 1.2));

    const { archive } = (await import('../src/engines/sqlite/archive.js')) as typeof import('../src/engines/sqlite/archive.js');
    const { parseDatabaseUrl } = (await import('../src/target/url.js')) as typeof import('../src/target/url.js');
    const target = parseDatabaseUrl(project.env.DATABASE_URL!, { kind: 'env', name: 'DATABASE_URL' }, project.dir);
    const backupFile = path.join(project.dir, 'backups', `${lastBackup}.sqlite`);
    const plainRestores: number[] = [];
    const steps: number[] = [];
    const restores: number[] = [];
    const restorePeaks: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      plainRestores.push((await runMeasured('sqlite3', ['-batch', '-init', '/dev/null', database, `.restore '${plainCopy}'`])).seconds);
      steps.push((await measure(() => archive.restore(target, backupFile))).seconds);
      const restore = await dbsafe(project, ['restore', lastBackup, '--yes']);
      restores.push(restore.seconds);
      restorePeaks.push(restore.peakMb);
    }
    const plainRestore = { seconds: median(plainRestores) };
    rows.push(ratioRow('restore step (backup copied beside the file, renamed into place) ÷ sqlite3 `.restore`', { seconds: median(steps) }, plainRestore, 1.0));
    rows.push(ratioRow('restore: whole `dbsafe restore --yes` (checksum, the replaced file kept as the safety copy, restore) ÷ sqlite3 `.restore`', { seconds: median(restores) }, plainRestore, 1.0));
    rows.push(memoryRow('memory: dbsafe backup peak RSS, SQLite', peaks));
    rows.push(memoryRow('memory: dbsafe restore peak RSS, SQLite', restorePeaks));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(project.dir, { recursive: true, force: true });
  }
}
