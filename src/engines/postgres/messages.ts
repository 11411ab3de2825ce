import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { describeLocation, redactSecretsInText } from '../../target/describe.js';
import type { Target } from '../../target/types.js';

function lastLines(text: string, count = 6): string {
  return redactSecretsInText(text.trim()).split('\n').slice(-count).join('\n');
}

function where(target: Target, database: string): string {
  return `${database} on ${describeLocation(target)}`;
}

/** The server's complaint (a pg error code or libpq's stderr) classified into cause + fix. */
const CAUSES: ReadonlyArray<{ matches: (code: string, text: string) => boolean; explain: (target: Target, database: string) => string }> = [
  {
    matches: (code, text) => code === '28P01' || /password authentication failed|no password supplied/i.test(text),
    explain: (t, db) =>
      `PostgreSQL rejected the password of user "${t.user ?? '(default)'}" for ${where(t, db)}. Fix the password in the URL or variable dbsafe reads (see \`dbsafe check\`), or in ~/.pgpass.`,
  },
  {
    matches: (code, text) => code === '28000' || /no pg_hba\.conf entry|role ".*" does not exist/i.test(text),
    explain: (t, db) =>
      `PostgreSQL refused user "${t.user ?? '(default)'}" for ${where(t, db)} (no such role, or pg_hba.conf does not allow it). Use a user that exists and may connect.`,
  },
  {
    matches: (code, text) => code === '3D000' || /database ".*" does not exist/i.test(text),
    explain: (t, db) => `The database ${where(t, db)} does not exist. Create it, or fix the database name dbsafe reads (see \`dbsafe check\`).`,
  },
  {
    matches: (code, text) => ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code) || /could not connect|Connection refused|timeout expired/i.test(text),
    explain: (t) => `The PostgreSQL server at ${describeLocation(t)} cannot be reached. Start it, or fix the host and port dbsafe reads (see \`dbsafe check\`).`,
  },
];

function classify(target: Target, database: string, code: string, text: string): string | null {
  const cause = CAUSES.find((c) => c.matches(code, text));
  return cause ? cause.explain(target, database) : null;
}

export const postgresMessages = {
  connectFailed: (target: Target, database: string, error: unknown) => {
    const code = String((error as { code?: unknown }).code ?? '');
    const text = error instanceof Error ? error.message : String(error);
    return new DbsafeError(
      'postgres-connect-failed',
      classify(target, database, code, text) ?? `Cannot connect to PostgreSQL ${where(target, database)}: ${redactSecretsInText(text)}. Check the server and the connection settings (\`dbsafe check\`).`,
      ExitCode.failure,
    );
  },
  toolFailed: (tool: string, target: Target, database: string, exit: number | null, stderr: string) =>
    new DbsafeError(
      'postgres-tool-failed',
      classify(target, database, '', stderr) ??
        `${tool} failed (exit ${exit ?? 'by signal'}) on ${where(target, database)}:\n${lastLines(stderr)}\nFix the cause above and run the command again.`,
      ExitCode.failure,
    ),
  clientTooOld: (tool: string, clientVersion: string, file: string, serverVersion: string, major: number) =>
    new DbsafeError(
      'postgres-client-too-old',
      `${tool} ${clientVersion} (${file}) is older than the server (PostgreSQL ${serverVersion}) and cannot ${tool === 'pg_dump' ? 'back it up' : 'read its archives'}. Install the matching client tools (Debian/Ubuntu: apt-get install postgresql-client-${major}; macOS: brew install postgresql@${major}, which dbsafe finds in $(brew --prefix)/opt/postgresql@${major}/bin without a PATH change), or set DBSAFE_PG_BIN to a directory holding ${tool} ${major} or newer (macOS: DBSAFE_PG_BIN=$(brew --prefix postgresql@${major})/bin).`,
      ExitCode.failure,
    ),
  clientMissing: (tool: string, major: number | null) =>
    new DbsafeError(
      'tool-missing',
      `${tool} was not found (looked in $DBSAFE_PG_BIN, /usr/lib/postgresql/<version>/bin, PATH, Homebrew's libpq and postgresql@N, Postgres.app and /Library/PostgreSQL), and dbsafe needs it for PostgreSQL backups. Install it (Debian/Ubuntu: apt-get install postgresql-client${major ? `-${major}` : ''}; macOS: brew install ${major ? `postgresql@${major}` : 'libpq'}, found without a PATH change), or set DBSAFE_PG_BIN to the directory that holds it (macOS: DBSAFE_PG_BIN=$(brew --prefix ${major ? `postgresql@${major}` : 'libpq'})/bin).`,
      ExitCode.failure,
    ),
  binDirWithoutTool: (dir: string, tool: string, major: number | null) =>
    new DbsafeError(
      'tool-missing',
      `DBSAFE_PG_BIN is ${dir}, but there is no ${tool} in it. Point DBSAFE_PG_BIN at the bin directory of PostgreSQL ${major ?? ''} client tools (e.g. /usr/lib/postgresql/${major ?? '<version>'}/bin), or unset it to let dbsafe search (Debian/Ubuntu: apt-get install postgresql-client${major ? `-${major}` : ''}).`,
      ExitCode.failure,
    ),
  notCustomArchive: (file: string) =>
    new DbsafeError(
      'postgres-archive-invalid',
      `${file} is not a PostgreSQL custom-format archive (it does not start with PGDMP). Nothing was restored. Pick a PostgreSQL backup from \`dbsafe list\`.`,
      ExitCode.failure,
    ),
  archiveUnreadable: (file: string, stderr: string) =>
    new DbsafeError(
      'postgres-archive-unreadable',
      `pg_restore cannot read ${file}:\n${lastLines(stderr)}\nThe archive is damaged or was written by a newer pg_dump; take a new backup, or install newer client tools (DBSAFE_PG_BIN).`,
      ExitCode.failure,
    ),
  restoreFailed: (target: Target, stderr: string) =>
    new DbsafeError(
      'postgres-restore-failed',
      `pg_restore failed, so ${where(target, target.database)} was left exactly as it was (the restore went into a separate database, now dropped):\n${lastLines(stderr)}\nFix the cause above (a missing extension or role on this server is typical) and restore again.`,
      ExitCode.failure,
    ),
  swapFailed: (target: Target, reason: string) =>
    new DbsafeError(
      'postgres-swap-failed',
      `The restored copy could not take the place of ${where(target, target.database)}: ${reason}. The database was left as it was. Close the applications connected to it and restore again.`,
      ExitCode.failure,
    ),
  passwordWithLineBreak: () =>
    new DbsafeError(
      'postgres-password-unusable',
      'The PostgreSQL password contains a line break, which a libpq password file cannot hold, and dbsafe never passes passwords on a command line or in the environment. Change the password to one without line breaks.',
      ExitCode.usage,
    ),
} as const;
