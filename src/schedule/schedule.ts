import os from 'node:os';
import path from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import { loadProjectContext, type ProjectContext } from '../config/context.js';
import { isDbsafeError } from '../errors.js';
import { cliEntry } from '../package-root.js';
import { backupStoreFor } from '../store/store.js';
import type { Target } from '../target/types.js';
import { DEFAULT_PORTS } from '../target/url.js';
import { readCrontab, writeCrontab, cronDaemonRunning } from './crontab.js';
import {
  crontabPathProblem,
  cronLine,
  findScheduleEntry,
  LOG_FILE_NAME,
  scheduledCommand,
  scheduleEntries,
  splitCronLine,
  withScheduleEntry,
  withoutScheduleEntry,
  type ScheduledCommand,
  type ScheduleEntry,
} from './crontab-text.js';
import { cronTimeFor, nextRun, parseInterval, renderCronTime, type Interval } from './interval.js';
import { launchAgentFor, launchAgentLabel } from './launchd-plist.js';
import { installedLaunchAgents, installLaunchAgent, launchAgentLoaded, launchAgentsDir, removeLaunchAgents } from './launchd.js';
import { scheduleMessages, schedulerMessages } from './messages.js';
import { findTool } from '../engines/tools.js';

/** Who runs scheduled backups: launchd on macOS, cron elsewhere; DBSAFE_SCHEDULER chooses explicitly. */
export type SchedulerName = 'cron' | 'launchd';

export function schedulerFor(env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform): SchedulerName {
  const chosen = env.DBSAFE_SCHEDULER;
  if (chosen === undefined || chosen === '') return platform === 'darwin' ? 'launchd' : 'cron';
  if (chosen === 'cron' || chosen === 'launchd') return chosen;
  throw schedulerMessages.unknownScheduler(chosen);
}

/** The engines' client tools a scheduled backup may run; their directories go on the job's PATH. */
const SCHEDULED_TOOLS = ['pg_dump', 'pg_restore', 'mariadb-dump', 'mysqldump', 'sqlite3', 'mongodump'] as const;
const SYSTEM_DIRS = new Set(['/usr/local/bin', '/usr/bin', '/bin']);

/** macOS asks before background jobs read these folders of the home directory (TCC). */
const PROTECTED_FOLDERS = ['Documents', 'Desktop', 'Downloads', path.join('Library', 'Mobile Documents')];

/** A note for projects macOS will not let a scheduled job read without Full Disk Access; null elsewhere. Pure. */
export function protectedFolderNote(projectRoot: string, home: string, platform: NodeJS.Platform, scheduler: SchedulerName): string | null {
  if (platform !== 'darwin') return null;
  const folder = PROTECTED_FOLDERS.find((name) => {
    const relative = path.relative(path.join(home, name), projectRoot);
    return !relative.startsWith('..') && !path.isAbsolute(relative);
  });
  return folder ? schedulerMessages.protectedFolder(projectRoot, folder, scheduler) : null;
}

/** Vixie cron reads at most 1000 characters of a line. */
const MAX_LINE = 1000;

/** What `dbsafe schedule` (and `--json`, and `dbsafe status`) shows for one project. */
export interface ScheduleView {
  project: string;
  scheduler: SchedulerName;
  /** launchd: the LaunchAgent's property list; cron: null (the entry is a line of the crontab). */
  file: string | null;
  /** launchd: whether the agent is loaded; null for cron or where launchctl cannot be asked. */
  loaded: boolean | null;
  scheduled: boolean;
  every: string | null;
  /** The five time fields: "17 2-23/6 * * *". */
  cron: string | null;
  /** The whole crontab line. */
  line: string | null;
  logFile: string | null;
  /** ISO time of the next run, local cron time; null when not scheduled. */
  nextRun: string | null;
  /** False when node, dbsafe or the backup directory moved since the entry was written. */
  upToDate: boolean | null;
  /** Whether a cron daemon process runs; null where dbsafe cannot see processes. */
  cronDaemonRunning: boolean | null;
  /** dbsafe entries of other projects in the same crontab. */
  otherProjects: number;
}

