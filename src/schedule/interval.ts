import { createHash } from 'node:crypto';
import { parseDuration } from '../config/duration.js';

/**
 * The intervals a schedule accepts, each a row: cron can only repeat evenly
 * on steps that divide the next unit (60 minutes, 24 hours, the week), so
 * 90m or 5h would drift or bunch at the wrap and are not offered.
 */
export interface Interval {
  /** As the user writes it, normalised: "15m", "6h", "1d", "7d". */
  every: string;
  minutes: number;
  unit: 'minutes' | 'hours' | 'daily' | 'weekly';
  /** For minutes and hours: the step (15 for 15m, 6 for 6h). */
  step: number;
}

const MINUTE_STEPS = [5, 10, 15, 20, 30] as const;
const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12] as const;

export const INTERVALS: readonly Interval[] = [
  ...MINUTE_STEPS.map((step): Interval => ({ every: `${step}m`, minutes: step, unit: 'minutes', step })),
  ...HOUR_STEPS.map((step): Interval => ({ every: `${step}h`, minutes: step * 60, unit: 'hours', step })),
  { every: '1d', minutes: 24 * 60, unit: 'daily', step: 1 },
  { every: '7d', minutes: 7 * 24 * 60, unit: 'weekly', step: 7 },
];

export const DEFAULT_INTERVAL = '6h';

export type IntervalParse = { ok: true; interval: Interval } | { ok: false; problem: 'malformed' } | { ok: false; problem: 'uneven'; nearest: string[] };

/** "6h", "30m", "1d", "1w", "60m", "24h" → the accepted interval of that length; pure. */
export function parseInterval(text: string): IntervalParse {
  const seconds = parseDuration(text);
  if (seconds === null || seconds % 60 !== 0) return { ok: false, problem: 'malformed' };
  const minutes = seconds / 60;
  const exact = INTERVALS.find((interval) => interval.minutes === minutes);
  if (exact) return { ok: true, interval: exact };
  return { ok: false, problem: 'uneven', nearest: nearestIntervals(minutes) };
}

/** The accepted interval just below and just above `minutes` (one of them at the ends). */
export function nearestIntervals(minutes: number): string[] {
  const below = INTERVALS.filter((i) => i.minutes < minutes).at(-1);
  const above = INTERVALS.find((i) => i.minutes > minutes);
  return [below, above].filter((i): i is Interval => i !== undefined).map((i) => i.every);
}

/** The five time fields of a crontab line. */
export interface CronTime {
  minute: string;
  hour: string;
  dayOfMonth: string;
  month: string;
  dayOfWeek: string;
}

export function renderCronTime(time: CronTime): string {
  return [time.minute, time.hour, time.dayOfMonth, time.month, time.dayOfWeek].join(' ');
}

/** Stable numbers from the project path, so many projects do not all start at :00. */
function spread(projectPath: string): { minute: number; hourSeed: number; daySeed: number } {
  const digest = createHash('sha256').update(projectPath).digest();
  return { minute: digest.readUInt16BE(0) % 60, hourSeed: digest.readUInt16BE(2), daySeed: digest.readUInt16BE(4) };
}

const stepped = (offset: number, last: number, step: number) => (step === 1 ? '*' : offset === 0 ? `*/${step}` : `${offset}-${last}/${step}`);

/**
 * When the entry runs. Minutes and hours repeat from an offset derived from
 * the project path (`7-59/15`, `17 2-23/6`). Daily and weekly runs fall
 * between 10:00 and 16:59 on weekdays for weekly: a development machine is
 * often off at night and at weekends, and cron does not catch up missed runs.
 */
export function cronTimeFor(interval: Interval, projectPath: string): CronTime {
  const { minute, hourSeed, daySeed } = spread(projectPath);
  const every = { minute: '*', hour: '*', dayOfMonth: '*', month: '*', dayOfWeek: '*' };
  switch (interval.unit) {
    case 'minutes':
      return { ...every, minute: stepped(minute % interval.step, 59, interval.step) };
    case 'hours':
      return { ...every, minute: String(minute), hour: stepped(hourSeed % interval.step, 23, interval.step) };
    case 'daily':
      return { ...every, minute: String(minute), hour: String(10 + (hourSeed % 7)) };
    case 'weekly':
      return { ...every, minute: String(minute), hour: String(10 + (hourSeed % 7)), dayOfWeek: String(1 + (daySeed % 5)) };
  }
}

/** The values one cron field allows, for the forms dbsafe writes (and plain lists); null when not understood. */
export function fieldValues(field: string, min: number, max: number): Set<number> | null {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return null;
    const from = match[1] === '*' ? min : Number(match[2]);
    const to = match[1] === '*' ? max : match[3] !== undefined ? Number(match[3]) : match[4] !== undefined ? max : from;
    const step = match[4] !== undefined ? Number(match[4]) : 1;
    if (from < min || to > max || from > to || step < 1) return null;
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

/**
 * The first minute after `from` (local time, as cron reads its table) that
 * `time` matches, or null for fields this does not understand. Day of month
 * and month are only ever `*` in dbsafe's entries; a restricted one is not followed.
 */
export function nextRun(time: CronTime, from: Date): Date | null {
  if (time.dayOfMonth !== '*' || time.month !== '*') return null;
  const minutes = fieldValues(time.minute, 0, 59);
  const hours = fieldValues(time.hour, 0, 23);
  const weekdays = fieldValues(time.dayOfWeek.replace(/\b7\b/, '0'), 0, 6);
  if (!minutes || !hours || !weekdays) return null;
  const candidate = new Date(from.getTime());
  candidate.setSeconds(0, 0);
  for (let i = 0; i < 8 * 24 * 60; i++) {
    candidate.setMinutes(candidate.getMinutes() + 1);
    if (minutes.has(candidate.getMinutes()) && hours.has(candidate.getHours()) && weekdays.has(candidate.getDay())) return candidate;
  }
  return null;
}

/** "17 2-23/6 * * *" → its fields, or null when it is not five fields. */
export function parseCronTime(text: string): CronTime | null {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 5) return null;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  return { minute, hour, dayOfMonth, month, dayOfWeek };
}
