import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, ratioRow, runMeasured, type BenchRow } from './measure.js';

/**
 * The cost of age encryption: `dbsafe backup` of the same pgbench database
 * with `"encryption": {"recipients": [...]}` against the same command
 * without, interleaved so drift on the machine hits both alike.
 */

const SERVER = { host: '127.0.0.1', port: '5432', user: 'postgres' };
const PG_BIN = '/usr/lib/postgresql/15/bin';
const RUNS = 5;

function psql(sql: string): string {
  return execFileSync(`${PG_BIN}/psql`, ['-h', SERVER.host, '-p', SERVER.port, '-U', SERVER.user, '-d', 'postgres', '-qAt', '-c', sql], {
    encoding: 'utf8',
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  }).trim();
}

function project(database: string, config: Record<string, unknown>): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-age-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench', private: true, dbsafe: { retention: 50, ...config } }));
  return { dir, env: { PATH: process.env.PATH, HOME: dir, DATABASE_URL: `postgres://${SERVER.user}@${SERVER.host}:${SERVER.port}/${database}` } };
}

export async function ageBackupBench(scale: number): Promise<BenchRow[]> {
  const database = `dbsafe_test_bench_age_${randomBytes(4).toString('hex')}`;
  psql(`CREATE DATABASE ${database}`);
  const { generateAgeIdentity, recipientOf } = await import('../src/encryption/age.js');
  const recipient = await recipientOf(await generateAgeIdentity());
  const plainProject = project(database, {});
  const ageProject = project(database, { encryption: { recipients: [recipient] } });
  try {
    execFileSync(`${PG_BIN}/pgbench`, ['-h', SERVER.host, '-p', SERVER.port, '-U', SERVER.user, '-i', '-q', '-s', String(scale), database], { stdio: 'ignore' });
    const plain: number[] = [];
    const sealed: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      plain.push((await runMeasured(process.execPath, [CLI, 'backup'], { cwd: plainProject.dir, env: plainProject.env })).seconds);
      sealed.push((await runMeasured(process.execPath, [CLI, 'backup'], { cwd: ageProject.dir, env: ageProject.env })).seconds);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    return [ratioRow('backup: age-encrypted `dbsafe backup` ÷ plain `dbsafe backup`', { seconds: median(sealed) }, { seconds: median(plain) }, 1.15)];
  } finally {
    psql(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    rmSync(plainProject.dir, { recursive: true, force: true });
    rmSync(ageProject.dir, { recursive: true, force: true });
  }
}
