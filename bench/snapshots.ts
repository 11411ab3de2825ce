import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, measure, ratioRow, runMeasured, type BenchRow, type Timing } from './measure.js';

/**
 * Snapshots against the plain tools on the same pgbench database, in the
 * same run: taking one against pg_dump -Fc, restoring one against createdb +
 * pg_restore, `dbsafe undo`, and a guarded run in each mode.
 */

const SERVER = { host: '127.0.0.1', port: '5432', user: 'postgres' };
const PG_BIN = '/usr/lib/postgresql/15/bin';
const RUNS = 3;

function pgArgs(database: string): string[] {
  return ['-h', SERVER.host, '-p', SERVER.port, '-U', SERVER.user, '-d', database];
}

function psql(sql: string, database = 'postgres'): string {
  return execFileSync(`${PG_BIN}/psql`, [...pgArgs(database), '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], {
    encoding: 'utf8',
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  }).trim();
}

const median = (values: number[]): Timing => ({ seconds: [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]! });

async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * Background work of earlier steps (standby copies, drops) still going:
 * wait, so no measurement pays for another's I/O. A detached copy is
 * recorded (scratch record, its psql as owner) until it has committed.
 */
async function quiet(home: string): Promise<void> {
  const records = path.join(home, '.local', 'state', 'dbsafe', 'scratch-databases');
  const pending = () => {
    try {
      return readdirSync(records).filter((f) => f.endsWith('.json')).some((f) => {
        const record = JSON.parse(readFileSync(path.join(records, f), 'utf8')) as { pid: number };
        try {
          process.kill(record.pid, 0);
          return true;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  };
  await until(() => !pending());
  // Not this very query, whose own text matches the pattern.
  await until(() => psql("SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND application_name IN ('dropdb', 'psql') AND query ILIKE '%DATABASE%dbsafe_snap_%'") === '0');
}

function snapshotNames(dir: string): string[] {
  const backups = path.join(dir, 'backups');
  let files: string[] = [];
  try {
    files = readdirSync(backups);
  } catch {
    return [];
  }
  return files.filter((f) => f.endsWith('.json')).flatMap((f) => {
    const snapshot = (JSON.parse(readFileSync(path.join(backups, f), 'utf8')) as { snapshot?: { database: string } }).snapshot;
    return snapshot ? [snapshot.database] : [];
  });
}

export async function snapshotBench(scale: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const database = `dbsafe_test_bench_${randomBytes(4).toString('hex')}`;
  psql(`CREATE DATABASE ${database}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-snap-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench', private: true, dbsafe: { retention: 50 } }));
  // The project is also the CLI's HOME: give it the ~/.cache a user's home has, where dbsafe keeps its compiled-code cache (src/cli/code-cache.ts).
  mkdirSync(path.join(dir, '.cache'));
  const env = { PATH: process.env.PATH, HOME: dir, DATABASE_URL: `postgres://${SERVER.user}@${SERVER.host}:${SERVER.port}/${database}` };
  const dbsafe = (args: string[]) => runMeasured(process.execPath, [CLI, ...args], { cwd: dir, env });
  const scratch = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-plain-'));
  const fresh: string[] = [];
  try {
    execFileSync(`${PG_BIN}/pgbench`, ['-h', SERVER.host, '-p', SERVER.port, '-U', SERVER.user, '-i', '-q', '-s', String(scale), database], { stdio: 'ignore' });
    rows.push({ measurement: `database: pgbench -s ${scale}`, value: psql(`SELECT pg_size_pretty(pg_database_size('${database}'))`), target: '', pass: null });

    const plainDump = path.join(scratch, 'plain.dump');
    const dumps: number[] = [];
    const snapshots: number[] = [];
    let snapshotId = '';
    for (let run = 0; run < RUNS; run++) {
      dumps.push((await runMeasured(`${PG_BIN}/pg_dump`, [...pgArgs(database), '-Fc', '-f', plainDump])).seconds);
      await quiet(dir);
      const taken = await dbsafe(['backup', '--mode', 'snapshot', '--json']);
      snapshots.push(taken.seconds);
      snapshotId = (JSON.parse(taken.stdout) as { id: string }).id;
      await quiet(dir);
    }
    rows.push(ratioRow('snapshot: `dbsafe backup --mode snapshot` ÷ `pg_dump -Fc`', median(snapshots), median(dumps), 1.5));

    const restores: number[] = [];
    const plainRestores: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const name = `dbsafe_test_bench_fresh_${randomBytes(4).toString('hex')}`;
      fresh.push(name);
      plainRestores.push(
        (
          await measure(async () => {
            psql(`CREATE DATABASE ${name}`);
            await runMeasured(`${PG_BIN}/pg_restore`, [...pgArgs(name), plainDump]);
          })
        ).seconds,
      );
      psql(`DROP DATABASE IF EXISTS ${name}`);
      await quiet(dir);
      restores.push((await dbsafe(['restore', snapshotId, '--yes'])).seconds);
      await quiet(dir);
    }
    rows.push(ratioRow('snapshot restore: whole `dbsafe restore ID --yes` (rename swap) ÷ createdb + `pg_restore`', median(restores), median(plainRestores), 0.05));

    const undos: number[] = [];
    const snapshotRuns: number[] = [];
    const dumpRuns: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      dumpRuns.push((await dbsafe(['run', '--mode', 'dump', '--label', `d${run}`, '--', 'true'])).seconds);
      await quiet(dir);
      snapshotRuns.push((await dbsafe(['run', '--mode', 'snapshot', '--label', `s${run}`, '--', 'true'])).seconds);
      await quiet(dir);
      undos.push((await dbsafe(['undo', '--yes'])).seconds);
      await quiet(dir);
    }
    rows.push({ measurement: '`dbsafe undo --yes` after a snapshot-mode run', value: `${median(undos).seconds.toFixed(2)} s`, target: 'informational', pass: null });
    rows.push(ratioRow('`dbsafe run --mode snapshot -- true` ÷ `dbsafe run --mode dump -- true`', median(snapshotRuns), median(dumpRuns), 1.0));
  } finally {
    await quiet(dir).catch(() => undefined);
    for (const name of snapshotNames(dir)) {
      psql(`DROP DATABASE IF EXISTS "${name}_r" WITH (FORCE)`);
      psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
    for (const name of fresh) psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    psql(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}
