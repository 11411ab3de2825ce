import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/**
 * An expected failure: a message for the user that states what happened and
 * how to fix it, and the exit code to leave with. The CLI prints `message`
 * without a stack trace.
 */
export class DbsafeError extends Error {
  readonly exitCode: ExitCodeValue;
  /** Stable identifier for scripts (`--json` output) and tests. */
  readonly code: string;

  constructor(code: string, message: string, exitCode: ExitCodeValue = ExitCode.failure, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DbsafeError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

export function isDbsafeError(error: unknown): error is DbsafeError {
  return error instanceof DbsafeError;
}
