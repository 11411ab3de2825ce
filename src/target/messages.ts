import { UrlProblem } from './url-problem.js';

/** The fix for a parameter dbsafe cannot judge: where it should go instead. */
const PARAMETER_FIX = 'Remove it from the connection string (set it in your application\'s own configuration instead), or point dbsafe at the database with --url.';

/** Problems with the parameters of a connection string, each naming the parameter and the fix. */
export const parameterMessages = {
  unknown: (name: string, what: string) =>
    new UrlProblem(
      'unknown-parameter',
      `its parameter "${name}" is not one dbsafe knows for ${what}, and a client might read it as another host, port or database, so dbsafe cannot tell which database this is`,
      PARAMETER_FIX,
    ),
  wrongCase: (name: string, spelling: string) =>
    new UrlProblem(
      'unknown-parameter',
      `its parameter "${name}" is not "${spelling}": libpq rejects the misspelling while other clients may read it as ${spelling}, so dbsafe cannot tell which database this is`,
      `Write it as ${spelling}, or remove it.`,
    ),
  refused: (name: string, reason: string) => new UrlProblem('unknown-parameter', `its parameter "${name}" is refused: ${reason}`, PARAMETER_FIX),
  contradictory: (name: string, values: readonly string[]) =>
    new UrlProblem(
      'contradictory-parameters',
      `it sets ${name} more than once (${values.map((v) => `"${v}"`).join(', ')}), and clients disagree on which one wins`,
      `Keep one ${name} in it.`,
    ),
  serviceNotFound: (service: string, files: readonly string[]) =>
    new UrlProblem(
      'service-not-found',
      `it names the PostgreSQL service "${service}", which is in none of the service files (${files.join(', ') || 'none readable'}), so dbsafe cannot tell which database it is (libpq refuses it too)`,
      `Add a [${service}] section to ~/.pg_service.conf (or the file PGSERVICEFILE names), or correct the service name.`,
    ),
  serviceFileInvalid: (file: string, line: number, detail: string) =>
    new UrlProblem(
      'service-file-invalid',
      `the service file ${file} has an error on line ${line}: ${detail} (libpq refuses the service too)`,
      'Write each line of the service as keyword=value with a libpq keyword (host, port, dbname, user, sslmode…), and nothing else.',
    ),
} as const;
