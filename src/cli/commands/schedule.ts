import type { Command } from 'commander';
import type { ScheduleView } from '../../schedule/schedule.js';
import { printJson } from '../output.js';

interface ScheduleFlags {
  every?: string;
  remove?: boolean;
  json?: boolean;
}

function localTime(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

async function render(view: ScheduleView): Promise<string> {
  const { scheduleText } = await import('../../schedule/messages.js');
  const lines: string[] = [];
  if (!view.scheduled) lines.push(scheduleText.notScheduled(view.project));
  else {
    lines.push(`Scheduled backups of ${view.project}: every ${view.every}`);
    lines.push(`  ${view.scheduler === 'cron' ? 'cron:    ' : 'times:   '} ${view.cron ?? '(unreadable)'}${view.scheduler === 'launchd' ? ' (as cron would write them)' : ''}`);
    if (view.nextRun) lines.push(`  next run: ${localTime(view.nextRun)} (local time)`);
    if (view.logFile) lines.push(`  log:      ${view.logFile}`);
    if (view.scheduler === 'cron') lines.push(`  entry:    ${view.line}`);
    else lines.push(`  agent:    ${view.file}`);
    if (view.upToDate === false) lines.push('', scheduleText.stale);
    if (view.cronDaemonRunning === false) lines.push('', scheduleText.daemonNotRunning);
    if (view.loaded === false) lines.push('', scheduleText.agentNotLoaded);
  }
  if (view.otherProjects > 0) lines.push(scheduleText.otherProjects(view.otherProjects, view.scheduler));
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('schedule')
    .description('periodic backups of this project through cron (launchd on macOS): show, set (--every 6h) or remove them')
    .option('--every <interval>', 'back up every 5m, 10m, 15m, 20m, 30m, 1h, 2h, 3h, 4h, 6h, 8h, 12h, 1d or 7d')
    .option('--remove', "remove this project's scheduled backups")
    .option('--json', 'print the schedule as JSON')
    .action(async (flags: ScheduleFlags) => {
      const { scheduleMessages, scheduleText } = await import('../../schedule/messages.js');
      if (flags.every !== undefined && flags.remove) throw scheduleMessages.conflictingFlags;
      const schedule = await import('../../schedule/schedule.js');

      if (flags.remove) {
        const { findProject } = await import('../../config/project.js');
        const project = findProject(process.cwd()).root;
        const removed = schedule.removeSchedule(project);
        if (flags.json) printJson({ project, removed });
        else process.stdout.write(`${removed ? scheduleText.removed(project, schedule.schedulerFor()) : scheduleText.nothingToRemove(project)}\n`);
        return;
      }

      if (flags.every === undefined) {
        const { loadCommandContext } = await import('../../config/context.js');
        const context = await loadCommandContext({ cwd: process.cwd(), env: process.env });
        const view = schedule.currentScheduleView(context.projectRoot, schedule.commandParts(context));
        if (flags.json) printJson(view);
        else process.stdout.write(await render(view));
        return;
      }

      const { parseInterval } = await import('../../schedule/interval.js');
      const parsed = parseInterval(flags.every);
      if (!parsed.ok) throw parsed.problem === 'malformed' ? scheduleMessages.malformedInterval(flags.every) : scheduleMessages.unevenInterval(flags.every, parsed.nearest);
      const { backupCommandSetting, requireTarget, refuseUnlessSafe } = await import('../backup-target.js');
      const setting = await backupCommandSetting();
      const target = requireTarget(setting);
      await refuseUnlessSafe(setting.context, 'backup', target.database);
      schedule.refuseShellOnlyDatabase(setting.context, target);
      const parts = schedule.commandParts(setting.context);
      schedule.refuseTemporaryInstall(parts.cli);
      const scheduler = schedule.schedulerFor();
      const change = schedule.installSchedule(parts, parsed.interval);
      const view = schedule.currentScheduleView(setting.context.projectRoot, parts);
      const note = schedule.protectedFolderNote(view.project, process.env.HOME ?? '', process.platform, scheduler);
      if (flags.json) {
        printJson({ change, ...view, notes: note ? [note] : [] });
        return;
      }
      process.stdout.write(`${scheduleText.installed(change, parsed.interval.every, view.project)}\n${(await render(view)).split('\n').slice(1).join('\n')}`);
      if (note) process.stderr.write(`${note}\n`);
    });
}
