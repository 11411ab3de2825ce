import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ancestorChain, parsePsFacts, processFactReaders } from '../../src/run/nesting.js';

/**
 * macOS has no /proc: the nested-guard and agent-hook records read the
 * process chain through `ps` there. On Linux both readers exist, so the ps
 * path is checked against /proc itself.
 */
describe('the process chain without /proc', () => {
  it('reads macOS-style ps lines (full paths in comm, login shells with a dash, zombies)', () => {
    expect(parsePsFacts('  812 Ss   Mon Dec  7 09:14:03 2026     /Applications/iTerm.app/Contents/MacOS/iTerm2')).toEqual({ ppid: 812, start: 'Mon Dec 7 09:14:03 2026', zombie: false, name: 'iTerm2' });
    expect(parsePsFacts('    1 S    Tue Dec  1 08:00:00 2026     -zsh')).toMatchObject({ ppid: 1, name: '-zsh' });
    expect(parsePsFacts('  900 Z    Mon Dec  7 10:00:00 2026     node')).toMatchObject({ zombie: true });
    expect(parsePsFacts('not a ps line')).toBeNull();
  });

  it('ps gives the same parent chain as /proc, and tells a process apart by its start', () => {
    const viaProc = ancestorChain(processFactReaders.proc);
    const viaPs = ancestorChain(processFactReaders.ps);
    expect(viaProc).not.toBeNull();
    expect(viaPs!.map((entry) => entry.pid)).toEqual(viaProc!.map((entry) => entry.pid));
    expect(viaPs!.every((entry) => /^\w{3} \w{3} \d+ \d\d:\d\d:\d\d \d{4}$/.test(entry.start))).toBe(true);
    expect(processFactReaders.ps(process.pid)).toMatchObject({ ppid: process.ppid, zombie: false, name: 'node' });
  });

  it('sees a child that has ended but was not reaped as a zombie, and a gone one as gone', async () => {
    const child = spawn('sh', ['-c', 'exit 0'], { stdio: 'ignore' });
    const pid = child.pid!;
    // Until Node reaps it, the ended child is a zombie for both readers.
    await new Promise<void>((resolve) => {
      const poll = () => {
        const facts = processFactReaders.proc(pid);
        if (facts === null || facts.zombie) resolve();
        else setImmediate(poll);
      };
      poll();
    });
    await new Promise((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const afterReap = processFactReaders.ps(pid);
    expect(afterReap === null || afterReap.zombie).toBe(true);
  });
});
