import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, privateHome, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { psql } from '../helpers/databases.js';

/** A throw-away project (git repository, dbsafe in package.json) whose DATABASE_URL is `url`. */
export interface BackupProject {
  dir: string;
  backups: string;
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /** Backup ids (manifests) in the backup directory, sorted. */
  manifests(): Array<Record<string, unknown>>;
  /** Every file name in the backup directory, dot files included. */
  files(): string[];
  cleanup(): void;
}

export function backupProject(url: string, config: Record<string, unknown> = {}): BackupProject {
  const temp = tempDir('dbsafe-backup-test-');
  execFileSync('git', ['init', '-q'], { cwd: temp.dir });
  writeFileSync(path.join(temp.dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, dbsafe: config }));
  const backups = path.resolve(temp.dir, typeof config.backupDir === 'string' ? config.backupDir : 'backups');
  const files = () => {
    try {
      return readdirSync(backups).sort();
    } catch {
      return [];
    }
  };
  return {
    dir: temp.dir,
    backups,
    cli: (args, env = {}) => runCli(args, { cwd: temp.dir, env: { DATABASE_URL: url, ...env } }),
    files,
    manifests: () =>
      files()
        .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
        .map((f) => JSON.parse(readFileSync(path.join(backups, f), 'utf8')) as Record<string, unknown>)
        .filter((m) => m.manifestVersion === 1),
    cleanup: temp.cleanup,
  };
}

/**
 * `dbsafe ARGS` started in `cwd` with DATABASE_URL=`url`, handed back once
 * `ready()` finds what it waits for, so that a signal sent now lands in the
 * middle of the work. Throws, naming `what`, when that never comes.
 */
export async function startUntil<T>(cwd: string, url: string, args: string[], what: string, ready: () => T | undefined, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, ...privateHome(), DATABASE_URL: url, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  let found = ready();
  while (found === undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    found = ready();
  }
  if (found === undefined) throw new Error(`${what} never happened`);
  return { child, exited, found, stderr: () => stderr };
}

/** A backup of `project`'s database, handed back once its partial file has data in it. */
export function backupUntilItWrites(project: BackupProject, url: string) {
  return startUntil(project.dir, url, ['backup'], 'the backup writing its partial file', () =>
    project.files().find((f) => f.includes('.partial-') && statSync(path.join(project.backups, f)).size > 0),
  );
}

/** `dbsafe restore --yes` of the PostgreSQL database `database` (at `url`), handed back once its staging copy exists. */
export async function restoreUntilItsCopyExists(cwd: string, url: string, database: string) {
  const copies = () => psql(`SELECT count(*) FROM pg_database WHERE datname LIKE '${database}\\_\\_dbsafe\\_restore\\_%'`);
  const started = await startUntil(cwd, url, ['restore', '--yes'], 'the restore making its copy', () => (copies() === '0' ? undefined : true));
  return { ...started, copies };
}
