import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measure, ratioRow, runMeasured, type BenchRow } from './measure.js';
import { PG_BIN, PG_SERVER, RUNS, benchProject, dbsafe, dropPgDatabase, dropPgSnapshotsOf, infoRow, safetyCopyKept, median, memoryRow, pgArgs, psql, waitForRetiredCopies } from './kit.js';

/**
 * dbsafe's PostgreSQL backup and restore against the plain tools on the same
 * pgbench database, measured in the same run: time ratios, and the CLI's own
 * peak memory at two database sizes (it must not grow with the database).
 */

/** pg_restore's own time varies by ±20 % from run to run on a small machine: more runs for a steadier median. */
const RESTORE_RUNS = Math.max(RUNS, 5);

function createPgbenchDatabase(scale: number): string {
  const name = `dbsafe_test_bench_${randomBytes(4).toString('hex')}`;
  psql(`CREATE DATABASE ${name}`);
  execFileSync(`${PG_BIN}/pgbench`, ['-h', PG_SERVER.host, '-p', PG_SERVER.port, '-U', PG_SERVER.user, '-i', '-q', '-s', String(scale), name], { stdio: 'ignore' });
  return name;
}

const dropDatabase = dropPgDatabase;
const urlOf = (database: string) => `postgres://${PG_SERVER.user}@${PG_SERVER.host}:${PG_SERVER.port}/${database}`;

export async function postgresBackupBench(scale: number, smallScale: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const database = createPgbenchDatabase(scale);
  const project = benchProject(urlOf(database));
  const scratch = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-plain-'));
  const freshDatabases: string[] = [];
  try {
    const size = psql(`SELECT pg_size_pretty(pg_database_size('${database}'))`);
    rows.push({ measurement: `database: pgbench -s ${scale}`, value: size, target: '', pass: null });

    // Interleaved runs so that drift on the machine hits both sides alike.
    const plainDump = path.join(scratch, 'plain.dump');
    const plain: number[] = [];
    const mine: number[] = [];
    const peaks: number[] = [];
    let lastBackup = '';
    for (let run = 0; run < RUNS; run++) {
      plain.push((await runMeasured(`${PG_BIN}/pg_dump`, [...pgArgs(database), '-Fc', '-f', plainDump])).seconds);
      const backup = await dbsafe(project, ['backup', '--json']);
      mine.push(backup.seconds);
      peaks.push(backup.peakMb);
      lastBackup = (JSON.parse(backup.stdout) as { id: string }).id;
    }
    rows.push(ratioRow('backup: `dbsafe backup` (zstd -1) ÷ `pg_dump -Fc`', { seconds: median(mine) }, { seconds: median(plain) }, 1.0));

    const { archive } = (await import('../src/engines/postgres/archive.js')) as typeof import('../src/engines/postgres/archive.js');
    const { parseDatabaseUrl } = (await import('../src/target/url.js')) as typeof import('../src/target/url.js');
    const target = parseDatabaseUrl(project.env.DATABASE_URL!, { kind: 'env', name: 'DATABASE_URL' }, project.dir);
    const backupFile = path.join(project.dir, 'backups', `${lastBackup}.dump`);
    const plainRestores: number[] = [];
    const restoreSteps: number[] = [];
    const wholeRestores: number[] = [];
    const restorePeaks: number[] = [];
    let note = '';
    // Interleaved: createdb + pg_restore, the whole command, the restore step alone.
    for (let run = 0; run < RESTORE_RUNS; run++) {
      const fresh = `dbsafe_test_bench_fresh_${randomBytes(4).toString('hex')}`;
      freshDatabases.push(fresh);
      plainRestores.push(
        (
          await measure(async () => {
            psql(`CREATE DATABASE ${fresh}`);
            await runMeasured(`${PG_BIN}/pg_restore`, [...pgArgs(fresh), plainDump]);
          })
        ).seconds,
      );
      dropDatabase(fresh);
      const whole = await dbsafe(project, ['restore', lastBackup, '--yes']);
      if (whole.code !== 0) throw new Error(`dbsafe restore failed: ${whole.stderr}`);
      wholeRestores.push(whole.seconds);
      restorePeaks.push(whole.peakMb);
      note = safetyCopyKept(whole);
      restoreSteps.push((await measure(() => archive.restore(target, backupFile))).seconds);
      await waitForRetiredCopies(database);
    }
    const plainRestore = { seconds: median(plainRestores) };
    rows.push(ratioRow('restore: whole `dbsafe restore ID --yes` (checksum, safety copy kept, restore, swap) ÷ createdb + `pg_restore`', { seconds: median(wholeRestores) }, plainRestore, 1.1));
    rows.push(infoRow('restore: which safety copy the whole command kept', note));
    const step = median(restoreSteps) / plainRestore.seconds;
    rows.push(infoRow('restore step alone (fresh db + pg_restore + swap; old copy dropped in the background) ÷ createdb + `pg_restore`', `${step.toFixed(2)}  (${median(restoreSteps).toFixed(2)} s)`));
    rows.push(memoryRow(`memory: dbsafe backup peak RSS, pgbench -s ${scale}`, peaks));
    rows.push(memoryRow(`memory: dbsafe restore peak RSS, pgbench -s ${scale}`, restorePeaks));
  } finally {
    for (const name of freshDatabases) dropDatabase(name);
    dropPgSnapshotsOf(project);
    dropDatabase(database);
    rmSync(project.dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }

  const small = createPgbenchDatabase(smallScale);
  const smallProject = benchProject(urlOf(small));
  try {
    const backup = await dbsafe(smallProject, ['backup']);
    rows.push({ measurement: `memory: dbsafe backup peak RSS, pgbench -s ${smallScale}`, value: `${backup.peakMb.toFixed(0)} MB`, target: 'same as above', pass: null });
  } finally {
    dropDatabase(small);
    rmSync(smallProject.dir, { recursive: true, force: true });
  }
  return rows;
}
