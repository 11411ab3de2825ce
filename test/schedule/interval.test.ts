import { describe, expect, it } from 'vitest';
import { cronTimeFor, nextRun, parseCronTime, parseInterval, renderCronTime, type Interval } from '../../src/schedule/interval.js';

const accepted = (text: string): Interval => {
  const parsed = parseInterval(text);
  if (!parsed.ok) throw new Error(`${text} refused`);
  return parsed.interval;
};

describe('intervals', () => {
  it.each([
    ['15m', '15m', 15],
    ['30m', '30m', 30],
    ['60m', '1h', 60],
    ['1h', '1h', 60],
    ['2H', '2h', 120],
    ['6h', '6h', 360],
    ['12h', '12h', 720],
    ['24h', '1d', 1440],
    ['1d', '1d', 1440],
    ['7d', '7d', 10080],
    ['1w', '7d', 10080],
  ])('accepts %s as %s', (text, every, minutes) => {
    expect(accepted(text)).toMatchObject({ every, minutes });
  });

  it.each([
    ['5h', ['4h', '6h']],
    ['90m', ['1h', '2h']],
    ['7m', ['5m', '10m']],
    ['2d', ['1d', '7d']],
    ['14d', ['7d']],
    ['1m', ['5m']],
  ])('refuses %s as uneven, offering %j', (text, nearest) => {
    expect(parseInterval(text)).toEqual({ ok: false, problem: 'uneven', nearest });
  });

  it.each(['', '6', 'h', 'six hours', '6 hours', '0h', '-1h', '1.5h', '6h30m'])('refuses %j as malformed', (text) => {
    expect(parseInterval(text)).toEqual({ ok: false, problem: 'malformed' });
  });
});

describe('cron times', () => {
  it('derives the offset from the project path: stable for one, spread across many', () => {
    const six = accepted('6h');
    expect(cronTimeFor(six, '/srv/a')).toEqual(cronTimeFor(six, '/srv/a'));
    const minutes = new Set(Array.from({ length: 40 }, (_, i) => cronTimeFor(six, `/srv/project-${i}`).minute));
    expect(minutes.size).toBeGreaterThan(20);
  });

  it.each([
    ['15m', /^(\*\/15|\d{1,2}-59\/15) \* \* \* \*$/],
    ['30m', /^(\*\/30|\d{1,2}-59\/30) \* \* \* \*$/],
    ['1h', /^\d{1,2} \* \* \* \*$/],
    ['6h', /^\d{1,2} (\*\/6|[1-5]-23\/6) \* \* \*$/],
    ['12h', /^\d{1,2} (\*\/12|\d{1,2}-23\/12) \* \* \*$/],
    ['1d', /^\d{1,2} 1[0-6] \* \* \*$/],
    ['7d', /^\d{1,2} 1[0-6] \* \* [1-5]$/],
  ])('%s → a cron time that honours it', (text, pattern) => {
    for (const project of ['/srv/a', '/srv/b', '/home/ann/shop', '/x']) {
      expect(renderCronTime(cronTimeFor(accepted(text), project))).toMatch(pattern);
    }
  });

  it('runs exactly every interval: consecutive next runs are the interval apart', () => {
    for (const text of ['15m', '1h', '6h', '1d', '7d']) {
      const interval = accepted(text);
      const time = cronTimeFor(interval, `/srv/${text}`);
      let at = new Date(2026, 0, 5, 0, 0);
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) {
        at = nextRun(time, at)!;
        runs.push(at.getTime());
      }
      const gaps = runs.slice(1).map((t, i) => (t - runs[i]!) / 60_000);
      expect(gaps).toEqual(Array(4).fill(interval.minutes));
    }
  });

  it('computes the next run of a written line', () => {
    const from = new Date(2026, 10, 24, 21, 40);
    expect(nextRun(parseCronTime('11 4-23/6 * * *')!, from)).toEqual(new Date(2026, 10, 24, 22, 11));
    expect(nextRun(parseCronTime('7-59/15 * * * *')!, from)).toEqual(new Date(2026, 10, 24, 21, 52));
    expect(nextRun(parseCronTime('30 12 * * 1')!, from)).toEqual(new Date(2026, 10, 30, 12, 30));
    expect(nextRun(parseCronTime('0 0 1 * *')!, from)).toBeNull();
    expect(nextRun(parseCronTime('x * * * *')!, from)).toBeNull();
  });
});
