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
