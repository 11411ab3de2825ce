import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { exitCodeForTermination, startFailure } from './exit-status.js';

/**
 * Signals dbsafe passes on to the command. The child shares dbsafe's process
 * group, so a Ctrl-C typed at the terminal reaches both; forwarding makes a
 * `kill -INT <dbsafe pid>` (an IDE's stop button, a CI timeout) reach it too,
 * as npm's own run-script does.
 */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

export interface CommandOutcome {
  /** The code to leave with: CMD's own, 128+N for a signal, 126/127 when it could not start. */
  exitCode: number;
  /** False when the command could not be started at all. */
  started: boolean;
  signal: NodeJS.Signals | null;
  durationMs: number;
  /** Shell-style reason the command could not start ("npmx: command not found"). */
  startError?: string;
}

export interface CommandOptions {
  cwd: string;
  env: Record<string, string | undefined>;
}

/**
 * Run `argv` exactly as typed: no shell, inherited stdin/stdout/stderr (so
 * CMD's own prompts work), the given cwd and environment. dbsafe stays alive
 * while the child runs, whatever signals arrive, and reports how it ended.
 */
export function runCommand(argv: readonly string[], options: CommandOptions): Promise<CommandOutcome> {
  const [program, ...args] = argv;
  if (program === undefined || program === '') throw new Error('runCommand needs a command');
  const started = Date.now();
  return new Promise((resolve) => {
    // Listen before spawning: the command can start and print before spawn() returns here,
    // and a signal in that gap must not kill dbsafe and orphan the command.
    let child: ChildProcess | undefined;
    const early: NodeJS.Signals[] = [];
    const forward = (signal: NodeJS.Signals): void => {
      if (!child) early.push(signal);
      else if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const stopForwarding = (): void => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
    };
    child = spawn(program, args, { cwd: options.cwd, env: options.env, stdio: 'inherit' });
    for (const signal of early) forward(signal);
    child.once('error', (error: NodeJS.ErrnoException) => {
      stopForwarding();
      const failure = startFailure(program, error.code, program.includes('/') && existsSync(program));
      resolve({ exitCode: failure.exitCode, started: false, signal: null, durationMs: Date.now() - started, startError: failure.message });
    });
    child.once('exit', (code, signal) => {
      stopForwarding();
      resolve({ exitCode: exitCodeForTermination(code, signal), started: true, signal, durationMs: Date.now() - started });
    });
  });
}
