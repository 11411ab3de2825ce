/**
 * Durations as people write them on a command line or in a config file:
 * a whole number and one unit, `30m`, `12h`, `2d`, `1w` (`health --max-age`,
 * `healthMaxAge`, `schedule --every`). Pure.
 */
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, min: 60, h: 3600, d: 86_400, w: 604_800 };

export const DURATION_FORMS = 'a whole number followed by s, m, h, d or w (30m, 12h, 2d)';

/** Seconds, or null when `text` is not a duration of at least one second. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,9})\s*(s|m|min|h|d|w)$/i.exec(text.trim());
  if (!match) return null;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2]!.toLowerCase()]!;
  return seconds >= 1 ? seconds : null;
}
