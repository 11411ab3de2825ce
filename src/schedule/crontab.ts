import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { scheduleMessages } from './messages.js';

/**
 * The current user's crontab through the `crontab` program: `crontab -l` to
 * read (a user without one reads as null), `crontab -` with the new text on
 * stdin to write, `crontab -r` to delete it. Nothing else touches the spool.
 */
function runCrontab(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('crontab', args, { input: input ?? '', encoding: 'utf8' });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === 'ENOENT') throw scheduleMessages.noCrontabProgram();
    throw scheduleMessages.crontabFailed(args.join(' '), result.error.message);
  }
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr.trim() };
}

/** Vixie cron and cronie: "no crontab for alice"; busybox: "crontab: can't open 'alice': No such file or directory". */
const NO_CRONTAB = /no crontab for|can't open|No such file/i;

export function readCrontab(): string | null {
  const result = runCrontab(['-l']);
  if (result.status === 0) return result.stdout;
  if (NO_CRONTAB.test(result.stderr)) return null;
  throw scheduleMessages.crontabFailed('-l', result.stderr);
}

/** Install `text` as the crontab, or delete the crontab when `text` is null. */
export function writeCrontab(text: string | null): void {
  if (text === null) {
    const result = runCrontab(['-r']);
    if (result.status !== 0 && !NO_CRONTAB.test(result.stderr)) throw scheduleMessages.crontabFailed('-r', result.stderr);
    return;
  }
  const result = runCrontab(['-'], text);
  if (result.status !== 0) throw scheduleMessages.crontabFailed('-', result.stderr);
}

/** Is the `crontab` program there at all (uninstall and status skip cron quietly when not). */
export function crontabInstalled(): boolean {
  const result = spawnSync('crontab', ['-l'], { stdio: 'ignore' });
  return !(result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT');
}

const DAEMON_NAMES = new Set(['cron', 'crond', 'cronie', 'busybox-crond']);

/** Whether a cron daemon process runs (Linux, from /proc); null where that cannot be seen. */
export function cronDaemonRunning(): boolean | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  return pids.some((pid) => {
    try {
      return DAEMON_NAMES.has(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
    } catch {
      return false;
    }
  });
}
