import { describe, expect, it } from 'vitest';
import { colorsFor, PLAIN } from '../../src/cli/output.js';

const terminal = true;
const pipe = false;

describe('colorsFor', () => {
  it('styles a terminal with the basic SGR codes, each closed by its own reset', () => {
    const colors = colorsFor(terminal, {});
    expect(colors.red('no')).toBe('\x1b[31mno\x1b[39m');
    expect(colors.bold(`a ${colors.green('b')} c`)).toBe('\x1b[1ma \x1b[32mb\x1b[39m c\x1b[22m');
  });

  it('leaves pipes and files plain', () => {
    expect(colorsFor(pipe, {})).toBe(PLAIN);
    expect(colorsFor(pipe, {}).dim('x')).toBe('x');
  });

  it('follows NO_COLOR on a terminal, and FORCE_COLOR over both', () => {
    expect(colorsFor(terminal, { NO_COLOR: '1' })).toBe(PLAIN);
    expect(colorsFor(terminal, { NO_COLOR: '' })).not.toBe(PLAIN);
    expect(colorsFor(pipe, { FORCE_COLOR: '1' }).yellow('y')).toBe('\x1b[33my\x1b[39m');
    expect(colorsFor(pipe, { FORCE_COLOR: '0' })).toBe(PLAIN);
  });
});

describe('writing to a reader that went away', () => {
  it('ends quietly with the command’s own exit code, without a stack trace', async () => {
    const { spawn } = await import('node:child_process');
    const { CLI, privateHome, tempDir } = await import('../helpers/cli.js');
    const project = tempDir();
    try {
      const child = spawn(process.execPath, [CLI, 'explain', '--json', '--', 'npm', 'test'], { cwd: project.dir, env: { PATH: process.env.PATH, ...privateHome() }, stdio: ['ignore', 'pipe', 'pipe'] });
      // Close our end before dbsafe has started, so its one write meets a closed pipe (EPIPE).
      child.stdout.destroy();
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(0);
    } finally {
      project.cleanup();
    }
  });
});

describe('isDbsafeError', () => {
  it('recognises a DbsafeError from another bundle’s copy of the class, and nothing else', async () => {
    const { DbsafeError, isDbsafeError } = await import('../../src/errors.js');
    class OtherCopy extends Error {
      readonly code = 'x';
      readonly exitCode = 3;
      override readonly name = 'DbsafeError';
    }
    expect(isDbsafeError(new DbsafeError('x', 'message', 3))).toBe(true);
    expect(isDbsafeError(new OtherCopy('message'))).toBe(true);
    expect(isDbsafeError(new Error('plain'))).toBe(false);
    expect(isDbsafeError(Object.assign(new Error('no exit code'), { name: 'DbsafeError', code: 'x' }))).toBe(false);
    expect(isDbsafeError({ name: 'DbsafeError', code: 'x', exitCode: 3, message: 'not an Error' })).toBe(false);
  });
});
