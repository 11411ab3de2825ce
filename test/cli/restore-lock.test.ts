import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, testDir } from '../helpers/cli.js';
import { backupProject } from './backup-project.js';

const sqlite = (file: string, sql: string) => execFileSync('sqlite3', ['-batch', file, sql], { encoding: 'utf8' }).trim();

async function until(what: string, ready: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`${what} never happened`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('restore latest and the database lock', () => {
  it('picks its backup after taking the lock: a backup finished while it waited is the one restored', async () => {
    const dir = testDir('dbsafe-restore-lock-');
    const database = path.join(dir, 'app_dev.sqlite');
    sqlite(database, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('one');");
    const url = `sqlite:${database}`;
    const p = backupProject(url);
    try {
      const first = JSON.parse((await p.cli(['backup', '--json'])).stdout) as { id: string };

      // The backup that will finish while the restore waits: taken now into a staging directory
      // (beside a copy of the first manifest, so its id differs), moved in later.
      sqlite(database, "INSERT INTO notes VALUES ('two');");
      const staging = path.join(p.dir, 'staging');
      mkdirSync(staging);
      copyFileSync(path.join(p.backups, `${first.id}.json`), path.join(staging, `${first.id}.json`));
      writeFileSync(path.join(p.dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, dbsafe: { backupDir: 'staging' } }));
      const second = JSON.parse((await p.cli(['backup', '--json'])).stdout) as { id: string; file: string };
      writeFileSync(path.join(p.dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, dbsafe: {} }));
      expect(second.id).not.toBe(first.id);
      sqlite(database, "INSERT INTO notes VALUES ('three');");

      // Another process holds the database's lock (as a backup being written would).
      const holder = spawn('sleep', ['300'], { stdio: 'ignore' });
      const lock = path.join(p.backups, '.app_dev.lock');
      writeFileSync(lock, JSON.stringify({ pid: holder.pid, purpose: 'backup (manual)', since: new Date().toISOString() }));
      try {
        const restore = spawn(process.execPath, [CLI, 'restore', 'latest', '--yes', '--json'], {
          cwd: p.dir,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        restore.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        restore.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        const exited = new Promise<number | null>((resolve) => restore.on('exit', (code) => resolve(code)));

        await until('the restore waiting for the lock', () => stderr.includes(`Waiting for another dbsafe process (pid ${holder.pid}, backup (manual)`));
        // The holder's backup finishes (file, then manifest, as dbsafe writes them), then it lets go.
        renameSync(path.join(staging, second.file), path.join(p.backups, second.file));
        renameSync(path.join(staging, `${second.id}.json`), path.join(p.backups, `${second.id}.json`));
        holder.kill();
        await until('the holder exiting', () => holder.exitCode !== null || holder.signalCode !== null);

        expect(await exited).toBe(0);
        expect((JSON.parse(stdout) as { restored: { id: string } }).restored.id).toBe(second.id);
        expect(sqlite(database, 'SELECT group_concat(body) FROM notes')).toBe('one,two');
        expect(JSON.parse(readFileSync(path.join(p.backups, `${second.id}.json`), 'utf8'))).toMatchObject({ id: second.id });
      } finally {
        holder.kill();
      }
    } finally {
      p.cleanup();
    }
  });
});
