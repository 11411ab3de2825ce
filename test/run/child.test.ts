import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeForTermination, startFailure } from '../../src/run/exit-status.js';
import { tempDir } from '../helpers/cli.js';
import { start } from './spawned.js';

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/run-command.mjs');
const work = tempDir('dbsafe-run-child-');
afterAll(() => work.cleanup());

function runner(argv: string[], input?: string) {
  return start(process.execPath, [RUNNER, ...argv], { cwd: work.dir, env: { ...process.env, DBSAFE_TEST_VALUE: 'inherited' }, input });
}

describe('exit status, as a shell shows it', () => {
  it.each([
    [0, null, 0],
    [7, null, 7],
    [null, 'SIGINT', 130],
    [null, 'SIGTERM', 143],
    [null, 'SIGKILL', 137],
  ] as const)('code %s signal %s → %i', (code, signal, expected) => {
    expect(exitCodeForTermination(code, signal)).toBe(expected);
  });

  it('words start failures like a shell', () => {
    expect(startFailure('npmx', 'ENOENT', false)).toEqual({ exitCode: 127, message: 'npmx: command not found' });
    expect(startFailure('./missing.sh', 'ENOENT', false)).toEqual({ exitCode: 127, message: './missing.sh: No such file or directory' });
    expect(startFailure('./script.sh', 'ENOENT', true).exitCode).toBe(126);
    expect(startFailure('./data.txt', 'EACCES', true)).toEqual({ exitCode: 126, message: './data.txt: Permission denied' });
  });
});

describe('runCommand with real child processes', () => {
  it('passes stdin, stdout, stderr, cwd and environment through unchanged', async () => {
    const run = runner(['sh', '-c', 'read line; echo "got $line in $(pwd) with $DBSAFE_TEST_VALUE"; echo to-stderr >&2'], 'hello\n');
    const done = await run.finished;
    expect(done.code).toBe(0);
    expect(done.stdout).toBe(`got hello in ${work.dir} with inherited\n`);
    expect(done.stderr).toBe('to-stderr\n');
  });

  it('runs argv without a shell: metacharacters reach the command as text', async () => {
    const done = await runner(['printf', '%s|', 'a b', '$HOME', '*', ';ls']).finished;
    expect(done.stdout).toBe('a b|$HOME|*|;ls|');
  });

  it('leaves with the command’s exit code', async () => {
    expect((await runner(['sh', '-c', 'exit 7']).finished).code).toBe(7);
    expect((await runner(['true']).finished).code).toBe(0);
  });

  it('says "command not found" and exits 127 for an unknown command', async () => {
    const done = await runner(['npmx-does-not-exist', 'test']).finished;
    expect(done.code).toBe(127);
    expect(done.stderr).toBe('dbsafe: npmx-does-not-exist: command not found\n');
  });

  it('exits 126 for a file that is not executable', async () => {
    const file = path.join(work.dir, 'not-executable.sh');
    writeFileSync(file, '#!/bin/sh\necho ran\n');
    chmodSync(file, 0o644);
    const done = await runner([file]).finished;
    expect(done.code).toBe(126);
    expect(done.stderr).toContain('Permission denied');
    expect(done.stdout).toBe('');
  });

  it('forwards SIGINT to the command and exits 130 when it dies of it', async () => {
    const run = runner([process.execPath, '-e', 'console.log("ready"); setTimeout(() => {}, 30000)']);
    await run.waitFor('ready');
    run.child.kill('SIGINT');
    const done = await run.finished;
    expect(done.signal).toBeNull();
    expect(done.code).toBe(130);
  });

  it('keeps running a command that ignores SIGINT, and returns its own exit code', async () => {
    const marker = path.join(work.dir, 'finished-on-its-own');
    const release = path.join(work.dir, 'release');
    const run = runner(['sh', '-c', `trap '' INT; echo ready; while [ ! -e ${release} ]; do sleep 0.05; done; touch ${marker}; exit 5`]);
    await run.waitFor('ready');
    run.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 100));
    run.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 100));
    writeFileSync(release, '');
    const done = await run.finished;
    expect({ signal: done.signal, stderr: done.stderr, stdout: done.stdout }).toEqual({ signal: null, stderr: '', stdout: 'ready\n' });
    expect(done.code).toBe(5);
    expect(existsSync(marker)).toBe(true);
  });

  it('forwards SIGTERM and SIGHUP to a command that handles them', async () => {
    for (const [signal, code] of [['SIGTERM', 9], ['SIGHUP', 11]] as const) {
      const log = path.join(work.dir, `${signal}.log`);
      const script = `process.on('${signal}', () => { require('fs').writeFileSync(${JSON.stringify(log)}, 'got ${signal}'); process.exit(${code}); }); console.log('ready'); setTimeout(() => {}, 30000)`;
      const run = runner([process.execPath, '-e', script]);
      await run.waitFor('ready');
      run.child.kill(signal);
      const done = await run.finished;
      expect(done.code).toBe(code);
      expect(readFileSync(log, 'utf8')).toBe(`got ${signal}`);
    }
  });

  it('exits 143 when the command dies of a forwarded SIGTERM', async () => {
    const run = runner([process.execPath, '-e', 'console.log("ready"); setTimeout(() => {}, 30000)']);
    await run.waitFor('ready');
    run.child.kill('SIGTERM');
    expect((await run.finished).code).toBe(143);
  });
});
