import { runTool, type ToolResult } from '../tools.js';

/** How long a copy or restore waits for another process's write lock before giving up. */
export const LOCK_WAIT_MS = 10_000;

/**
 * A filename argument for a sqlite3 dot-command. The shell undoes backslash
 * escapes inside double quotes, so any path survives: spaces, both quotes,
 * backslashes. (Single quotes would take the text literally but cannot hold a `'`.)
 */
export function dotCommandPath(file: string): string {
  return `"${file.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A URI that opens a file as immutable: no locks, no -wal or -shm files
 * created beside it, nothing written. Backups and snapshots are never
 * written once made, which is exactly what immutable promises.
 */
export function immutableUri(file: string): string {
  const encoded = file.split('/').map(encodeURIComponent).join('/');
  return `file:${encoded}?immutable=1`;
}

/** Run sqlite3 on `database` with a script on stdin; -init /dev/null keeps a user's ~/.sqliterc out of it. */
export function runScript(program: string, database: string, script: string, extraArgs: readonly string[] = []): Promise<ToolResult> {
  return runTool({ program, args: ['-bail', '-batch', '-init', '/dev/null', ...extraArgs, database], stdin: script });
}

/** sqlite3's complaint, or null when it succeeded: it can exit 0 after printing an error. */
export function failureDetail(result: ToolResult): string | null {
  if (result.code === 0 && result.stderr.trim() === '') return null;
  return result.stderr.trim().replace(/\s+/g, ' ') || `sqlite3 exited with ${result.code ?? result.signal}`;
}

/**
 * Copy `file` into `database` with the backup API (`.restore`): one write
 * transaction on the destination under SQLite's own locking, so every
 * connection sees either the old database or the new one.
 */
export async function restoreInto(program: string, database: string, file: string): Promise<string | null> {
  const script = `.timeout ${LOCK_WAIT_MS}\n.restore ${dotCommandPath(immutableUri(file))}\n`;
  return failureDetail(await runScript(program, database, script));
}
