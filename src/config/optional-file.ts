import { readFileSync } from 'node:fs';

/** A project file that may legitimately be absent (.env, compose.yaml, dbsafe.config.json). */
export type OptionalFile = { found: true; text: string } | { found: false; unreadable?: string };

/** Read `file`; a missing file is normal, any other failure is reported with its error code. */
export function readOptionalFile(file: string): OptionalFile {
  try {
    return { found: true, text: readFileSync(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return code === 'ENOENT' ? { found: false } : { found: false, unreadable: code };
  }
}
