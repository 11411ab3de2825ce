import type { ProgressSink } from '../engines/types.js';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatAge(from: Date, now: Date = new Date()): string {
  const seconds = Math.max(0, Math.round((now.getTime() - from.getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

export interface ProgressLine {
  sink: ProgressSink;
  /** Clear the line (TTY) or, with --verbose, print the totals. */
  done(): void;
}

/**
 * "label  12 MB  4.1 MB/s  3.2s" on stderr, redrawn in place, only on a
 * terminal and only once the work has taken a second (quick work stays
 * silent). With --verbose and no terminal, one summary line at the end.
 */
export function progressLine(label: string, options: { verbose: boolean; stream?: NodeJS.WriteStream }): ProgressLine {
  const stream = options.stream ?? process.stderr;
  const started = Date.now();
  let bytes = 0;
  let drawn = false;
  let lastDraw = 0;
  const text = () => {
    const elapsed = (Date.now() - started) / 1000;
    return `${label}  ${formatBytes(bytes)}  ${formatBytes(bytes / Math.max(elapsed, 0.001))}/s  ${elapsed.toFixed(1)}s`;
  };
  return {
    sink(value) {
      bytes = value;
      const now = Date.now();
      if (!stream.isTTY || now - started < 1000 || now - lastDraw < 100) return;
      lastDraw = now;
      drawn = true;
      stream.write(`\r\u001b[2K${text()}`);
    },
    done() {
      if (drawn) stream.write('\r\u001b[2K');
      if (options.verbose) stream.write(`${text()}\n`);
    },
  };
}
