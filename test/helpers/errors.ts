import { isDbsafeError, type DbsafeError } from '../../src/errors.js';

/** The DbsafeError `promise` rejects with; any other outcome fails the test. */
export async function dbsafeErrorOf(promise: Promise<unknown>): Promise<DbsafeError> {
  try {
    await promise;
  } catch (error) {
    if (isDbsafeError(error)) return error;
    throw error;
  }
  throw new Error('expected a DbsafeError, but the operation succeeded');
}
