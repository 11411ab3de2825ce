/**
 * Durations as people write them on a command line or in a config file:
 * a whole number and one unit, `30m`, `12h`, `2d`. Pure.
 */
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

export const DURATION_FORMS = 'a whole number followed by s, m, h or d (30m, 12h, 2d)';

/** Seconds, or null when `text` is not a duration of at least one second. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,9})([smhd])$/.exec(text.trim());
  if (!match) return null;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  return seconds >= 1 ? seconds : null;
}
