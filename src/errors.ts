import { ExitCode } from './exit-codes.js';

/**
 * An expected failure: a message for the user that states what happened and
 * how to fix it, and the exit code to leave with. The CLI prints `message`
 * without a stack trace.
 */
export class DbsafeError extends Error {
  /** One of ExitCode, or 128+N when a signal N stopped the work. */
  readonly exitCode: number;
  /** Stable identifier for scripts (`--json` output) and tests. */
  readonly code: string;

  constructor(code: string, message: string, exitCode: number = ExitCode.failure, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DbsafeError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Structural, not instanceof: each command bundle in dist/ carries its own copy of this class. */
export function isDbsafeError(error: unknown): error is DbsafeError {
  if (!(error instanceof Error) || error.name !== 'DbsafeError') return false;
  const { code, exitCode } = error as Partial<DbsafeError>;
  return typeof code === 'string' && typeof exitCode === 'number';
}
