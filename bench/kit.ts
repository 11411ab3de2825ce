import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, runMeasured, type BenchRow, type ProcessRun } from './measure.js';

/**
 * What the database benchmarks share: the servers, a throw-away project for
 * the built CLI, medians, and the memory rows. Figures are taken on a
 * shared machine: raw-tool and dbsafe runs are interleaved and medians kept.
 */

export const PG_SERVER = { host: '127.0.0.1', port: '5432', user: 'postgres' };
export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const MARIA_SERVER = { host: '127.0.0.1', port: '3306', user: 'root' };

/** Runs per timed measurement; DBSAFE_BENCH_RUNS overrides (1 for a quick look). */
export const RUNS = Number(process.env.DBSAFE_BENCH_RUNS ?? 3);

/** `npm run bench -- --cleanup`: drop the large datasets kept between runs once the bench is done. */
export const CLEANUP = process.argv.includes('--cleanup');

export function pgArgs(database: string): string[] {
  return ['-h', PG_SERVER.host, '-p', PG_SERVER.port, '-U', PG_SERVER.user, '-d', database];
}

export function psql(sql: string, database = 'postgres'): string {
  return execFileSync(`${PG_BIN}/psql`, [...pgArgs(database), '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], {
    encoding: 'utf8',
    // Cleanup drops with IF EXISTS; their "does not exist, skipping" notices are not results.
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  }).trim();
}

export function mariadb(sql: string, database?: string): string {
  const args = ['-h', MARIA_SERVER.host, '-P', MARIA_SERVER.port, '-u', MARIA_SERVER.user, '-N', '-B', '-e', sql];
  if (database) args.push(database);
  return execFileSync('mariadb', args, { encoding: 'utf8' }).trim();
}

export function dropPgDatabase(name: string): void {
  psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** dbsafe drops the replaced copy in the background: let it finish before timing anything else. */
export async function waitForRetiredCopies(database: string): Promise<void> {
  const pattern = `${database.replace(/_/g, '\\_')}\\_\\_dbsafe\\_%`;
  while (psql(`SELECT count(*) FROM pg_database WHERE datname LIKE '${pattern}'`) !== '0') await new Promise((resolve) => setTimeout(resolve, 100));
}

export interface BenchProject {
  dir: string;
  env: NodeJS.ProcessEnv;
}

/**
 * A project directory whose DATABASE_URL is `url`; it is also the CLI's HOME,
 * so a bench leaves no state elsewhere. Like a user's home it has ~/.cache,
 * where dbsafe keeps its compiled code between runs (src/cli/code-cache.ts).
 */
export function benchProject(url: string, config: Record<string, unknown> = {}): BenchProject {
  const dir = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-'));
  mkdirSync(path.join(dir, '.cache'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench', private: true, dbsafe: { retention: 50, ...config } }));
  return { dir, env: { PATH: process.env.PATH, HOME: dir, DATABASE_URL: url } };
}

export function dbsafe(project: BenchProject, args: string[]): Promise<ProcessRun> {
  return runMeasured(process.execPath, [CLI, ...args], { cwd: project.dir, env: project.env });
}

export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

export function infoRow(measurement: string, value: string): BenchRow {
  return { measurement, value, target: '', pass: null };
}

/** Peak RSS of dbsafe's own process over `peaksMb`, against the < 100 MB target. */
export function memoryRow(measurement: string, peaksMb: readonly number[]): BenchRow {
  const peak = Math.max(...peaksMb);
  return { measurement, value: `${peak.toFixed(0)} MB`, target: '< 100 MB', pass: peak < 100 };
}

/**
 * Drop the PostgreSQL snapshot databases a bench project's manifests name
 * (the safety copies its restores kept on the server among them), with their
 * standby copies: the project directory goes, and they would be left unknown.
 */
export function dropPgSnapshotsOf(project: BenchProject): void {
  const dir = path.join(project.dir, 'backups');
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch {
    return;
  }
  for (const file of files) {
    let snapshot: { database: string } | undefined;
    try {
      snapshot = (JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { snapshot?: { database: string } }).snapshot;
    } catch {
      continue;
    }
    if (!snapshot) continue;
    dropPgDatabase(`${snapshot.database}_r`);
    dropPgDatabase(snapshot.database);
  }
}

/** Which safety copy a `dbsafe restore` kept, in its own words: the replaced database on the server, or a dump first (and why). */
export function safetyCopyKept(run: ProcessRun): string {
  if (/kept on the server as snapshot/.test(run.stdout)) return 'the replaced database itself, kept on the server (no dump)';
  return /dbsafe: safety copy: (.*)/.exec(run.stderr)?.[1] ?? 'a file backup first';
}
