import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.js';

const PTY_RUN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/pty-run.py');

/** `dbsafe allow <code>` on a real pseudo-terminal; `answer` is typed when the confirmation prompt appears. */
export function allowOnTerminal(code: string, answer: string, options: { cwd: string; env: Record<string, string> }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [PTY_RUN, 'type the database name', answer, '--', process.execPath, CLI, 'allow', code], {
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
