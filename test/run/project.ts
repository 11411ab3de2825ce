import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, runCli, tempDir, type CliResult } from '../helpers/cli.js';

export interface TestProject {
  dir: string;
  /** The per-test state directory's parent (consent records, guard records live in `<state>/dbsafe`): HOME/.local/state, as HOME is the test's own. */
  state: string;
  /** The environment every dbsafe of this project runs with: dbsafe on PATH, private state. */
  env: Record<string, string>;
  run(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** Backup files (not manifests, not the audit log) in the project's backup directory. */
  backups(): string[];
  cleanup(): void;
}

/**
 * Harmless stand-ins for database commands: the test project's configuration
 * guards them (as a project guards its own scripts), so `dbsafe run -- touch
 * ran` is checked and backed up like `npm test` would be.
 */
export const STAND_IN_GUARDED = ['touch', 'true', 'sh -c', 'node -e'];

/**
 * A temporary project that opted in to dbsafe, with `dbsafe` on PATH (so
 * nested guards, npm scripts and shells find the built CLI) and its own
 * per-user state directory.
 */
export function makeProject(options: { config?: Record<string, unknown>; scripts?: Record<string, string>; env?: Record<string, string> } = {}): TestProject {
  const temp = tempDir('dbsafe-run-project-');
  const dir = path.join(temp.dir, 'app');
  const bin = path.join(temp.dir, 'bin');
  const state = path.join(temp.dir, '.local', 'state');
  mkdirSync(dir);
  mkdirSync(bin);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, scripts: options.scripts ?? {}, dbsafe: { commands: { guard: STAND_IN_GUARDED }, ...options.config } }, null, 2));
  writeFileSync(path.join(bin, 'dbsafe'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(path.join(bin, 'dbsafe'), 0o755);
  const env = { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: temp.dir, NO_COLOR: '1', ...options.env };
  const backupDir = path.join(dir, String(options.config?.backupDir ?? 'backups'));
  return {
    dir,
    state,
    env,
    run: (args, extraEnv = {}) => runCli(args, { cwd: dir, env: { ...env, ...extraEnv } }),
    backups: () => {
      try {
        return readdirSync(backupDir).filter((name) => !name.endsWith('.json') && name !== 'audit.log' && !name.startsWith('.'));
      } catch {
        return [];
      }
    },
    cleanup: temp.cleanup,
  };
}
