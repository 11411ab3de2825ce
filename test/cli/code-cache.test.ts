import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, testDir } from '../helpers/cli.js';

/** Node 22+ caches compiled code itself; dbsafe keeps V8's code cache only on Node 20. */
const ownCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache !== 'function';

function explainIn(home: string) {
  return runCli(['explain', '--', 'ls'], { cwd: home, env: { HOME: home } });
}

describe.runIf(ownCache)('the compiled-code cache of the command bundles (Node 20)', () => {
  it('is written once into a private directory of the user, and used by the next start', async () => {
    const home = testDir('dbsafe-code-cache-');
    const first = await explainIn(home);
    expect(first.code, first.stderr).toBe(0);
    const dir = path.join(home, '.cache/dbsafe/code');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const [entry, ...others] = readdirSync(dir);
    expect(others).toEqual([]);
    expect(entry).toMatch(/^explain-\d+-\d+-v[\d.]+\.bin$/);
    expect(statSync(path.join(dir, entry!)).mode & 0o777).toBe(0o600);
    const written = readFileSync(path.join(dir, entry!));

    const second = await explainIn(home);
    expect(second.stdout).toBe(first.stdout);
    // Accepted by V8, so not rewritten.
    expect(readFileSync(path.join(dir, entry!)).equals(written)).toBe(true);
  });

  it('a damaged cache file is rejected and rewritten; the command runs as always', async () => {
    const home = testDir('dbsafe-code-cache-');
    const first = await explainIn(home);
    const dir = path.join(home, '.cache/dbsafe/code');
    const [entry] = readdirSync(dir);
    writeFileSync(path.join(dir, entry!), 'not bytecode', { mode: 0o600 });
    const second = await explainIn(home);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(path.join(dir, entry!), 'utf8')).not.toBe('not bytecode');
  });

  it('a cache directory or file others can write is never used', async () => {
    const home = testDir('dbsafe-code-cache-');
    const dir = path.join(home, '.cache/dbsafe/code');
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    const open = await explainIn(home);
    expect(open.code, open.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual([]);

    chmodSync(dir, 0o700);
    await explainIn(home);
    const [entry] = readdirSync(dir);
    const file = path.join(dir, entry!);
    writeFileSync(file, 'planted by someone else');
    chmodSync(file, 0o666);
    const planted = await explainIn(home);
    expect(planted.code, planted.stderr).toBe(0);
    // Not read: replaced by a private file of dbsafe's own.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toBe('planted by someone else');
  });

  it('a bundle that imports a package at run time (the shell grammar) prints nothing but its own output', async () => {
    const home = testDir('dbsafe-code-cache-');
    for (let run = 0; run < 2; run += 1) {
      const result = await runCli(['explain', '--', 'echo "$(date)" | wc -l'], { cwd: home, env: { HOME: home } });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('not guarded');
    }
  });

  it('uninstall removes it', async () => {
    const home = testDir('dbsafe-code-cache-');
    await explainIn(home);
    expect(existsSync(path.join(home, '.cache/dbsafe/code'))).toBe(true);
    const removed = await runCli(['uninstall'], { cwd: home, env: { HOME: home } });
    expect(removed.code, removed.stderr).toBe(0);
    expect(existsSync(path.join(home, '.cache/dbsafe/code'))).toBe(false);
  });
});
