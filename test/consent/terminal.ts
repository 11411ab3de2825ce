import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const PTY_RUN = path.join(FIXTURES, 'pty-run.py');
/** Runs a command outside the test runner's process tree: an agent running the suite is not its ancestor. */
export const DETACHED = path.join(FIXTURES, 'detached.py');

/**
 * `dbsafe allow [code]` on a real pseudo-terminal, as a person in a fresh
 * terminal (no agent among its ancestors, whatever runs the tests). `answer`
 * is typed when the database-name prompt appears; `choice`, when given, at
 * the "which one" prompt first.
 */
export function allowOnTerminal(
  code: string | null,
  answer: string,
  options: { cwd: string; env: Record<string, string>; choice?: string; wrapper?: string[] },
): Promise<{ code: number | null; output: string }> {
  const exchanges = [...(options.choice !== undefined ? ['Type its number', options.choice] : []), 'type the database name', answer];
  const dbsafe = [process.execPath, CLI, 'allow', ...(code ? [code] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [DETACHED, ...(options.wrapper ?? []), 'python3', PTY_RUN, ...exchanges, '--', ...dbsafe], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, output }));
  });
}
