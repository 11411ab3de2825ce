import { createHash } from 'node:crypto';
import { fieldValues, type CronTime } from './interval.js';
import { searchPath, type ScheduledCommand } from './crontab-text.js';

/**
 * macOS runs a user's periodic jobs through launchd: one LaunchAgent property
 * list per project in ~/Library/LaunchAgents, loaded with `launchctl
 * bootstrap gui/<uid>`. These are the pure parts: the plist text dbsafe
 * writes, and reading back which project and interval a plist of dbsafe's is for.
 */
export const LAUNCH_AGENT_PREFIX = 'dev.dbsafe.backup.';
const NOTE_PREFIX = 'dbsafe schedule ';

/** One label per project: the directory's hash, so the same project always maps to the same agent. */
export function launchAgentLabel(projectRoot: string): string {
  return `${LAUNCH_AGENT_PREFIX}${createHash('sha256').update(projectRoot).digest('hex').slice(0, 16)}`;
}

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** launchd's calendar keys; a key left out matches every value, like `*` in cron. */
type CalendarEntry = Partial<Record<'Minute' | 'Hour' | 'Weekday', number>>;

/** The cron time dbsafe computes for a project, as StartCalendarInterval entries (one per matching minute/hour/weekday combination). Pure. */
export function calendarEntries(time: CronTime): CalendarEntry[] {
  const expand = (field: string, key: keyof CalendarEntry, min: number, max: number): CalendarEntry[] => {
    if (field === '*') return [{}];
    const values = fieldValues(field.replace(/\b7\b/, '0'), min, max);
    if (!values) throw new Error(`cron field "${field}" cannot be written for launchd`);
    return [...values].sort((a, b) => a - b).map((value) => ({ [key]: value }));
  };
  const combine = (left: CalendarEntry[], right: CalendarEntry[]) => left.flatMap((a) => right.map((b) => ({ ...a, ...b })));
  return combine(combine(expand(time.dayOfWeek, 'Weekday', 0, 6), expand(time.hour, 'Hour', 0, 23)), expand(time.minute, 'Minute', 0, 59));
}

export interface LaunchAgent {
  label: string;
  project: string;
  every: string;
  /** The whole property list, as written to ~/Library/LaunchAgents/<label>.plist. */
  plist: string;
}

/**
 * The LaunchAgent for a project: node runs dbsafe's CLI in the project
 * directory with a private umask, the tool directories found now on PATH
 * (launchd gives jobs a bare PATH, without Homebrew's), and everything the
 * job prints appended to the schedule log. Only paths appear, never a URL or
 * password. Pure.
 */
export function launchAgentFor(parts: ScheduledCommand, every: string, time: CronTime): LaunchAgent {
  const label = launchAgentLabel(parts.projectRoot);
  // JSON inside an XML comment: "--" may not appear there, and \u002d reads back as "-".
  const note = `${NOTE_PREFIX}${JSON.stringify({ project: parts.projectRoot, every }).replace(/-/g, '\\u002d')}`;
  const string = (value: string) => `<string>${xmlText(value)}</string>`;
  const calendar = calendarEntries(time)
    .map((entry) => `\t\t<dict>\n${Object.entries(entry).map(([key, value]) => `\t\t\t<key>${key}</key>\n\t\t\t<integer>${value}</integer>\n`).join('')}\t\t</dict>\n`)
    .join('');
  const plist = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- ${note} -->`,
    '<plist version="1.0">',
    '<dict>',
    `\t<key>Label</key>\n\t${string(label)}`,
    `\t<key>ProgramArguments</key>\n\t<array>\n${[parts.node, parts.cli, 'backup', '--scheduled'].map((word) => `\t\t${string(word)}\n`).join('')}\t</array>`,
    `\t<key>WorkingDirectory</key>\n\t${string(parts.projectRoot)}`,
    `\t<key>EnvironmentVariables</key>\n\t<dict>\n\t\t<key>PATH</key>\n\t\t${string(searchPath(parts))}\n\t</dict>`,
    `\t<key>StandardOutPath</key>\n\t${string(parts.logFile)}`,
    `\t<key>StandardErrorPath</key>\n\t${string(parts.logFile)}`,
    // 077: the backups and the log are the user's alone.
    '\t<key>Umask</key>\n\t<integer>63</integer>',
    '\t<key>ProcessType</key>\n\t<string>Background</string>',
    `\t<key>StartCalendarInterval</key>\n\t<array>\n${calendar}\t</array>`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
  return { label, project: parts.projectRoot, every, plist };
}

/** The project and interval of a plist dbsafe wrote; null for any other file. Pure. */
export function readLaunchAgentNote(plist: string): { project: string; every: string } | null {
  const match = /<!-- dbsafe schedule (\{.*?\}) -->/.exec(plist);
  if (!match) return null;
  try {
    const note = JSON.parse(match[1]!) as { project?: unknown; every?: unknown };
    return typeof note.project === 'string' && typeof note.every === 'string' ? { project: note.project, every: note.every } : null;
  } catch {
    return null;
  }
}
