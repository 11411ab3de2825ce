import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, measure, ratioRow, runMeasured, type BenchRow } from './measure.js';

/**
 * dbsafe's PostgreSQL backup and restore against the plain tools on the same
 * pgbench database, measured in the same run: time ratios, and the CLI's own
 * peak memory at two database sizes (it must not grow with the database).
 */

const SERVER = { host: '127.0.0.1', port: '5432', user: 'postgres' };
const PG_BIN = '/usr/lib/postgresql/15/bin';
const RUNS = 3;
/** pg_restore's own time varies by ±20 % from run to run on a small machine: more runs for a steadier median. */
const RESTORE_RUNS = 5;

function pgArgs(database: string): string[] {
  return ['-h', SERVER.host, '-p', SERVER.port, '-U', SERVER.user, '-d', database];
}

function psql(sql: string, database = 'postgres'): string {
  return execFileSync(`${PG_BIN}/psql`, [...pgArgs(database), '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], {
    encoding: 'utf8',
    // Cleanup drops with IF EXISTS; their "does not exist, skipping" notices are not results.
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  }).trim();
}

function createPgbenchDatabase(scale: number): string {
  const name = `dbsafe_test_bench_${randomBytes(4).toString('hex')}`;
  psql(`CREATE DATABASE ${name}`);
  execFileSync(`${PG_BIN}/pgbench`, ['-h', SERVER.host, '-p', SERVER.port, '-U', SERVER.user, '-i', '-q', '-s', String(scale), name], { stdio: 'ignore' });
  return name;
}

function dropDatabase(name: string): void {
  psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** dbsafe drops the replaced copy in the background: let it finish before timing anything else. */
async function waitForRetiredCopies(database: string): Promise<void> {
  const pattern = `${database.replace(/_/g, '\\_')}\\_\\_dbsafe\\_%`;
  while (psql(`SELECT count(*) FROM pg_database WHERE datname LIKE '${pattern}'`) !== '0') await new Promise((resolve) => setTimeout(resolve, 100));
}

interface BenchProject {
  dir: string;
  env: NodeJS.ProcessEnv;
}

function benchProject(database: string): BenchProject {
  const dir = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench', private: true, dbsafe: { retention: 50 } }));
  return { dir, env: { PATH: process.env.PATH, HOME: dir, DATABASE_URL: `postgres://${SERVER.user}@${SERVER.host}:${SERVER.port}/${database}` } };
}

function dbsafe(project: BenchProject, args: string[]) {
  return runMeasured(process.execPath, [CLI, ...args], { cwd: project.dir, env: project.env });
}

export async function postgresBackupBench(scale: number, smallScale: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const database = createPgbenchDatabase(scale);
  const project = benchProject(database);
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
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    rows.push(ratioRow('backup: `dbsafe backup` ÷ `pg_dump -Fc`', { seconds: median(mine) }, { seconds: median(plain) }, 1.1));

    const { archive } = (await import('../src/engines/postgres/archive.js')) as typeof import('../src/engines/postgres/archive.js');
    const { parseDatabaseUrl } = (await import('../src/target/url.js')) as typeof import('../src/target/url.js');
    const target = parseDatabaseUrl(project.env.DATABASE_URL!, { kind: 'env', name: 'DATABASE_URL' }, project.dir);
    const backupFile = path.join(project.dir, 'backups', `${lastBackup}.dump`);
    const plainRestores: number[] = [];
    const restoreSteps: number[] = [];
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
      restoreSteps.push((await measure(() => archive.restore(target, backupFile))).seconds);
      await waitForRetiredCopies(database);
    }
    const plainRestore = { seconds: median(plainRestores) };
    rows.push(ratioRow('restore: dbsafe restore step (fresh db + pg_restore + swap; old copy dropped in the background) ÷ createdb + `pg_restore`', { seconds: median(restoreSteps) }, plainRestore, 1.1));

    const full = await dbsafe(project, ['restore', lastBackup, '--yes']);
    await waitForRetiredCopies(database);
    rows.push({
      measurement: 'restore: whole `dbsafe restore --yes` (checksum + pre-restore safety backup + restore) ÷ createdb + `pg_restore`',
      value: `${(full.seconds / plainRestore.seconds).toFixed(2)}  (${full.seconds.toFixed(2)} s)`,
      target: 'informational',
      pass: null,
    });
    rows.push({ measurement: `memory: dbsafe backup peak RSS, pgbench -s ${scale}`, value: `${Math.max(...peaks).toFixed(0)} MB`, target: '< 150 MB', pass: Math.max(...peaks) < 150 });
    rows.push({ measurement: `memory: dbsafe restore peak RSS, pgbench -s ${scale}`, value: `${full.peakMb.toFixed(0)} MB`, target: '< 150 MB', pass: full.peakMb < 150 });
  } finally {
    for (const name of freshDatabases) dropDatabase(name);
    dropDatabase(database);
    rmSync(project.dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }

  const small = createPgbenchDatabase(smallScale);
  const smallProject = benchProject(small);
  try {
    const backup = await dbsafe(smallProject, ['backup']);
    rows.push({ measurement: `memory: dbsafe backup peak RSS, pgbench -s ${smallScale}`, value: `${backup.peakMb.toFixed(0)} MB`, target: 'same as above', pass: null });
  } finally {
    dropDatabase(small);
    rmSync(smallProject.dir, { recursive: true, force: true });
  }
  return rows;
}
