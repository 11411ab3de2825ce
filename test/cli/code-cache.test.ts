import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, testDir } from '../helpers/cli.js';

/** Node 22+ caches compiled code itself; dbsafe keeps V8's code cache only on Node 20. */
const ownCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache !== 'function';

/** A home as users have it: with ~/.cache, inside which dbsafe makes its own directory. */
function homeWithCache(): string {
  const home = testDir('dbsafe-code-cache-');
  mkdirSync(path.join(home, '.cache'));
  return home;
}

function explainIn(home: string) {
  return runCli(['explain', '--', 'ls'], { cwd: home, env: { HOME: home } });
}

describe.runIf(ownCache)('the compiled-code cache of the command bundles (Node 20)', () => {
  it('is written once into a private directory of the user, and used by the next start', async () => {
    const home = homeWithCache();
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
    const home = homeWithCache();
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
    const home = homeWithCache();
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

  it('a bundle loaded from the cache still loads packages at run time (the shell grammar, the YAML parser)', async () => {
    const home = homeWithCache();
    writeFileSync(path.join(home, 'package.json'), JSON.stringify({ name: 'app', dbsafe: {} }));
    writeFileSync(path.join(home, 'compose.yaml'), 'services:\n  db:\n    image: postgres:17\n');
    const env = { HOME: home, DATABASE_URL: 'postgres://app@db:5432/app_dev' };
    for (let run = 0; run < 2; run += 1) {
      const explained = await runCli(['explain', '--', 'echo "$(date)" | wc -l'], { cwd: home, env });
      expect(explained.stderr).toBe('');
      expect(explained.stdout).toContain('not guarded');
      const checked = await runCli(['check', '--offline'], { cwd: home, env });
      expect(checked.stderr).toBe('');
      expect(checked.stdout).toContain('compose service');
      expect(checked.code).toBe(0);
    }
  });

  it('uninstall removes it', async () => {
    const home = homeWithCache();
    await explainIn(home);
    expect(existsSync(path.join(home, '.cache/dbsafe/code'))).toBe(true);
    const removed = await runCli(['uninstall'], { cwd: home, env: { HOME: home } });
    expect(removed.code, removed.stderr).toBe(0);
    expect(existsSync(path.join(home, '.cache/dbsafe'))).toBe(false);
    expect(existsSync(path.join(home, '.cache'))).toBe(true);
  });

  it('a home without ~/.cache is left without one', async () => {
    const home = testDir('dbsafe-code-cache-');
    const result = await explainIn(home);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(path.join(home, '.cache'))).toBe(false);
  });
});
