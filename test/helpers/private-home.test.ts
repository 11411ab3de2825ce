import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { privateHome, runCli, testDir } from './cli.js';

/** Files under a directory, recursively, as absolute paths (none when it does not exist). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('CLI runs in tests', () => {
  it('write their state into the test’s own HOME, never into the real one', async () => {
    const dir = testDir('dbsafe-own-home-');
    execFileSync('git', ['init', '-q'], { cwd: dir });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fixture', private: true, dbsafe: {} }));
    // A production-looking database: the refusal issues a consent request, stored in the state directory.
    const result = await runCli(['run', '--', 'node', '--test', 'no-such.test.js'], { cwd: dir, env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/orders_production' } });
    expect(result.code).toBe(3);

    // The developer's home, as it was before test/private-home.setup.ts gave this test process its own.
    const realHome = process.env.DBSAFE_TEST_REAL_HOME || os.userInfo().homedir;
    expect(process.env.HOME).not.toBe(realHome);
    const { HOME, XDG_STATE_HOME } = privateHome();
    expect(HOME).not.toBe(realHome);
    const mine = filesUnder(path.join(XDG_STATE_HOME, 'dbsafe')).filter((file) => readFileSync(file, 'utf8').includes(dir));
    expect(mine.length).toBeGreaterThan(0);
    // Other sessions on this machine may use the real state directory; none of its files may come from this run.
    const real = filesUnder(path.join(realHome, '.local', 'state', 'dbsafe')).filter((file) => readFileSync(file, 'utf8').includes(dir));
    expect(real).toEqual([]);
  });

  it('keep one HOME for the whole test, and use the HOME a test passes', () => {
    expect(privateHome().HOME).toBe(privateHome().HOME);
    const home = testDir('dbsafe-given-home-');
    expect(privateHome(home)).toEqual({ HOME: home, XDG_STATE_HOME: path.join(home, '.local', 'state') });
  });
});
