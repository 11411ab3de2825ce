import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { INTERVALS } from './interval.js';

const ACCEPTED = `${INTERVALS.map((i) => i.every).join(', ')} (60m, 24h and 1w are read as 1h, 1d and 7d)`;

/** Every message `dbsafe schedule` shows; each names the cause and the fix. */
export const scheduleMessages = {
  malformedInterval: (text: string) =>
    new DbsafeError('schedule-bad-interval', `"${text}" is not an interval dbsafe understands. Use a number and a unit, one of: ${ACCEPTED}. Example: dbsafe schedule --every 6h`, ExitCode.usage),
  unevenInterval: (text: string, nearest: string[]) =>
    new DbsafeError(
      'schedule-uneven-interval',
      `cron cannot repeat "${text}" evenly (its steps must divide an hour, a day or a week), so the backups would bunch up or drift. Use ${nearest.join(' or ')} instead; accepted: ${ACCEPTED}.`,
      ExitCode.usage,
    ),
  conflictingFlags: new DbsafeError('schedule-bad-flags', '--every and --remove cannot be combined: run `dbsafe schedule --remove` to stop the scheduled backups, or `dbsafe schedule --every 6h` to set them.', ExitCode.usage),
  unusablePath: (what: string, file: string, problem: string) =>
    new DbsafeError(
      'schedule-unusable-path',
      `The ${what} ${JSON.stringify(file)} cannot be written into a crontab line: ${problem}. Rename or move it (or set "backupDir" in dbsafe.config.json to a plainer path) and run dbsafe schedule again.`,
      ExitCode.usage,
    ),
  lineTooLong: (length: number) =>
    new DbsafeError(
      'schedule-line-too-long',
      `The crontab line would be ${length} characters long, and cron ignores lines over 1000. Move the project, node or dbsafe to a shorter path (or set a shorter "backupDir") and run dbsafe schedule again.`,
      ExitCode.usage,
    ),
  temporaryInstall: (cli: string) =>
    new DbsafeError(
      'schedule-temporary-install',
      `This dbsafe runs from npx's temporary cache (${cli}), which npm may delete at any time, and the scheduled backups with it. Install dbsafe in the project (npm install --save-dev <path to a dbsafe-x.y.z.tgz or a dbsafe clone>: see "Install" in dbsafe's README) or globally, then run \`npx dbsafe schedule\` again.`,
      ExitCode.usage,
    ),
  shellOnlyDatabase: (variables: string[], projectRoot: string) =>
    new DbsafeError(
      'schedule-shell-only-database',
      `${variables.length > 0 ? `The database comes from your shell's environment (${variables.join(', ')})` : "The database this shell uses is not the one the project's files name"}, and cron runs without your shell's environment, so a scheduled backup would ${variables.length > 0 ? 'not find it' : 'back up a different one, or none'}. Put the setting in the project's .env (${projectRoot}/.env, kept out of git) or name the variable in dbsafe.config.json "target", check that \`env -i dbsafe check\` in the project shows the database, and run dbsafe schedule again. dbsafe never copies a database URL or password into the crontab.`,
      ExitCode.usage,
    ),
  noCrontabProgram: () =>
    new DbsafeError(
      'schedule-no-crontab',
      'The `crontab` program is not installed, so dbsafe cannot schedule backups. Install cron (Debian/Ubuntu: sudo apt-get install cron; Fedora/RHEL: sudo dnf install cronie; Alpine: apk add dcron) and make sure its daemon runs, then run dbsafe schedule again.',
      ExitCode.failure,
    ),
  noLaunchctl: () =>
    new DbsafeError(
      'schedule-no-launchctl',
      'The `launchctl` program was not found, so dbsafe cannot schedule backups through launchd. On macOS it is /bin/launchctl: check that /bin is on PATH. Elsewhere, use cron: set DBSAFE_SCHEDULER=cron and run dbsafe schedule again.',
      ExitCode.failure,
    ),
  launchctlFailed: (action: string, detail: string) =>
    new DbsafeError(
      'schedule-launchctl-failed',
      `\`launchctl ${action}\` failed: ${detail || 'no message'}. No backup was scheduled. Run it from a terminal of the logged-in user (not over ssh or sudo, where the gui domain does not exist), or use cron instead: DBSAFE_SCHEDULER=cron dbsafe schedule --every <interval>.`,
      ExitCode.failure,
    ),
  crontabFailed: (action: string, detail: string) =>
    new DbsafeError(
      'schedule-crontab-failed',
      `\`crontab ${action}\` failed: ${detail || 'no message'}. Your crontab was not changed. If you are not allowed to use cron, ask the administrator to add you to /etc/cron.allow (or remove you from /etc/cron.deny); then run dbsafe schedule again.`,
      ExitCode.failure,
    ),
};

/** Lines for the terminal (no exit code: these are reports, not failures). */
export const scheduleText = {
  installed: (change: 'created' | 'updated' | 'unchanged', every: string, project: string) =>
    `${change === 'unchanged' ? 'Already scheduled' : change === 'created' ? 'Scheduled' : 'Rescheduled'}: a backup of ${project} every ${every}.`,
  removed: (project: string, scheduler: 'cron' | 'launchd' = 'cron') => `Removed the scheduled backups of ${project} from your ${scheduler === 'cron' ? 'crontab' : 'LaunchAgents'}.`,
  nothingToRemove: (project: string) => `No scheduled backups for ${project}: nothing to remove.`,
  notScheduled: (project: string) => `No scheduled backups for ${project}. Set them up with \`dbsafe schedule --every 6h\`.`,
  stale: 'The entry no longer matches this dbsafe (node, dbsafe or backup directory moved): run `dbsafe schedule --every <interval>` again to update it.',
  daemonNotRunning: 'No cron daemon is running on this machine, so nothing runs on schedule until it does. Start it (Debian/Ubuntu: sudo service cron start).',
  otherProjects: (count: number, scheduler: 'cron' | 'launchd' = 'cron') => `${count} other project${count === 1 ? ' is' : 's are'} scheduled in your ${scheduler === 'cron' ? 'crontab' : 'LaunchAgents'}.`,
  agentNotLoaded: 'The LaunchAgent file is there but launchd has not loaded it, so nothing runs on schedule: run `dbsafe schedule --every <interval>` again from a terminal of the logged-in user.',
};

/** The scheduler's own messages on macOS (launchd) and for the choice between schedulers. */
export const schedulerMessages = {
  unknownScheduler: (value: string) =>
    new DbsafeError('schedule-bad-scheduler', `DBSAFE_SCHEDULER is "${value}", which is not a scheduler dbsafe knows. Use "launchd" (macOS) or "cron", or unset it to use the platform's own (launchd on macOS, cron elsewhere).`, ExitCode.usage),
  protectedFolder: (projectRoot: string, folder: string, scheduler: 'cron' | 'launchd') =>
    `Note: ${projectRoot} is inside ~/${folder}, which macOS protects: a ${scheduler === 'cron' ? 'cron job' : 'background job'} cannot read it until you give ${scheduler === 'cron' ? '/usr/sbin/cron' : 'node'} Full Disk Access (System Settings → Privacy & Security → Full Disk Access), or the scheduled backups fail with "Operation not permitted". Moving the project out of ~/${folder} (e.g. to ~/code) also works.`,
};
