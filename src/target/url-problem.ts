export type UrlProblemCode = 'malformed-url' | 'unknown-scheme' | 'unknown-parameter' | 'contradictory-parameters' | 'service-not-found' | 'service-file-invalid';

/** Why a connection string cannot be used: a short description (never the password), and the fix when it is not the generic one. */
export class UrlProblem extends Error {
  constructor(
    readonly code: UrlProblemCode,
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}
