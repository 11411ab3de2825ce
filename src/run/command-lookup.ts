import { statSync } from 'node:fs';
import path from 'node:path';
import { isExecutable } from '../executable.js';

/**
 * Where a shell would look for `command`, in order: the word itself when it
 * holds a slash (relative to `cwd`), else each PATH entry (an empty entry is
 * the current directory, as in POSIX sh). Pure.
 */
export function commandCandidates(command: string, pathValue: string | undefined, cwd: string): string[] {
  if (command.includes('/')) return [path.resolve(cwd, command)];
  return (pathValue ?? '').split(path.delimiter).map((dir) => path.resolve(cwd, dir, command));
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Would the shell find `command`? A word with a slash counts when that file
 * exists (an unexecutable one then fails with 126 as it would in a shell);
 * a bare word needs an executable file on PATH. Checked before any backup,
 * so a typo or a tool that is not installed costs nothing.
 */
export function commandExists(command: string, pathValue: string | undefined, cwd: string): boolean {
  const candidates = commandCandidates(command, pathValue, cwd);
  if (command.includes('/')) return candidates.some(isFile);
  return candidates.some((file) => isFile(file) && isExecutable(file));
}
