import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, testDir } from '../helpers/cli.js';

/** A directory that is no project: nothing above it opts in, has a package.json or is a git repository. */
function outsideAnyProject(): string {
  const dir = testDir('dbsafe-no-project-');
  for (let up = dir; path.dirname(up) !== up; up = path.dirname(up)) {
    for (const name of ['package.json', '.git', 'dbsafe.config.json']) expect(existsSync(path.join(up, name)), path.join(up, name)).toBe(false);
  }
  return dir;
}

/** A project that opted in to dbsafe, with a SQLite database. */
function sqliteProject(files: Record<string, string> = {}): string {
  const dir = testDir('dbsafe-first-hour-');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, dbsafe: {} }));
  execFileSync('sqlite3', [path.join(dir, 'dev.db'), 'CREATE TABLE t (id int);']);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('outside any project', () => {
  it('a refusal creates no backups/audit.log in the current directory', async () => {
    const dir = outsideAnyProject();
    // Guarded by the built-in rules (a test runner on the project's database).
    const result = await runCli(['run', '--', 'node', '--test', 'no-such.test.js'], { cwd: dir, env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/orders_production' } });
    expect(result.code).toBe(3);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a guarded command is not backed up into the current directory: refused with the fix, not run', async () => {
    const dir = outsideAnyProject();
    execFileSync('sqlite3', [path.join(dir, 'dev.db'), 'CREATE TABLE t (id int);']);
    const result = await runCli(['run', '--', 'sh', '-c', 'touch ran; sqlite3 dev.db "delete from t"'], { cwd: dir, env: { DATABASE_URL: 'sqlite:./dev.db' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${dir} is not inside a project (no dbsafe.config.json, package.json or git repository in it or above it)`);
    expect(result.stderr).toContain('create dbsafe.config.json');
    expect(readdirSync(dir)).toEqual(['dev.db']);
  });
});

describe('outside any project, dbsafe backup', () => {
  it('refuses with the fix and creates no backup directory', async () => {
    const dir = outsideAnyProject();
    execFileSync('sqlite3', [path.join(dir, 'dev.db'), 'CREATE TABLE t (id int);']);
    const result = await runCli(['backup'], { cwd: dir, env: { DATABASE_URL: 'sqlite:./dev.db' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not inside a project');
    expect(result.stderr).toContain('Nothing was backed up');
    expect(readdirSync(dir)).toEqual(['dev.db']);
  });
});

describe('install and uninstall say what matters, briefly', () => {
  it('install --shims prints one line for the shim directory, so the notes stay on screen', async () => {
    const home = testDir('dbsafe-home-');
    const result = await runCli(['install', '--shims'], { cwd: home, env: { HOME: home } });
    expect(result.code, result.stderr).toBe(0);
    const shims = path.join(home, '.local', 'share', 'dbsafe', 'shims');
    expect(readdirSync(shims).length).toBeGreaterThan(20);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toContain(`  created  ${readdirSync(shims).length} files in ${shims}`);
    expect(lines.filter((line) => line.includes(`${shims}/`))).toEqual([]);
    expect(lines.length).toBeLessThan(15);
    expect(result.stdout).toContain('Open a new terminal');
  });

  it('uninstall removes the state directory and says to open a new terminal or run hash -r', async () => {
    const home = testDir('dbsafe-home-');
    const project = sqliteProject();
    // A refusal leaves a pending consent request in the state directory.
    const refused = await runCli(['run', '--', 'node', '--test', 'no-such.test.js'], { cwd: project, env: { HOME: home, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/orders_production' } });
    expect(refused.code).toBe(3);
    const state = path.join(home, '.local', 'state', 'dbsafe');
    expect(readdirSync(path.join(state, 'consent')).length).toBeGreaterThan(0);
    expect((await runCli(['install', '--shims', '--shell=bash'], { cwd: project, env: { HOME: home } })).code).toBe(0);

    const result = await runCli(['uninstall'], { cwd: project, env: { HOME: home } });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(state)).toBe(false);
    expect(result.stdout).toContain(`  removed  ${state}\n`);
    expect(result.stdout).toContain('Open a new terminal');
    expect(result.stdout).toContain('hash -r');
  });

  it('install --shell=zsh,fish warns about a shell that is not installed', async () => {
    const home = testDir('dbsafe-home-');
    // A PATH with node and nothing else: neither zsh nor fish can be found.
    const bin = path.join(home, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const result = await runCli(['install', '--shell=zsh,fish'], { cwd: home, env: { HOME: home, PATH: bin } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('zsh is not installed (not found on PATH)');
    expect(result.stdout).toContain('fish is not installed (not found on PATH)');

    const installed = await runCli(['install', '--shell=bash'], { cwd: home, env: { HOME: home } });
    expect(installed.stdout).not.toContain('is not installed');
  });
});

describe('check and refusal wording', () => {
  it('the fix for an app environment in .env names the variable once: "change APP_ENV in .env"', async () => {
    const project = sqliteProject({ '.env': 'APP_ENV=production\n' });
    const result = await runCli(['check'], { cwd: project, env: { DATABASE_URL: 'sqlite:./dev.db' } });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('change APP_ENV in .env to development');
    expect(result.stdout).not.toContain('APP_ENV in APP_ENV');
  });

  it('the fix for an app environment from the shell says "in your environment"', async () => {
    const project = sqliteProject();
    const result = await runCli(['check'], { cwd: project, env: { DATABASE_URL: 'sqlite:./dev.db', NODE_ENV: 'production' } });
    expect(result.stdout).toContain('change NODE_ENV in your environment to development');
  });

  it('check aligns the SQLite file row with the engine row', async () => {
    const project = sqliteProject();
    const result = await runCli(['check'], { cwd: project, env: { DATABASE_URL: 'sqlite:./dev.db' } });
    const engine = result.stdout.split('\n').find((line) => line.startsWith('  engine '))!;
    const file = result.stdout.split('\n').find((line) => line.startsWith('  file '))!;
    expect(file).toMatch(/^ {2}file {6}dev\.db +DATABASE_URL$/);
    expect(file.indexOf('DATABASE_URL')).toBe(engine.indexOf('DATABASE_URL'));
  });
});
