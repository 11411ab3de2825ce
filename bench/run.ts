import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ageBackupBench } from './age-backup.js';
import { agentHookBench } from './agent-hook.js';
import { mariadbBackupBench } from './mariadb-backup.js';
import { mariadbSnapshotBench } from './mariadb-snapshots.js';
import { printTable, type BenchRow } from './measure.js';
import { postgresBackupBench } from './postgres-backup.js';
import { postgresRandomBench } from './postgres-random.js';
import { sqliteBackupBench } from './sqlite-backup.js';
import { sqliteSnapshotBench } from './sqlite-snapshot.js';
import { shellOverheadBench } from './shell-overhead.js';
import { snapshotBench } from './snapshots.js';
import { startupBench } from './startup.js';

/**
 * `npm run bench`: every benchmark is a row in BENCHMARKS, measured in this
 * run on this machine, printed as one table per benchmark. Add a benchmark
 * by adding a row; exit code 1 when a target was missed.
 */
const BENCHMARKS: ReadonlyArray<{ title: string; run: () => Promise<BenchRow[]> }> = [
  { title: 'CLI start-up (median of 11, interleaved with node -e \'\')', run: startupBench },
  { title: 'Agent hook as registered by install --agent (median of 11, interleaved with node -e \'\')', run: agentHookBench },
  { title: 'PostgreSQL backup and restore (pgbench -s 30 ≈ 450 MB)', run: () => postgresBackupBench(30, 5) },
  { title: 'PostgreSQL backup and restore (≈ 1 GB of random numbers and text)', run: postgresRandomBench },
  { title: 'MariaDB backup and restore (≈ 350 MB of random numbers and text)', run: mariadbBackupBench },
  { title: 'SQLite backup and restore (≈ 500 MB, WAL mode)', run: sqliteBackupBench },
  { title: 'Snapshots: PostgreSQL (pgbench -s 30 ≈ 450 MB)', run: () => snapshotBench(30) },
  { title: 'Snapshots: MariaDB (≈ 200 MB)', run: mariadbSnapshotBench },
  { title: 'Snapshots: SQLite (≈ 200 MB, WAL mode)', run: sqliteSnapshotBench },
  { title: 'age encryption: encrypted ÷ plain backup (pgbench -s 30, median of 5, interleaved)', run: () => ageBackupBench(30) },
  { title: 'Shell functions: cost of the wrapper around npm (bash)', run: () => shellOverheadBench(21) },
];

/** `npm run bench -- --only=MariaDB`: just the benchmarks whose title contains the text. Figures are taken on a shared machine: see each table's medians. */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);

async function main(): Promise<void> {
  // Steps measured in this process (an engine's restore step alone) keep their records under this HOME, never the account's.
  const privateHome = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-home-'));
  process.env.HOME = privateHome;
  try {
    process.exitCode = (await runBenchmarks()) ? 1 : 0;
  } finally {
    rmSync(privateHome, { recursive: true, force: true });
  }
}

/** True when a target was missed. */
async function runBenchmarks(): Promise<boolean> {
  let missed = false;
  for (const benchmark of BENCHMARKS.filter((b) => !only || b.title.includes(only))) {
    // One benchmark failing (a server down) is reported and counted as missed; the others still run.
    const rows = await benchmark.run().catch((error: unknown): BenchRow[] => [
      { measurement: 'benchmark failed', value: error instanceof Error ? error.message.split('\n')[0]! : String(error), target: '', pass: false },
    ]);
    printTable(benchmark.title, rows);
    missed ||= rows.some((row) => row.pass === false);
  }
  return missed;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
