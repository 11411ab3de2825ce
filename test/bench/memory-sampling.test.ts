import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { peakRssKbFromProc, rssKbFromPs } from '../../bench/measure.js';

/** `npm run bench` samples memory from /proc on Linux and from `ps` where there is none (macOS): both read the same process alike. */
describe('bench memory sampling', () => {
  it('ps reads a live process near what /proc says, and nothing once it is gone', async () => {
    const child = spawn(process.execPath, ['-e', 'const keep = Buffer.alloc(64 * 1024 * 1024, 1); process.stdin.on("data", () => process.exit(0)); console.log(keep.length)'], { stdio: ['pipe', 'pipe', 'ignore'] });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    const fromProc = peakRssKbFromProc(child.pid!);
    const fromPs = rssKbFromPs(child.pid!);
    expect(fromProc).toBeGreaterThan(64 * 1024);
    expect(fromPs).toBeGreaterThan(64 * 1024);
    expect(Math.abs(fromPs! - fromProc!)).toBeLessThan(fromProc! / 2);
    child.stdin.write('x');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(rssKbFromPs(child.pid!)).toBeNull();
  });
});
