import os from 'node:os';
import { isDbsafeError } from '../errors.js';
import type { FileChange } from '../integrations/files.js';
import { crontabInstalled, readCrontab, writeCrontab } from './crontab.js';
import { installedLaunchAgents, removeLaunchAgents } from './launchd.js';
import { scheduleEntries, withoutScheduleEntry } from './crontab-text.js';

/** For `dbsafe uninstall`: every LaunchAgent dbsafe wrote and every dbsafe entry of the user's crontab, every other line and file kept. */
export function uninstallSchedules(home: string = os.homedir()): { changes: FileChange[]; notes: string[] } {
  const agents = installedLaunchAgents(home);
  const fromLaunchd: { changes: FileChange[]; notes: string[] } = { changes: [], notes: [] };
  if (agents.length > 0) {
    try {
      removeLaunchAgents(home, null);
      fromLaunchd.changes.push(...agents.map((agent): FileChange => ({ file: agent.file, action: 'removed' })));
      fromLaunchd.notes.push(`Removed the scheduled backups of ${agents.length} project${agents.length === 1 ? '' : 's'} from your LaunchAgents.`);
    } catch (error) {
      if (!isDbsafeError(error)) throw error;
      fromLaunchd.notes.push(`Scheduled backups in ~/Library/LaunchAgents were not removed: ${error.message}`);
    }
  }
  const fromCron = uninstallCronEntries();
  return { changes: [...fromLaunchd.changes, ...fromCron.changes], notes: [...fromLaunchd.notes, ...fromCron.notes] };
}

function uninstallCronEntries(): { changes: FileChange[]; notes: string[] } {
  const file = `crontab of ${os.userInfo().username}`;
  if (!crontabInstalled()) return { changes: [], notes: [] };
  try {
    const before = readCrontab();
    const after = withoutScheduleEntry(before, null);
    if (after === before) return { changes: [], notes: [] };
    const count = scheduleEntries(before).length;
    writeCrontab(after);
    return {
      changes: [{ file, action: after === null ? 'removed' : 'updated' }],
      notes: [`Removed the scheduled backups of ${count} project${count === 1 ? '' : 's'} from your crontab.`],
    };
  } catch (error) {
    if (!isDbsafeError(error)) throw error;
    return { changes: [], notes: [`Scheduled backups were not checked: ${error.message}`] };
  }
}