export function commandParts(context: Pick<ProjectContext, 'projectRoot' | 'config'>): ScheduledCommand {
  const dir = backupStoreFor(context).dir;
  const toolDirs = [...new Set(SCHEDULED_TOOLS.flatMap((tool) => {
    const found = findTool([tool]);
    return found && !SYSTEM_DIRS.has(path.dirname(found)) ? [path.dirname(found)] : [];
  }))];
  return { projectRoot: context.projectRoot, backupDir: dir, logFile: path.join(dir, LOG_FILE_NAME), node: process.execPath, cli: cliEntry(), toolDirs };
}

/** The entry this dbsafe would write for the project: pure apart from the paths it is given. */
export function entryFor(parts: ScheduledCommand, interval: Interval): ScheduleEntry {
  const named: Array<[string, string]> = [
    ['project directory', parts.projectRoot],
    ['backup directory', parts.backupDir],
    ['node binary', parts.node],
    ['dbsafe CLI', parts.cli],
  ];
  for (const [what, file] of named) {
    const problem = crontabPathProblem(file);
    if (problem) throw scheduleMessages.unusablePath(what, file, problem);
  }
  const line = cronLine(cronTimeFor(interval, parts.projectRoot), scheduledCommand(parts));
  if (line.length > MAX_LINE) throw scheduleMessages.lineTooLong(line.length);
  return { project: parts.projectRoot, every: interval.every, line };
}

function sameConnection(a: Target, b: Target): boolean {
  return (
    a.engine === b.engine &&
    a.database === b.database &&
    (a.host ?? a.socket ?? '') === (b.host ?? b.socket ?? '') &&
    (a.port ?? DEFAULT_PORTS[a.engine]) === (b.port ?? DEFAULT_PORTS[b.engine]) &&
    (a.user ?? '') === (b.user ?? '') &&
    (a.password ?? '') === (b.password ?? '')
  );
}

/** The environment cron gives a job (crontab(5)): nothing of the user's shell. */
function cronEnvironment(): Record<string, string> {
  const user = os.userInfo();
  return { HOME: user.homedir, LOGNAME: user.username, SHELL: '/bin/sh', PATH: '/usr/bin:/bin' };
}

/**
 * Cron starts the backup without the shell's environment. Resolve the
 * project's database as cron will and refuse when it is not the database this
 * shell uses: named only by an exported variable, or overridden by one
 * (a password, a NODE_ENV choosing another .env file).
 */
export function refuseShellOnlyDatabase(context: ProjectContext, target: Target): void {
  const underCron = loadProjectContext({ cwd: context.projectRoot, env: cronEnvironment(), frameworks: context.frameworks }).targets.primary;
  if (underCron && sameConnection(underCron, target)) return;
  // A service line counts as coming from where its service was named (PGSERVICE in the shell).
  const fromShell = [target.origin, ...Object.values(target.fields)]
    .map((origin) => origin?.via ?? origin)
    .filter((origin) => origin?.kind === 'env')
    .map((origin) => origin!.name);
  throw scheduleMessages.shellOnlyDatabase([...new Set(fromShell)], context.projectRoot);
}

export function refuseTemporaryInstall(cli: string): void {
  if (cli.split(path.sep).includes('_npx')) throw scheduleMessages.temporaryInstall(cli);
}

export type EntryChange = 'created' | 'updated' | 'unchanged';

/** Write the project's entry into the crontab (idempotent): what changed. */
export function installEntry(entry: ScheduleEntry): EntryChange {
  const before = readCrontab();
  const existing = findScheduleEntry(before, entry.project);
  const after = withScheduleEntry(before, entry);
  if (after === before) return 'unchanged';
  writeCrontab(after);
  return existing ? 'updated' : 'created';
}

/** Remove one project's entry (every dbsafe entry when `project` is null): whether anything was removed. */
export function removeEntries(project: string | null): boolean {
  const before = readCrontab();
  const after = withoutScheduleEntry(before, project);
  if (after === before) return false;
  writeCrontab(after);
  return true;
}

