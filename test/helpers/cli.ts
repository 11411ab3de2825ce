import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built CLI: `npm test` builds before running the suite, and test/fresh-build.setup.ts rebuilds a stale one. */
export const CLI = path.join(REPO_ROOT, 'dist/dbsafe.cjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the real dbsafe CLI in `cwd` with exactly `env` (plus PATH, and a
 * private HOME and XDG_STATE_HOME), so no variable of the machine running the
 * tests leaks into a verdict and nothing lands in the real ~/.local/state or
 * rc files. A test that needs a particular HOME passes one.
 */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string>; input?: string }): Promise<CliResult> {
  return runCollecting(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...privateHome(options.env?.HOME), NO_COLOR: '1', ...options.env },
    input: options.input,
  });
}

const testHomes = new Map<string, string>();
let fileHome: string | undefined;

/**
 * HOME and XDG_STATE_HOME for a CLI run: the test's own temporary home (one
 * per test, so consent codes and records survive from one run to the next
 * within it), or inside the HOME the test passed. Outside a running test
 * (beforeAll), one home for the test file, removed when the file's process ends.
 */
export function privateHome(home?: string): { HOME: string; XDG_STATE_HOME: string } {
  if (home) return { HOME: home, XDG_STATE_HOME: path.join(home, '.local', 'state') };
  const state = expect.getState();
  const key = state.currentTestName ? `${state.testPath ?? ''}\u0000${state.currentTestName}` : null;
  let dir = key ? testHomes.get(key) : fileHome;
  if (!dir) {
    const temp = tempDir('dbsafe-home-');
    dir = temp.dir;
    let perTest = false;
    if (key) {
      try {
        onTestFinished(() => {
          testHomes.delete(key);
          temp.cleanup();
        });
        testHomes.set(key, dir);
        perTest = true;
      } catch {
        // Called from a hook that has no test to finish: fall back to the file's home.
      }
    }
    if (!perTest) {
      if (fileHome) {
        temp.cleanup();
        dir = fileHome;
      } else {
        fileHome = dir;
        process.on('exit', temp.cleanup);
      }
    }
  }
  return { HOME: dir, XDG_STATE_HOME: path.join(dir, '.local', 'state') };
}

/** Run a program to completion and collect its output (the environment is exactly `env` when given). */
export function runCollecting(program: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh temporary directory for the running test, removed when that test finishes. */
export function testDir(prefix?: string): string {
  const temp = tempDir(prefix);
  onTestFinished(temp.cleanup);
  return temp.dir;
}

/** A fresh temporary directory, removed by the returned cleanup. Real path (macOS /private, symlinked tmp). */
export function tempDir(prefix = 'dbsafe-test-'): { dir: string; cleanup: () => void } {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  // Retried: a SQLite snapshot's background standby copy may still be writing into the directory when the test ends.
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }) };
}

/** Put the built CLI in `projectDir/node_modules/.bin/dbsafe`, as `npm install --save-dev ./dbsafe-x.y.z.tgz` would. */
export function installBuiltDbsafe(projectDir: string): string {
  const bin = path.join(projectDir, 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  const launcher = path.join(bin, 'dbsafe');
  writeFileSync(launcher, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
  return launcher;
}
