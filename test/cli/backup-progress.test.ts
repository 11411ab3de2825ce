import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { formatAge, formatBytes, progressLine } from '../../src/cli/progress.js';

function stream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream: Object.assign(sink, { isTTY }) as unknown as NodeJS.WriteStream, text: () => text };
}

describe('progressLine', () => {
  it('stays silent for work under a second, then redraws bytes, rate and elapsed time on a terminal', () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const tty = stream(true);
      const line = progressLine('Backing up app', { verbose: false, stream: tty.stream });
      line.sink(1024);
      vi.setSystemTime(500);
      line.sink(2048);
      expect(tty.text()).toBe('');
      vi.setSystemTime(2000);
      line.sink(4 * 1024 * 1024);
      expect(tty.text()).toBe('\r\u001b[2KBacking up app  4.0 MB  2.0 MB/s  2.0s');
      line.done();
      expect(tty.text().endsWith('\r\u001b[2K')).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('draws nothing without a terminal, and one summary line with --verbose', () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const quiet = stream(false);
      const q = progressLine('Restoring x', { verbose: false, stream: quiet.stream });
      vi.setSystemTime(3000);
      q.sink(3000);
      q.done();
      expect(quiet.text()).toBe('');
      const verbose = stream(false);
      const v = progressLine('Restoring x', { verbose: true, stream: verbose.stream });
      vi.setSystemTime(6000);
      v.sink(3 * 1024);
      v.done();
      expect(verbose.text()).toBe('Restoring x  3.0 KB  1.0 KB/s  3.0s\n');
    } finally {
      vi.useRealTimers();
    }
  });

  it('formats sizes and ages for the list', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MB');
    const now = new Date('2026-01-02T00:00:00Z');
    expect(formatAge(new Date('2026-01-01T23:59:30Z'), now)).toBe('30s ago');
    expect(formatAge(new Date('2026-01-01T22:00:00Z'), now)).toBe('2h ago');
    expect(formatAge(new Date('2025-12-30T00:00:00Z'), now)).toBe('3d ago');
  });
});