/** The project's schedule as the crontab has it; `parts` (what this dbsafe would write now) tells whether it is up to date. */
export function scheduleView(project: string, crontab: string | null, parts: ScheduledCommand | null, now = new Date()): ScheduleView {
  const entries = scheduleEntries(crontab);
  const entry = entries.find((e) => e.project === project) ?? null;
  const others = entries.filter((e) => e.project !== project).length;
  const daemon = cronDaemonRunning();
  if (!entry) {
    return { project, scheduler: 'cron', file: null, loaded: null, scheduled: false, every: null, cron: null, line: null, logFile: null, nextRun: null, upToDate: null, cronDaemonRunning: daemon, otherProjects: others };
  }
  const split = splitCronLine(entry.line);
  const next = split ? nextRun(split.time, now) : null;
  const upToDate = parts ? split !== null && split.command === scheduledCommand(parts) && existsSync(parts.cli) : null;
  return {
    project,
    scheduler: 'cron',
    file: null,
    loaded: null,
    scheduled: true,
    every: entry.every,
    cron: split ? renderCronTime(split.time) : null,
    line: entry.line,
    logFile: parts?.logFile ?? null,
    nextRun: next ? next.toISOString() : null,
    upToDate,
    cronDaemonRunning: daemon,
    otherProjects: others,
  };
}

/** The project's LaunchAgent as launchd has it; `parts` (what this dbsafe would write now) tells whether it is up to date. */
export function launchAgentView(project: string, home: string, parts: ScheduledCommand | null, now = new Date()): ScheduleView {
  const agents = installedLaunchAgents(home);
  const agent = agents.find((a) => a.project === project) ?? null;
  const others = agents.filter((a) => a.project !== project).length;
  const base = { project, scheduler: 'launchd' as const, cronDaemonRunning: null, otherProjects: others };
  if (!agent) return { ...base, file: null, loaded: null, scheduled: false, every: null, cron: null, line: null, logFile: null, nextRun: null, upToDate: null };
  const parsed = parseInterval(agent.every);
  const time = parsed.ok ? cronTimeFor(parsed.interval, project) : null;
  const next = time ? nextRun(time, now) : null;
  const upToDate = parts && parsed.ok ? launchAgentFor(parts, agent.every, time!).plist === agent.plist && existsSync(parts.cli) : null;
  return {
    ...base,
    file: agent.file,
    loaded: launchAgentLoaded(agent.label),
    scheduled: true,
    every: agent.every,
    cron: time ? renderCronTime(time) : null,
    line: null,
    logFile: parts?.logFile ?? null,
    nextRun: next ? next.toISOString() : null,
    upToDate,
  };
}

function homeOf(env: Record<string, string | undefined>): string {
  return env.HOME ?? os.homedir();
}

/** Set the project's scheduled backups with the platform's scheduler: what changed. */
export function installSchedule(parts: ScheduledCommand, interval: Interval, env: Record<string, string | undefined> = process.env): EntryChange {
  if (schedulerFor(env) === 'cron') return installEntry(entryFor(parts, interval));
  entryFor(parts, interval); // the same path checks as for cron
  mkdirSync(parts.backupDir, { recursive: true, mode: 0o700 });
  return installLaunchAgent(homeOf(env), launchAgentFor(parts, interval.every, cronTimeFor(interval, parts.projectRoot)));
}

/** Remove the project's scheduled backups: whether anything was removed. */
export function removeSchedule(project: string, env: Record<string, string | undefined> = process.env): boolean {
  return schedulerFor(env) === 'cron' ? removeEntries(project) : removeLaunchAgents(homeOf(env), project);
}

/** The project's schedule as the platform's scheduler has it. */
export function currentScheduleView(project: string, parts: ScheduledCommand | null, env: Record<string, string | undefined> = process.env): ScheduleView {
  return schedulerFor(env) === 'cron' ? scheduleView(project, readCrontab(), parts) : launchAgentView(project, homeOf(env), parts);
}

export { readCrontab, launchAgentLabel, launchAgentsDir };

export type ScheduleStatus = ({ available: true } & ScheduleView) | { available: false; project: string; reason: string };

/** For `dbsafe status`: this project's scheduled backups, or why the scheduler cannot be read. */
export function scheduleStatus(project: string, env: Record<string, string | undefined> = process.env): ScheduleStatus {
  try {
    return { available: true, ...currentScheduleView(project, null, env) };
  } catch (error) {
    if (!isDbsafeError(error)) throw error;
    return { available: false, project, reason: error.code === 'schedule-no-crontab' ? 'cron is not installed (no `crontab` program)' : error.message };
  }
}
