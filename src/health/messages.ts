import { formatBytes } from '../cli/progress.js';
import { DURATION_FORMS } from '../config/duration.js';
import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

/** A rough age for people: "45s", "3h", "2d" (rounded down). */
function roughAge(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

const earlier = (count: number) => (count === 1 ? 'the previous backup' : `the median of the previous ${count} backups`);

/** Every message `dbsafe health` shows: what each check found and, when it failed, the fix. */
export const healthMessages = {
  none: (database: string, dir: string) => `there is no backup of ${database} in ${dir}.`,
  takeBackupFix: 'Take one now with `dbsafe backup`, and keep them coming with `dbsafe schedule --every 6h`.',
  exists: (id: string, count: number) => `newest file backup ${id} (${count} file backup${count === 1 ? '' : 's'} of this database).`,
  snapshotsOnly: (database: string, count: number) =>
    `there is no file backup of ${database}, only ${count === 1 ? 'a snapshot' : `${count} snapshots`} on its server, and snapshots do not survive losing the server (a disk failure, a rebuilt container).`,
  snapshotsOnlyFix: (id: string) =>
    `Turn the newest snapshot into a file with \`dbsafe snapshot export ${id}\`, or take a file backup with \`dbsafe backup\`, and keep them coming with \`dbsafe schedule --every 6h\` (scheduled backups are files).`,
  newestSnapshot: (id: string, age: number) => `newest snapshot ${id}, taken ${roughAge(age)} ago, kept on the server: gone with it if the server is lost, unlike a file backup.`,

  recent: (age: number, limit: string) => `taken ${roughAge(age)} ago; the limit is ${limit}.`,
  tooOld: (age: number, limit: string) => `the newest backup is ${roughAge(age)} old, older than the limit of ${limit}.`,

  empty: 'the newest backup file is empty (0 bytes).',
  emptyFix: 'Take a new backup with `dbsafe backup --verbose` and check that the database still exists and holds its data.',
  firstBackup: (size: number) => `${formatBytes(size)}; the first backup of this database, so there is nothing to compare it with.`,
  sizeInLine: (size: number, count: number, baseline: number) => `${formatBytes(size)}; ${earlier(count)} is ${formatBytes(baseline)}.`,
  tooSmall: (size: number, count: number, baseline: number) =>
    `${formatBytes(size)}, under half of ${earlier(count)} (${formatBytes(baseline)}): the database may have been emptied, or the dump was cut short.`,
  tooSmallFix: (newest: string, previous: string) =>
    `Check that the database still holds its data (\`dbsafe verify ${newest}\` shows its tables and rows). If it was emptied by mistake, restore an earlier backup: \`dbsafe restore ${previous}\`. If the data was removed on purpose, this settles once the recent backups are of the new size.`,

  offsiteNever: (remote: string) => `no upload to ${remote} is recorded yet.`,
  offsiteFailed: (remote: string, at: string, error: string, missing: string[]) =>
    `the last upload to ${remote} (${at}) failed: ${error}${missing.length ? ` Missing there: ${missing.join(', ')}.` : ''}`,
  offsiteOk: (remotes: string[], at: string) => `the last upload to ${remotes.join(' and ')} (${at}) worked.`,
  offsiteFix: 'Check the remote (network, credentials: `dbsafe offsite status` shows the tool\'s own message), then run `dbsafe offsite sync`; the next backup retries by itself.',
  intact: "its sha256 matches the manifest, and the engine's own tool reads it.",
  intactNotDecrypted:
    'its sha256 matches the manifest and it is a well-formed age file; it was not decrypted, as this machine has no identity (that is the point of age). To check the archive inside too: `dbsafe health --identity FILE` or DBSAFE_AGE_IDENTITY_FILE.',
  checksumMismatch: (actual: string, recorded: string) =>
    `the file's sha256 is ${actual.slice(0, 12)}… but the manifest recorded ${recorded.slice(0, 12)}…: the file changed or was damaged after it was written.`,
  unreadable: (reason: string) => `the backup file cannot be read: ${reason}.`,
  archiveUnreadable: (reason: string) => `the engine's own tool cannot read it: ${reason}`,
  damagedFix: (id: string) =>
    `Do not rely on ${id}: take a fresh backup now with \`dbsafe backup\`, and check the older ones with \`dbsafe verify <id>\` (ids from \`dbsafe list\`).`,
  cannotCheck: (reason: string) => `the engine's tool could not check it: ${reason}`,
  cannotCheckFix: 'Install the client tool named above, then run `dbsafe health` again.',
  cannotDecrypt: (reason: string) => `the backup is encrypted and could not be decrypted to check it (this is not damage): ${reason}`,
  keyFix: 'Make the key it was encrypted with available ("encryption.keyFile" or DBSAFE_BACKUP_KEY; for an age backup the identity: --identity FILE, DBSAFE_AGE_IDENTITY_FILE or "encryption.identityFile"; for gpg the secret key in your keyring), then run `dbsafe health` again.',

  badMaxAge: (value: string) =>
    new DbsafeError('health-bad-max-age', `--max-age "${value}" is not a duration. Use ${DURATION_FORMS}, e.g. --max-age 12h.`, ExitCode.usage),

  /** The message of the "unhealthy" notification: every failed check, on one line. */
  notification: (dir: string, checks: ReadonlyArray<{ name: string; ok: boolean; detail: string }>) =>
    `backups in ${dir}: ${checks
      .filter((check) => !check.ok)
      .map((check) => `${check.name}: ${check.detail}`)
      .join(' ')}`,

  heading: (subject: string, healthy: boolean) => `Backups of ${subject}: ${healthy ? 'healthy' : 'NOT healthy'}`,
} as const;
