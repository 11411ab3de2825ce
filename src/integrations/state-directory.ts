import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { codeCacheDirectory } from '../cli/code-cache.js';
import { stateDirectory } from '../consent/store.js';
import type { FileChange } from './files.js';

/**
 * `dbsafe uninstall` (everything): remove dbsafe's per-user state directory.
 * It holds only short-lived records (pending and granted one-off consents,
 * the markers of running guards); none of them means anything once dbsafe is
 * gone, and a consent left behind must not outlive the uninstall.
 */
export function removeStateDirectory(env: Record<string, string | undefined>): FileChange[] {
  // The compiled-code cache (src/cli/code-cache.ts) goes too: it only ever saves a start-up.
  const dirs = [stateDirectory(env), ...(env.HOME && path.isAbsolute(env.HOME) ? [path.dirname(codeCacheDirectory(env.HOME))] : [])];
  return dirs.flatMap((dir): FileChange[] => {
    if (!existsSync(dir)) return [];
    rmSync(dir, { recursive: true, force: true });
    return [{ file: dir, action: 'removed' }];
  });
}
