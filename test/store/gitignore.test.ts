import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupDirIgnoreState, ensureBackupDirIgnored, GITIGNORE_MARKER, ignoreRuleFor } from '../../src/store/gitignore.js';
import { runCli, testDir } from '../helpers/cli.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });

/** A monorepo (real git) with one dbsafe sub-project at packages/app, everything committed. */
function monorepo(config: Record<string, unknown>): { root: string; app: string; outside: string } {
  const base = testDir('dbsafe-monorepo-');
  const root = path.join(base, 'repo');
  const app = path.join(root, 'packages', 'app');
  const outside = path.join(base, 'outside');
  mkdirSync(app, { recursive: true });
  mkdirSync(outside);
  git(root, 'init', '-q');
  writeFileSync(path.join(root, '.gitignore'), 'node_modules/\n');
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, dbsafe: config }));
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'initial');
  return { root, app, outside };
}

function sqliteDatabase(dir: string): string {
  const file = path.join(dir, 'app_dev.db');
  execFileSync('sqlite3', [file, 'CREATE TABLE t (x); INSERT INTO t VALUES (1);']);
  return `sqlite:${file}`;
}

const porcelain = (root: string) => git(root, 'status', '--porcelain', '--untracked-files=all');

describe('ignoreRuleFor (where the rule goes)', () => {
  const cases: Array<[string, [string, string, string], ReturnType<typeof ignoreRuleFor>]> = [
    ['inside the project: the project .gitignore', ['/r/app', '/r/app/backups', '/r'], { file: '/r/app/.gitignore', line: '/backups/' }],
    ['a nested directory in the project', ['/r', '/r/var/db/backups', '/r'], { file: '/r/.gitignore', line: '/var/db/backups/' }],
    ['../dumps in a monorepo: a .gitignore in the directory', ['/r/packages/app', '/r/packages/dumps', '/r'], { file: '/r/packages/dumps/.gitignore', line: '*' }],
    ['another repository: a .gitignore in the directory', ['/r/app', '/other/dumps', '/other'], { file: '/other/dumps/.gitignore', line: '*' }],
    ['the project root itself', ['/r/app', '/r/app', '/r'], { unignorable: true }],
    ['a parent of the project', ['/r/packages/app', '/r/packages', '/r'], { unignorable: true }],
    ['the repository root', ['/elsewhere/app', '/r', '/r'], { unignorable: true }],
  ];
  it.each(cases)('%s', (_name, [project, dir, repo], expected) => {
    expect(ignoreRuleFor(project, dir, repo)).toEqual(expected);
  });
});

