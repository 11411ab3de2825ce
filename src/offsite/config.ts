/**
 * The "offsite" row of the configuration: where copies of every backup go.
 * `{"rclone": "remote:path"}` (any rclone remote: S3, SFTP, WebDAV, a cloud
 * drive; credentials in rclone's own configuration), and/or
 * `{"restic": "repository"}` (the password in restic's own RESTIC_PASSWORD
 * or RESTIC_PASSWORD_FILE). `keep`: backups kept per database offsite
 * (default: the local "retention").
 */
export interface OffsiteConfig {
  rclone?: string;
  restic?: string;
  keep?: number;
}

const KEYS = ['rclone', 'restic', 'keep'];

/** Validate the "offsite" value; a problem in one sentence, or null. Pure. */
export function validateOffsiteConfig(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be an object like {"rclone": "remote:dbsafe-backups"} or {"restic": "/srv/restic-repo"}';
  const unknown = Object.keys(value).filter((key) => !KEYS.includes(key));
  if (unknown.length > 0) return `has an unknown key "${unknown[0]}" (known keys: ${KEYS.join(', ')})`;
  const row = value as Record<string, unknown>;
  for (const name of ['rclone', 'restic'] as const) {
    const destination = row[name];
    if (destination === undefined) continue;
    if (typeof destination !== 'string' || destination.trim() === '' || destination.includes('\0')) return `has a "${name}" that is not a ${name === 'rclone' ? 'remote path like "remote:dbsafe-backups"' : 'repository like "/srv/restic-repo" or "s3:…"'}`;
    if (destination.startsWith('-')) return `has a "${name}" starting with "-", which ${name} would read as an option`;
  }
  if (row.rclone === undefined && row.restic === undefined) return 'needs "rclone" (a remote like "remote:dbsafe-backups") or "restic" (a repository)';
  if (row.keep !== undefined && !(typeof row.keep === 'number' && Number.isInteger(row.keep) && row.keep >= 1)) return 'has a "keep" that is not a whole number of 1 or more';
  return null;
}
