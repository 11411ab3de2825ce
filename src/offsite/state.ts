import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What the last offsite upload did, per remote, in `<backupDir>/.offsite.json`:
 * read by `health` and `doctor` without touching the network.
 */
export interface RemoteState {
  /** ISO time of the last attempt. */
  at: string;
  ok: boolean;
  /** Why it failed, in the tool's words (credentials redacted); absent when it worked. */
  error?: string;
  /** Local backups (ids) that were not there after the attempt. */
  missing: string[];
}

export type OffsiteState = Record<string, RemoteState>;

export const STATE_FILE = '.offsite.json';

export function readOffsiteState(backupDir: string): OffsiteState {
  try {
    const value = JSON.parse(readFileSync(path.join(backupDir, STATE_FILE), 'utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as OffsiteState) : {};
  } catch {
    return {};
  }
}

export async function writeOffsiteState(backupDir: string, state: OffsiteState): Promise<void> {
  const file = path.join(backupDir, STATE_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(temporary, file);
}
