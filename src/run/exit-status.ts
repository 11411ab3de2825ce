import { constants } from 'node:os';

/** Exit codes a POSIX shell uses when it cannot start a command. */
export const SHELL_EXIT = {
  notFound: 127,
  notExecutable: 126,
  signalBase: 128,
} as const;

/**
 * The exit code a shell would show for a finished child: its own code, or
 * 128+N when it died of signal N (so `dbsafe run -- CMD` is indistinguishable
 * from `CMD` to a script checking `$?`). Pure.
 */
export function exitCodeForTermination(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return number === undefined ? 1 : SHELL_EXIT.signalBase + number;
}

export interface StartFailure {
  exitCode: number;
  /** As a shell words it, after "dbsafe: ". */
  message: string;
}

/**
 * What a shell says and returns when `command` cannot be started, from the
 * errno of the failed exec. `exists` tells a missing command from a script
 * whose interpreter is missing (both are ENOENT). Pure.
 */
export function startFailure(command: string, errno: string | undefined, exists: boolean): StartFailure {
  const hasPath = command.includes('/');
  if (errno === 'ENOENT' && exists) return { exitCode: SHELL_EXIT.notExecutable, message: `${command}: bad interpreter: No such file or directory` };
  if (errno === 'ENOENT') {
    return hasPath
      ? { exitCode: SHELL_EXIT.notFound, message: `${command}: No such file or directory` }
      : { exitCode: SHELL_EXIT.notFound, message: `${command}: command not found` };
  }
  if (errno === 'EACCES' || errno === 'EISDIR' || errno === 'ENOEXEC') {
    return { exitCode: SHELL_EXIT.notExecutable, message: `${command}: Permission denied` };
  }
  return { exitCode: SHELL_EXIT.notExecutable, message: `${command}: cannot execute (${errno ?? 'unknown error'})` };
}
