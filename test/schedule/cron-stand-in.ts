/**
 * Stand-in for the one step of cron that tests cannot run without starting
 * the daemon: what it hands to `/bin/sh -c` for a crontab line's command
 * (crontab(5), Vixie cron's do_command.c). A backslash escapes the next
 * character and stays, except that `\%` becomes `%`; an unescaped `%` ends
 * the command (the rest would be stdin).
 */
export function commandAsCronRunsIt(command: string): string {
  let result = '';
  let escaped = false;
  for (const ch of command) {
    if (escaped) {
      result += ch === '%' ? '%' : `\\${ch}`;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (ch === '%') {
      return result;
    } else {
      result += ch;
    }
  }
  return escaped ? `${result}\\` : result;
}

/** The command of a crontab line: everything after the five time fields. */
export function commandOfLine(line: string): string {
  const match = /^\s*(?:\S+\s+){5}(.*)$/.exec(line);
  if (!match) throw new Error(`not a crontab line with five time fields: ${line}`);
  return match[1]!;
}
