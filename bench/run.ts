import { ageBackupBench } from './age-backup.js';
import { agentHookBench } from './agent-hook.js';
import { printTable, type BenchRow } from './measure.js';
import { postgresBackupBench } from './postgres-backup.js';
import { shellOverheadBench } from './shell-overhead.js';
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
  { title: 'age encryption: encrypted ÷ plain backup (pgbench -s 30, median of 5, interleaved)', run: () => ageBackupBench(30) },
  { title: 'Shell functions: cost of the wrapper around npm (bash)', run: () => shellOverheadBench(21) },
];

async function main(): Promise<void> {
  let missed = false;
  for (const benchmark of BENCHMARKS) {
    const rows = await benchmark.run();
    printTable(benchmark.title, rows);
    missed ||= rows.some((row) => row.pass === false);
  }
  process.exitCode = missed ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
