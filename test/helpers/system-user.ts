import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { CLI, runCollecting, type CliResult } from './cli.js';

/**
 * A throw-away Unix account (`dbsafe_test_<random>`) for tests that need a
 * real crontab: the tests act on this user's crontab only, never on the
 * crontab of the user running them. Needs root (useradd, runuser).
 */
export interface SystemUser {
  name: string;
  home: string;
  /** The built CLI as this user, in `cwd`, with exactly `env` plus PATH, HOME and NO_COLOR. */
  cli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult>;
  /** `/bin/sh -c command` as this user with an empty environment, as cron starts a job (cron adds only HOME, LOGNAME, SHELL, PATH). */
  shEmptyEnv(command: string): CliResult;
  /** The user's crontab as `crontab -l` prints it, or null when the user has none. */
  crontab(): string | null;
  setCrontab(text: string): void;
  /** Give `path` (recursively) to this user. */
  own(path: string): void;
  remove(): void;
}

export function createSystemUser(): SystemUser {
  if (process.getuid?.() !== 0) throw new Error('these tests create a throw-away Unix user and run dbsafe as that user: run them as root (CI does)');
  const name = `dbsafe_test_${randomBytes(4).toString('hex')}`;
  execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', name]);
  const home = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).split(':')[5]!;
  const asUser = (command: string[]) => ['-u', name, '--', ...command];
  const probe = spawnSync('runuser', asUser(['test', '-r', CLI]));
  if (probe.status !== 0) throw new Error(`${name} cannot read ${CLI}: make the repository readable by all users (chmod -R a+rX) for the schedule tests`);
  accessSync(process.execPath, constants.X_OK);
  return {
    name,
    home,
    cli: (args, options) => {
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NO_COLOR: '1', ...options.env };
      return runCollecting('runuser', asUser(['/usr/bin/env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), process.execPath, CLI, ...args]), { cwd: options.cwd });
    },
    shEmptyEnv: (command) => {
      const result = spawnSync('runuser', asUser(['/usr/bin/env', '-i', '/bin/sh', '-c', command]), { encoding: 'utf8', cwd: '/' });
      return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
    },
    crontab: () => {
      const result = spawnSync('crontab', ['-l', '-u', name], { encoding: 'utf8' });
      if (result.status === 0) return result.stdout;
      if (/no crontab for/.test(result.stderr)) return null;
      throw new Error(`crontab -l -u ${name} failed: ${result.stderr}`);
    },
    setCrontab: (text) => {
      execFileSync('crontab', ['-u', name, '-'], { input: text });
    },
    own: (path) => {
      execFileSync('chown', ['-R', `${name}:`, path]);
    },
    remove: () => {
      spawnSync('crontab', ['-r', '-u', name], { stdio: 'ignore' });
      spawnSync('userdel', ['-r', name], { stdio: 'ignore' });
    },
  };
}
