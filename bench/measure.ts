import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Small measuring kit for `npm run bench`: time a piece of work, time a child
 * process while sampling its peak memory, and print rows as one table. Other
 * benchmarks add rows with these; they do not print on their own.
 */

/** The built CLI the benchmarks run (dist/dbsafe.cjs, beside dist/bench). */
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dbsafe.cjs');

export interface Timing {
  seconds: number;
}

export async function measure(work: () => Promise<unknown>): Promise<Timing> {
  const started = process.hrtime.bigint();
  await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Median of `runs` timings; `work` gets the run index (to interleave or prepare per run). */
export async function medianOf(runs: number, work: (run: number) => Promise<Timing>): Promise<Timing & { all: number[] }> {
  const all: number[] = [];
  for (let run = 0; run < runs; run++) all.push((await work(run)).seconds);
  const sorted = [...all].sort((a, b) => a - b);
  return { seconds: sorted[Math.floor(sorted.length / 2)]!, all };
}

const HAS_PROC = existsSync('/proc/self/status');

/**
 * kB of VmHWM (peak resident set) of a live process, or null once it is gone.
 * Without /proc (macOS) the current RSS from `ps`, so the sampled maximum
 * stands in for the peak (sampled less often: each sample is a process).
 */
function peakRssKb(pid: number): number | null {
  return HAS_PROC ? peakRssKbFromProc(pid) : rssKbFromPs(pid);
}

export function peakRssKbFromProc(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** The current resident set of `pid` in kB from `ps` (macOS, the BSDs), or null once it is gone. */
export function rssKbFromPs(pid: number): number | null {
  const ps = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
  const kb = Number(ps.stdout.trim());
  return ps.status === 0 && Number.isFinite(kb) && kb > 0 ? kb : null;
}

export interface ProcessRun extends Timing {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the process itself (not its children), in MB, sampled every 5 ms. */
  peakMb: number;
}

/** Run a program to completion, timing it and sampling its own peak memory. Throws on a non-zero exit. */
export function runMeasured(program: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(program, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    // A child that exits before reading its input (quick commands on a loaded machine) closes the pipe: not an error of the measurement.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const sample = () => {
      const kb = child.pid ? peakRssKb(child.pid) : null;
      if (kb !== null) peakKb = Math.max(peakKb, kb);
    };
    const timer = setInterval(sample, HAS_PROC ? 5 : 50);
    child.on('error', reject);
    child.on('exit', () => sample());
    child.on('close', (code) => {
      clearInterval(timer);
      const result = { seconds: Number(process.hrtime.bigint() - started) / 1e9, code, stdout, stderr, peakMb: peakKb / 1024 };
      if (code !== 0) reject(new Error(`${program} ${args.join(' ')} exited ${code}:\n${stderr}`));
      else resolve(result);
    });
  });
}

export interface BenchRow {
  measurement: string;
  value: string;
  target: string;
  /** null when the row is informational. */
  pass: boolean | null;
}

export function ratioRow(measurement: string, mine: Timing, baseline: Timing, limit: number): BenchRow {
  const ratio = mine.seconds / baseline.seconds;
  return {
    measurement,
    value: `${ratio.toFixed(2)}  (${mine.seconds.toFixed(2)} s vs ${baseline.seconds.toFixed(2)} s)`,
    target: `≤ ${limit.toFixed(2)}`,
    pass: ratio <= limit,
  };
}

export function printTable(title: string, rows: readonly BenchRow[]): void {
  const cells = rows.map((r) => [r.measurement, r.value, r.target, r.pass === null ? '' : r.pass ? 'ok' : 'MISSED']);
  const header = ['measurement', 'value', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`\n${title}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${cells.map(line).join('\n')}\n`);
}