describe('backups never end up in git (real git)', () => {
  it('backupDir "../dumps" in a monorepo sub-project: git status lists no dump after a backup', async () => {
    const { root, app, outside } = monorepo({ backupDir: '../dumps' });
    const url = sqliteDatabase(outside);
    const before = await runCli(['doctor', '--json'], { cwd: app, env: { DATABASE_URL: url, HOME: outside } });
    expect(JSON.parse(before.stdout).backups.git).toBe('not-ignored');

    const backup = await runCli(['backup'], { cwd: app, env: { DATABASE_URL: url, HOME: outside } });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const dumps = path.join(root, 'packages', 'dumps');
    expect(execFileSync('ls', [dumps], { encoding: 'utf8' })).toMatch(/app_dev_\d{8}_\d{6}\.json/);
    expect(porcelain(root)).toBe('');
    expect(readFileSync(path.join(dumps, '.gitignore'), 'utf8')).toBe(`${GITIGNORE_MARKER}\n*\n`);
    // The monorepo's own .gitignore, shared by every sub-project, is left alone.
    expect(readFileSync(path.join(root, '.gitignore'), 'utf8')).toBe('node_modules/\n');
    // `git add -A` does not pick a dump up either.
    git(root, 'add', '-A');
    expect(git(root, 'diff', '--cached', '--name-only')).toBe('');

    const after = await runCli(['doctor', '--json'], { cwd: app, env: { DATABASE_URL: url, HOME: outside } });
    expect(JSON.parse(after.stdout).backups.git).toBe('ignored');
  });

  it('a backup directory inside the project gets a rule in the project .gitignore', async () => {
    const { root, app, outside } = monorepo({});
    const url = sqliteDatabase(outside);
    expect((await runCli(['backup'], { cwd: app, env: { DATABASE_URL: url, HOME: outside } })).code).toBe(0);
    expect(readFileSync(path.join(app, '.gitignore'), 'utf8')).toBe(`${GITIGNORE_MARKER}\n/backups/\n`);
    expect(porcelain(root)).toBe('?? packages/app/.gitignore\n');
  });

  it('a rule of the user that re-includes dumps is overruled inside the directory', async () => {
    const { root, app } = monorepo({});
    writeFileSync(path.join(root, '.gitignore'), 'node_modules/\n!packages/app/backups/\n');
    const backups = path.join(app, 'backups');
    mkdirSync(backups);
    writeFileSync(path.join(backups, '.gitignore'), '!*.dump\n');
    expect(await ensureBackupDirIgnored(app, backups)).toBe('added');
    writeFileSync(path.join(backups, 'app_20260101_000000.dump'), 'x');
    expect(porcelain(root)).not.toContain('.dump');
  });

  it('refuses to back up into the project root itself, writing nothing', async () => {
    const { root, app, outside } = monorepo({ backupDir: '.' });
    const url = sqliteDatabase(outside);
    const result = await runCli(['backup'], { cwd: app, env: { DATABASE_URL: url, HOME: outside } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot be kept out of git');
    expect(result.stderr).toContain('"backupDir"');
    expect(porcelain(root)).toBe('');
    const doctor = await runCli(['doctor', '--json'], { cwd: app, env: { DATABASE_URL: url, HOME: outside } });
    const report = JSON.parse(doctor.stdout) as { backups: { git: string }; problems: Array<{ message: string; fix: string }> };
    expect(report.backups.git).toBe('unignorable');
    expect(report.problems.some((p) => p.fix.includes('"backupDir"'))).toBe(true);
  });

  it('doctor reports dumps that are already committed, with the fix', async () => {
    const { root, app, outside } = monorepo({ backupDir: '../dumps' });
    const dumps = path.join(root, 'packages', 'dumps');
    mkdirSync(dumps, { mode: 0o700 });
    writeFileSync(path.join(dumps, 'old.sql'), 'x');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'oops');
    expect(await backupDirIgnoreState(app, dumps)).toBe('tracked');
    const doctor = await runCli(['doctor', '--json'], { cwd: app, env: { DATABASE_URL: sqliteDatabase(outside), HOME: outside } });
    const report = JSON.parse(doctor.stdout) as { problems: Array<{ message: string; fix: string }> };
    expect(doctor.code).toBe(1);
    expect(report.problems.find((p) => p.message.includes('already committed'))?.fix).toContain('rm -r --cached');
  });

  it('doctor: an unignored backup directory outside the project is a problem with the fix', async () => {
    const { root, app, outside } = monorepo({ backupDir: '../dumps' });
    mkdirSync(path.join(root, 'packages', 'dumps'), { mode: 0o700 });
    const doctor = await runCli(['doctor', '--json'], { cwd: app, env: { DATABASE_URL: sqliteDatabase(outside), HOME: outside } });
    const report = JSON.parse(doctor.stdout) as { problems: Array<{ message: string; fix: string }> };
    expect(doctor.code).toBe(1);
    const problem = report.problems.find((p) => p.message.includes('not ignored by git'));
    expect(problem?.fix).toContain('dbsafe backup');
  });

  it('inside a git hook (GIT_DIR of another repository exported), the directory\'s own repository is used', async () => {
    const { root, app } = monorepo({ backupDir: '../dumps' });
    const dumps = path.join(root, 'packages', 'dumps');
    mkdirSync(dumps);
    const hookRepo = testDir();
    git(hookRepo, 'init', '-q');
    const saved = { GIT_DIR: process.env.GIT_DIR, GIT_WORK_TREE: process.env.GIT_WORK_TREE };
    process.env.GIT_DIR = path.join(hookRepo, '.git');
    process.env.GIT_WORK_TREE = hookRepo;
    try {
      expect(await ensureBackupDirIgnored(app, dumps)).toBe('added');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    writeFileSync(path.join(dumps, 'app_20260101_000000.dump'), 'x');
    expect(porcelain(root)).toBe('');
    expect(existsSync(path.join(hookRepo, '.gitignore'))).toBe(false);
  });

  it('a refusal that creates the backup directory (its audit log) leaves nothing for git either', async () => {
    const { root, app, outside } = monorepo({});
    const result = await runCli(['run', '--', 'npm', 'test'], { cwd: app, env: { DATABASE_URL: 'postgres://app@db.example.com/app_dev', HOME: outside, XDG_STATE_HOME: outside } });
    expect(result.code).toBe(3);
    expect(existsSync(path.join(app, 'backups', 'audit.log'))).toBe(true);
    expect(porcelain(root)).toBe('');
  });

  it('outside any repository: nothing to write', async () => {
    const dir = testDir();
    expect(await ensureBackupDirIgnored(dir, path.join(dir, 'backups'))).toBe('not-a-repo');
    expect(existsSync(path.join(dir, '.gitignore'))).toBe(false);
  });
});
