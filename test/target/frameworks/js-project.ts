import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { FrameworkInput } from '../../../src/target/frameworks/types.js';

/**
 * A real project directory for the framework readers: files written into a
 * temp dir, read back through the same `FrameworkInput` the resolver builds
 * (the shell's variables, then the project's .env).
 */
export interface TestProject {
  root: string;
  write(file: string, text: string): string;
  input(over?: { argv?: readonly string[] | null; env?: Record<string, string>; dir?: string }): FrameworkInput;
}

const created: string[] = [];
afterEach(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([\w.]+)\s*=\s*(.*)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    values[match[1]!] = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

export function testProject(files: Record<string, string> = {}): TestProject {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbsafe-framework-'));
  created.push(root);
  const project: TestProject = {
    root,
    write(file, text) {
      const full = path.join(root, file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, text);
      return full;
    },
    input(over = {}) {
      const dotenvFile = path.join(root, '.env');
      const dotenv = fs.existsSync(dotenvFile) ? parseDotenv(fs.readFileSync(dotenvFile, 'utf8')) : {};
      const env = over.env ?? {};
      return {
        root,
        dir: over.dir ? path.join(root, over.dir) : root,
        argv: over.argv === undefined ? null : over.argv,
        variable: (name) => env[name] ?? dotenv[name],
        readFile: (file) => {
          try {
            return fs.readFileSync(file, 'utf8');
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
            return { unreadable: code ?? String(error) };
          }
        },
      };
    },
  };
  for (const [file, text] of Object.entries(files)) project.write(file, text);
  return project;
}
