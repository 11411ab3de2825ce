import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measure, ratioRow, runMeasured, type BenchRow } from './measure.js';
import { CLEANUP, PG_BIN, PG_SERVER, RUNS, benchProject, dbsafe, dropPgDatabase, dropPgSnapshotsOf, infoRow, safetyCopyKept, median, memoryRow, pgArgs, psql, waitForRetiredCopies } from './kit.js';

/**
 * PostgreSQL on about 1 GB of poorly compressible data (random numbers and
 * md5 text, as DSLR's benchmark uses), where pg_dump's own compression is
 * what the user waits for. The dataset is generated server-side once and
 * kept between runs (a database comment marks it complete);
 * `npm run bench -- --cleanup` drops it.
 */

export const RANDOM_DATABASE = 'dbsafe_bench_random_1gb';
const ROWS = 8_500_000;
const MARKER = `dbsafe bench dataset: ${ROWS} random rows, v1`;

function ensureDataset(): void {
  const comment = psql(`SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '${RANDOM_DATABASE}'`);
  if (comment === MARKER) return;
  // Absent, or left half-made by an interrupted run.
  dropPgDatabase(RANDOM_DATABASE);
  psql(`CREATE DATABASE ${RANDOM_DATABASE}`);
  psql(
    `CREATE TABLE samples (id bigint PRIMARY KEY, amount bigint, ratio double precision, label text);
     INSERT INTO samples SELECT g, (random() * 1e12)::bigint, random(), md5(random()::text) || md5(random()::text) FROM generate_series(1, ${ROWS}) g;`,
    RANDOM_DATABASE,
  );
  // psql -c runs several statements as one transaction, and VACUUM refuses to run inside one.
  psql('VACUUM ANALYZE samples', RANDOM_DATABASE);
  psql(`COMMENT ON DATABASE ${RANDOM_DATABASE} IS '${MARKER}'`);
}

export async function postgresRandomBench(): Promise<BenchRow[]> {
  ensureDataset();
  const rows: BenchRow[] = [infoRow(`database: ${RANDOM_DATABASE}`, psql(`SELECT pg_size_pretty(pg_database_size('${RANDOM_DATABASE}'))`))];
  const project = benchProject(`postgres://${PG_SERVER.user}@${PG_SERVER.host}:${PG_SERVER.port}/${RANDOM_DATABASE}`);
  const scratch = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-plain-'));
  const fresh: string[] = [];
  try {
    const z1Dump = path.join(scratch, 'z1.dump');
    const defaultDump = path.join(scratch, 'default.dump');
    const times = { z1: [] as number[], byDefault: [] as number[], mine: [] as number[] };
    const peaks: number[] = [];
    let lastBackup = { id: '', size: 0 };
    // Interleaved, so that the load other work puts on the machine hits every side alike.
    for (let run = 0; run < RUNS; run++) {
      times.z1.push((await runMeasured(`${PG_BIN}/pg_dump`, [...pgArgs(RANDOM_DATABASE), '-Fc', '-Z1', '-f', z1Dump])).seconds);
      const backup = await dbsafe(project, ['backup', '--json']);
      times.mine.push(backup.seconds);
      peaks.push(backup.peakMb);
      lastBackup = JSON.parse(backup.stdout) as { id: string; size: number };
      times.byDefault.push((await runMeasured(`${PG_BIN}/pg_dump`, [...pgArgs(RANDOM_DATABASE), '-Fc', '-f', defaultDump])).seconds);
    }
    const mine = { seconds: median(times.mine) };
    rows.push(ratioRow('backup: `dbsafe backup` (zstd -1) ÷ `pg_dump -Fc -Z1`', mine, { seconds: median(times.z1) }, 0.6));
    rows.push(ratioRow('backup: `dbsafe backup` (zstd -1) ÷ `pg_dump -Fc` (default level)', mine, { seconds: median(times.byDefault) }, 0.2));
    rows.push(infoRow('size: dbsafe backup vs `pg_dump -Fc -Z1`', `${(lastBackup.size / 1e6).toFixed(0)} MB vs ${(statSync(z1Dump).size / 1e6).toFixed(0)} MB`));
    rmSync(defaultDump, { force: true });

    const { archive } = (await import('../src/engines/postgres/archive.js')) as typeof import('../src/engines/postgres/archive.js');
    const { parseDatabaseUrl } = (await import('../src/target/url.js')) as typeof import('../src/target/url.js');
    const target = parseDatabaseUrl(project.env.DATABASE_URL!, { kind: 'env', name: 'DATABASE_URL' }, project.dir);
    const backupFile = path.join(project.dir, 'backups', `${lastBackup.id}.dump`);
    const plain: number[] = [];
    const steps: number[] = [];
    const wholes: number[] = [];
    const restorePeaks: number[] = [];
    let note = '';
    // Interleaved: createdb + pg_restore, the whole command, the restore step alone.
    for (let run = 0; run < RUNS; run++) {
      const name = `dbsafe_test_bench_fresh_${randomBytes(4).toString('hex')}`;
      fresh.push(name);
      plain.push(
        (
          await measure(async () => {
            psql(`CREATE DATABASE ${name}`);
            await runMeasured(`${PG_BIN}/pg_restore`, [...pgArgs(name), z1Dump]);
          })
        ).seconds,
      );
      dropPgDatabase(name);
      const whole = await dbsafe(project, ['restore', lastBackup.id, '--yes']);
      if (whole.code !== 0) throw new Error(`dbsafe restore failed: ${whole.stderr}`);
      wholes.push(whole.seconds);
      restorePeaks.push(whole.peakMb);
      note = safetyCopyKept(whole);
      // Each kept safety copy is a whole copy of the dataset: drop them as the run goes.
      dropPgSnapshotsOf(project);
      steps.push((await measure(() => archive.restore(target, backupFile))).seconds);
      await waitForRetiredCopies(RANDOM_DATABASE);
    }
    const plainRestore = { seconds: median(plain) };
    rows.push(ratioRow('restore: whole `dbsafe restore ID --yes` (checksum, safety copy kept, restore, swap) ÷ createdb + `pg_restore` (-Z1 dump)', { seconds: median(wholes) }, plainRestore, 1.1));
    rows.push(infoRow('restore: which safety copy the whole command kept', note));
    rows.push(infoRow('restore step alone (zstd -d | pg_restore into a new db + swap) ÷ createdb + `pg_restore`', `${(median(steps) / plainRestore.seconds).toFixed(2)}  (${median(steps).toFixed(2)} s)`));
    rows.push(memoryRow('memory: dbsafe backup peak RSS, 1 GB random', peaks));
    rows.push(memoryRow('memory: dbsafe restore peak RSS, 1 GB random', restorePeaks));
  } finally {
    for (const name of fresh) dropPgDatabase(name);
    dropPgSnapshotsOf(project);
    rmSync(project.dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    // A restore swaps in a new database of the same contents: the mark goes with the name, not the old database.
    if (CLEANUP) dropPgDatabase(RANDOM_DATABASE);
    else psql(`COMMENT ON DATABASE ${RANDOM_DATABASE} IS '${MARKER}'`);
  }
  return rows;
}
