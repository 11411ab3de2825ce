import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installBuiltDbsafe, runCli, tempDir } from '../helpers/cli.js';
import { createPostgresDatabase, type TestDatabase } from '../helpers/databases.js';
import { git } from '../helpers/install.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  cleanups = [];
});

describe('git pre-push hook', () => {
  it('`git push` to a local bare remote runs the test command through dbsafe run: a verified backup appears, then the tests run', async () => {
    const { dir, cleanup } = tempDir('dbsafe-push-');
    cleanups.push(cleanup);
    const db: TestDatabase = createPostgresDatabase();
    cleanups.push(() => db.drop());
    const home = path.join(dir, 'home');
    const repo = path.join(dir, 'repo');
    const remote = path.join(dir, 'remote.git');
    mkdirSync(home);
    installBuiltDbsafe(repo);
    writeFileSync(path.join(repo, '.gitignore'), 'node_modules/\nbackups/\n.env\ntest-ran\n');
    writeFileSync(
      path.join(repo, 'package.json'),
      `${JSON.stringify({ name: 'shop', scripts: { test: `node -e "require('fs').writeFileSync('test-ran', 'yes')"` }, dbsafe: {} }, null, 2)}\n`,
    );
    writeFileSync(path.join(repo, '.env'), `DATABASE_URL=${db.url}\n`);
    expect(git(repo, ['init', '-q', '-b', 'main']).status).toBe(0);
    expect(git(dir, ['init', '-q', '--bare', remote]).status).toBe(0);
    const env = { HOME: home, PATH: process.env.PATH ?? '', NO_COLOR: '1' };
    expect((await runCli(['install', '--hooks'], { cwd: repo, env: { HOME: home } })).code).toBe(0);
    git(repo, ['add', '.'], env);
    expect(git(repo, ['commit', '-q', '-m', 'start'], env).status).toBe(0);

    const pushed = git(repo, ['push', '-q', remote, 'main'], env);
    expect(pushed.status, pushed.stdout + pushed.stderr).toBe(0);
    expect(existsSync(path.join(repo, 'test-ran'))).toBe(true);
    const backups = readdirSync(path.join(repo, 'backups')).filter((name) => name.startsWith(`${db.name}_`) && !name.endsWith('.json'));
    expect(backups).toHaveLength(1);
  });
});
