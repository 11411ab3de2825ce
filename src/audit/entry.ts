/** What dbsafe did about one guarded operation. */
export type AuditDecision = 'allowed' | 'refused' | 'override' | 'backup-failed' | 'checked-only' | 'nothing-to-back-up' | 'consent-granted' | 'consent-refused' | 'marked' | 'unmarked' | 'integrations-disabled' | 'notified' | 'notify-failed' | 'offsite-uploaded' | 'offsite-failed';

/** One line of `<backupDir>/audit.log`, as JSON. */
export interface AuditEntry {
  /** ISO 8601 time the operation started. */
  time: string;
  /** The dbsafe command or integration that acted: run, guard, allow, hook… */
  operation: string;
  decision: AuditDecision;
  /** The safety rule that refused, or why it passed ("override ABC123"); null when nothing fired. */
  rule: string | null;
  /** The database, in words (describeTarget), without any password. */
  target: string | null;
  /** The command, secrets masked (commandForDisplay). */
  command: string | null;
  backupId: string | null;
  /** The command's exit code, or dbsafe's own when the command never started. */
  exitCode: number | null;
  durationMs: number;
  user: string | null;
  host: string;
  cwd: string;
  /** The AI agent detected in the environment, if any ("Claude Code (CLAUDECODE)"). */
  agent: string | null;
}

const REQUIRED_STRINGS = ['time', 'operation', 'decision', 'host', 'cwd'] as const;

/** Parse one audit line; returns the entry or why the line is not one. Pure. */
export function parseAuditLine(line: string): { entry: AuditEntry } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: 'not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problem: 'not a JSON object' };
  const record = value as Record<string, unknown>;
  for (const key of REQUIRED_STRINGS) {
    if (typeof record[key] !== 'string') return { problem: `"${key}" is missing or not text` };
  }
  if (Number.isNaN(Date.parse(record.time as string))) return { problem: '"time" is not a date' };
  return { entry: record as unknown as AuditEntry };
}
