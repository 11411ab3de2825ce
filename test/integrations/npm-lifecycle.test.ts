import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lifecycleEdits, lifecycleRemovals } from '../../src/integrations/npm-lifecycle.js';
import { runCli, tempDir } from '../helpers/cli.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

describe('npm lifecycle scripts', () => {
  it('guards test, migrate, seed, reset and db:* scripts; keeps existing pre scripts behind the guard', () => {
    const scripts = { test: 'vitest', pretest: 'npm run lint', migrate: 'knex migrate:latest', 'db:seed': 'node seed.js', build: 'tsc', lint: 'eslint .' };
    expect(lifecycleEdits(scripts)).toEqual({ pretest: 'dbsafe guard && npm run lint', premigrate: 'dbsafe guard', 'predb:seed': 'dbsafe guard' });
    const installed = { ...scripts, ...lifecycleEdits(scripts) };
    expect(lifecycleEdits(installed)).toEqual({});
    expect(lifecycleRemovals(installed)).toEqual({ pretest: 'npm run lint', premigrate: null, 'predb:seed': null });
  });

  it('real npm runs the guard before the test script, and stops when the guard refuses', async () => {
    const { dir, cleanup } = tempDir('dbsafe-npm-');
    cleanups.push(cleanup);
    mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
    // A recording stand-in for dbsafe where npm finds it (node_modules/.bin), exiting as told.
    writeFileSync(path.join(dir, 'node_modules', '.bin', 'dbsafe'), '#!/bin/sh\necho "$*" >> guard-calls\nexit "${GUARD_EXIT:-0}"\n');
    chmodSync(path.join(dir, 'node_modules', '.bin', 'dbsafe'), 0o755);
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'shop', scripts: { test: `node -p "'suite-ran'"` } }, null, 2)}\n`);
    expect((await runCli(['install', '--npm'], { cwd: dir, env: { HOME: dir } })).code).toBe(0);
    const npm = (env: Record<string, string> = {}) => spawnSync('npm', ['test'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
    const ok = npm();
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('suite-ran');
    expect(readFileSync(path.join(dir, 'guard-calls'), 'utf8')).toBe('guard\n');
    const refused = npm({ GUARD_EXIT: '3' });
    expect(refused.status).not.toBe(0);
    expect(refused.stdout).not.toContain('suite-ran');
  });
});
