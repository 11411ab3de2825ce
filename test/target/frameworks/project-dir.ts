import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { FrameworkFileRead, FrameworkInput } from '../../../src/target/frameworks/types.js';

const made: string[] = [];

/** A project written into a fresh temp dir: relative path → file text. */
export function writeProject(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dbsafe-framework-'));
  made.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

export function removeProjects(): void {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
}

function readFromDisk(file: string): FrameworkFileRead {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return code === 'ENOENT' ? undefined : { unreadable: code };
  }
}

/**
 * The input dbsafe's resolution gives a reader: the shell's variables first,
 * then the project's .env and .env.local (dbsafe's default list), files read
 * from disk.
 */
export function inputFor(root: string, argv: readonly string[] | null, shell: Record<string, string> = {}, dir = root): FrameworkInput {
  const dotenv: Record<string, string> = {};
  for (const name of ['.env.local', '.env']) {
    const text = readFromDisk(path.join(root, name));
    if (typeof text === 'string') for (const [key, value] of Object.entries(parseDotenv(text))) dotenv[key] ??= value;
  }
  return { root, dir, argv, variable: (name) => shell[name] ?? dotenv[name], readFile: readFromDisk };
}
