import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function project(files: Record<string, string>): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const BROKEN_RAILS = { 'Gemfile': 'source "https://rubygems.org"\ngem "rails"\n', 'config/database.yml': 'development:\n  adapter: postgresql\n  database: [shop\n' };

describe('framework configuration dbsafe cannot read', () => {
  it('with another database named: a clear line in check and explain, judged on what could be read', async () => {
    const dir = project({ ...BROKEN_RAILS, '.env': 'DATABASE_URL=postgres://postgres@127.0.0.1/shop_dev\n' });
    const check = await runCli(['check', '--offline'], { cwd: dir });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('Framework configuration dbsafe could not read (judged on the rest)');
    expect(check.stdout).toMatch(/! rails: .*config\/database\.yml line 4 is not valid YAML/);
    const explain = JSON.parse((await runCli(['explain', '--json', '--', 'bin/rails', 'db:migrate'], { cwd: dir })).stdout) as { verdict: string; notices: Array<{ framework: string; file: string; message: string }> };
    expect(explain.verdict).toBe('safe');
    expect(explain.notices).toEqual([expect.objectContaining({ framework: 'rails', file: path.join(dir, 'config/database.yml') })]);
  });

  it('with nothing else: check says why (exit 2) and a guarded command is refused', async () => {
    const dir = project({ ...BROKEN_RAILS, 'dbsafe.config.json': '{}', 'bin/rails': '#!/bin/sh\necho ran > ran.txt\n' });
    chmodSync(path.join(dir, 'bin/rails'), 0o755);
    const check = await runCli(['check', '--offline'], { cwd: dir });
    expect(check.code).toBe(2);
    expect(check.stdout).toContain('not valid YAML');
    expect(check.stdout).toContain('Nothing else names a database, so guarded commands are refused until it can be read.');
    const explain = JSON.parse((await runCli(['explain', '--json', '--', 'bin/rails', 'db:migrate'], { cwd: dir })).stdout) as { verdict: string };
    expect(explain.verdict).toBe('unknown');
    const run = await runCli(['run', '--', 'bin/rails', 'db:migrate'], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('not valid YAML');
    expect(existsSync(path.join(dir, 'ran.txt'))).toBe(false);
  });
});
