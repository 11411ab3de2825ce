import os from 'node:os';
import { isDbsafeError } from '../errors.js';
import type { FileChange } from '../integrations/files.js';
import { crontabInstalled, readCrontab, writeCrontab } from './crontab.js';
import { scheduleEntries, withoutScheduleEntry } from './crontab-text.js';

/** For `dbsafe uninstall`: every dbsafe entry out of the user's crontab, every other line kept. */
export function uninstallSchedules(): { changes: FileChange[]; notes: string[] } {
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
