import path from 'node:path';
import { blockBody, findBlock, removeBlock, upsertBlock } from '../integrations/marker-block.js';
import { parseCronTime, renderCronTime, type CronTime } from './interval.js';

/**
 * dbsafe's crontab entries, edited as text: pure functions from the current
 * crontab (null: the user has none) to the next one. Everything dbsafe writes
 * sits in one marked block (see marker-block.ts); inside it each project has
 * a note line naming it, then its cron line, so projects are added, updated
 * and removed one by one, and every line outside the block stays byte for byte.
 */
const NOTE_PREFIX = '# dbsafe schedule ';

export interface ScheduleEntry {
  /** The project root, the entry's key. */
  project: string;
  /** The interval as given: "6h". */
  every: string;
  /** The whole cron line: five time fields and the command. */
  line: string;
}

type BodyItem = { kind: 'entry'; entry: ScheduleEntry } | { kind: 'other'; text: string };

function noteLine(entry: ScheduleEntry): string {
  return `${NOTE_PREFIX}${JSON.stringify({ project: entry.project, every: entry.every })}`;
}

function parseNote(line: string): { project: string; every: string } | null {
  if (!line.startsWith(NOTE_PREFIX)) return null;
  try {
    const note = JSON.parse(line.slice(NOTE_PREFIX.length)) as { project?: unknown; every?: unknown };
    return typeof note.project === 'string' && typeof note.every === 'string' ? { project: note.project, every: note.every } : null;
  } catch {
    return null;
  }
}

function parseBody(crontab: string | null): BodyItem[] {
  const body = crontab === null ? null : blockBody(crontab);
  if (body === null || body === '') return [];
  const lines = body.split('\n');
  const items: BodyItem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const note = parseNote(lines[i]!);
    const next = lines[i + 1];
    if (note && next !== undefined && parseNote(next) === null) {
      items.push({ kind: 'entry', entry: { ...note, line: next } });
      i += 1;
    } else {
      // Not a pair dbsafe wrote (edited by hand): kept as it is until uninstall removes the block.
      items.push({ kind: 'other', text: lines[i]! });
    }
  }
  return items;
}

function renderBody(items: BodyItem[]): string {
  return items.flatMap((item) => (item.kind === 'entry' ? [noteLine(item.entry), item.entry.line] : [item.text])).join('\n');
}

function withBody(crontab: string | null, items: BodyItem[]): string | null {
  if (items.length === 0) {
    if (crontab === null) return null;
    return findBlock(crontab) ? removeBlock(crontab) : crontab;
  }
  return upsertBlock(crontab, renderBody(items));
}

/** Every project dbsafe schedules in this crontab. */
export function scheduleEntries(crontab: string | null): ScheduleEntry[] {
  return parseBody(crontab).flatMap((item) => (item.kind === 'entry' ? [item.entry] : []));
}

export function findScheduleEntry(crontab: string | null, project: string): ScheduleEntry | null {
  return scheduleEntries(crontab).find((entry) => entry.project === project) ?? null;
}

/** The crontab with `entry` added, or replacing the same project's entry in place. */
export function withScheduleEntry(crontab: string | null, entry: ScheduleEntry): string {
  const items = parseBody(crontab);
  const at = items.findIndex((item) => item.kind === 'entry' && item.entry.project === entry.project);
  if (at === -1) items.push({ kind: 'entry', entry });
  else items[at] = { kind: 'entry', entry };
  return withBody(crontab, items)!;
}

/**
 * The crontab without `project`'s entry (every dbsafe entry when `project`
 * is null). Null means the user should have no crontab again: dbsafe created
 * it and nothing else is left in it.
 */
export function withoutScheduleEntry(crontab: string | null, project: string | null): string | null {
  const items = parseBody(crontab);
  const kept = project === null ? [] : items.filter((item) => item.kind !== 'entry' || item.entry.project !== project);
  if (crontab === null || (kept.length === items.length && project !== null)) return crontab;
  return withBody(crontab, kept);
}

/** The parts of the scheduled command, all absolute paths. */
export interface ScheduledCommand {
  projectRoot: string;
  backupDir: string;
  logFile: string;
  node: string;
  cli: string;
  /** Directories of the engine tools (pg_dump, mariadb-dump, sqlite3…) found when the schedule was set: cron and launchd give jobs a bare PATH. */
  toolDirs?: readonly string[];
}

export const LOG_FILE_NAME = 'schedule.log';

/** A word for /bin/sh: single-quoted unless it is plainly safe. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** cron turns an unescaped `%` into a newline (crontab(5)); `\%` reaches the shell as `%`. */
export function escapeForCron(command: string): string {
  return command.replace(/%/g, '\\%');
}

/**
 * Why `file` cannot appear in a cron line, or null. A line break ends the
 * entry; a backslash right before `%` cannot be written at all, because
 * cron reads `\%` as an escaped `%`.
 */
export function crontabPathProblem(file: string): string | null {
  if (/[\n\r]/.test(file)) return 'it contains a line break';
  if (file.includes('\\%')) return 'it contains a backslash followed by "%"';
  return null;
}

/** Inside the project, relative paths keep the line short (cron caps a line at about 1000 characters). */
function fromProject(projectRoot: string, file: string): string {
  const relative = path.relative(projectRoot, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** PATH for a scheduled job: node's directory, the engine tools' directories found at schedule time, then the system's. */
export function searchPath(parts: Pick<ScheduledCommand, 'node' | 'toolDirs'>): string {
  return [...new Set([path.dirname(parts.node), ...(parts.toolDirs ?? []), '/usr/local/bin', '/usr/bin', '/bin'])].join(':');
}

/**
 * The shell command cron runs: in the project directory, with a private
 * umask and the backup directory made if it went missing, everything after
 * that (the shell's own errors included) appended to the log, and dbsafe's
 * own CLI through the same node takes a backup with trigger "scheduled".
 * Only paths appear: the database comes from the project's .env /
 * dbsafe.config.json when it runs.
 */
export function scheduledCommand(parts: ScheduledCommand): string {
  const command = [
    `cd ${shellQuote(parts.projectRoot)}`,
    'umask 077',
    `mkdir -p ${shellQuote(fromProject(parts.projectRoot, parts.backupDir))}`,
    `exec >> ${shellQuote(fromProject(parts.projectRoot, parts.logFile))} 2>&1`,
    `PATH=${shellQuote(searchPath(parts))} ${shellQuote(parts.node)} ${shellQuote(parts.cli)} backup --scheduled`,
  ].join(' && ');
  return escapeForCron(command);
}

export function cronLine(time: CronTime, command: string): string {
  return `${renderCronTime(time)} ${command}`;
}

/** A cron line's time fields and command, as dbsafe writes them. */
export function splitCronLine(line: string): { time: CronTime; command: string } | null {
  const match = /^\s*(\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s+(.+)$/.exec(line);
  if (!match) return null;
  const time = parseCronTime(match[1]!);
  return time ? { time, command: match[2]! } : null;
}
