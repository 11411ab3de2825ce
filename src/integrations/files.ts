import { chmodSync, existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeBlock, upsertBlock } from './marker-block.js';

/** What one install step did to one file, for the installer's summary. */
export interface FileChange {
  file: string;
  action: 'created' | 'updated' | 'unchanged' | 'removed';
}

export function readTextOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Write `text` to `file` unless it already holds exactly that (idempotent installs touch nothing). */
export function writeIfChanged(file: string, text: string, mode?: number): FileChange {
  const before = readTextOrNull(file);
  if (before === text) {
    if (mode !== undefined) chmodSync(file, mode);
    return { file, action: 'unchanged' };
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text, mode === undefined ? undefined : { mode });
  if (mode !== undefined) chmodSync(file, mode);
  return { file, action: before === null ? 'created' : 'updated' };
}

/** Put dbsafe's marked block into a file the user owns (created when missing). */
export function installBlock(file: string, body: string, options: { header?: string; mode?: number; id?: string } = {}): FileChange {
  const before = readTextOrNull(file);
  const mode = before === null ? options.mode : undefined;
  return writeIfChanged(file, upsertBlock(before, body, options.header, options.id), mode);
}

/** Take dbsafe's marked block out of a file again; deletes the file when dbsafe created it. */
export function uninstallBlock(file: string, options: { header?: string; id?: string } = {}): FileChange {
  const before = readTextOrNull(file);
  if (before === null) return { file, action: 'unchanged' };
  const after = removeBlock(before, options.header, options.id);
  if (after === null) {
    rmSync(file);
    return { file, action: 'removed' };
  }
  if (after === before) return { file, action: 'unchanged' };
  writeFileSync(file, after);
  return { file, action: 'updated' };
}

/** Delete a file dbsafe owns entirely (a shim, the fish conf.d file). */
export function removeOwnedFile(file: string): FileChange {
  if (!existsSync(file)) return { file, action: 'unchanged' };
  rmSync(file, { force: true });
  return { file, action: 'removed' };
}

/**
 * Remove `dir` and its parents while they are empty, stopping at `stop`:
 * install may have created them (~/.config/fish/conf.d), and a directory
 * with anything in it is never dbsafe's to delete.
 */
export function removeEmptyDirs(dir: string, stop: string): void {
  for (let current = path.resolve(dir); current.startsWith(`${path.resolve(stop)}${path.sep}`); current = path.dirname(current)) {
    try {
      rmdirSync(current);
    } catch {
      return;
    }
  }
}
