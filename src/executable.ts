import { accessSync, constants } from 'node:fs';

/** May this process execute `file`? (What a shell's PATH search asks of each candidate.) */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `name` on PATH, as a shell would find it; null when there is none. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = `${dir.replace(/\/$/, '')}/${name}`;
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}
