import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { git } from '../helpers/install.js';
import type { IntegrationStatus } from '../../src/integrations/status.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

describe('dbsafe status', () => {
  it('reports what install set up, whether the shims are on PATH, and git hooks made inactive by a changed hooksPath', async () => {
    const { dir, cleanup } = tempDir('dbsafe-status-');
    cleanups.push(cleanup);
    const home = path.join(dir, 'home');
    const project = path.join(dir, 'project');
    mkdirSync(home);
    mkdirSync(project);
    git(project, ['init', '-q']);
    const env = { HOME: home };
    const status = async (extra: Record<string, string> = {}) => {
      const result = await runCli(['status', '--json'], { cwd: project, env: { ...env, ...extra } });
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout) as IntegrationStatus;
    };

    const empty = await status();
    expect(empty.gitHooks.installed).toEqual([]);
    expect(empty.shells.every((s) => !s.installed)).toBe(true);
    expect(empty.shims.installed).toBe(0);

    expect((await runCli(['install', '--hooks', '--shell=zsh', '--shims', '--agent=cursor'], { cwd: project, env })).code).toBe(0);
    const shimDir = path.join(home, '.local', 'share', 'dbsafe', 'shims');
    const full = await status({ PATH: `${shimDir}:${process.env.PATH}` });
    expect(full.gitHooks).toMatchObject({ installed: ['pre-commit', 'pre-push'], active: true, hooksPath: '.husky/_' });
    expect(full.shells.filter((s) => s.installed).map((s) => s.shell)).toEqual(['zsh']);
    expect(full.shims).toMatchObject({ dir: shimDir, onPath: true, activated: true });
    expect(full.shims.installed).toBeGreaterThan(5);
    expect(full.agents.filter((a) => a.installed).map((a) => a.agent)).toEqual(['cursor']);
    expect((await status()).shims.onPath).toBe(false);
    expect((await status({ DBSAFE: '0' })).disabledByEnvironment).toBe(true);
    expect((await status({ DBSAFE: '0', CURSOR_AGENT: '1' })).disabledByEnvironment).toBe(false);

    git(project, ['config', '--unset', 'core.hooksPath']);
    expect((await status()).gitHooks.active).toBe(false);
    const text = await runCli(['status'], { cwd: project, env });
    expect(text.stdout).toContain('INACTIVE: core.hooksPath is unset (run dbsafe install --hooks)');
  });

  it('still reports without git installed, and says the git hooks cannot be looked at', async () => {
    const { dir, cleanup } = tempDir('dbsafe-status-nogit-');
    cleanups.push(cleanup);
    writeFileSync(path.join(dir, 'dbsafe.config.json'), '{}\n');
    const emptyBin = path.join(dir, 'bin');
    mkdirSync(emptyBin);
    const json = await runCli(['status', '--json'], { cwd: dir, env: { PATH: emptyBin } });
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as IntegrationStatus).gitHooks).toEqual({ gitInstalled: false, repository: false, manager: 'none', hooksPath: null, installed: [], active: false });
    const text = await runCli(['status'], { cwd: dir, env: { PATH: emptyBin } });
    expect(text.stdout).toContain('git hooks:     unknown: git is not installed (install git to use the git hooks)');
  });
});
