import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

/** Every message about offsite copies; each names the cause and the fix. Never a password or a credential. */
export const offsiteMessages = {
  toolMissing: (tool: 'rclone' | 'restic') =>
    new DbsafeError(
      'offsite-tool-missing',
      `The "offsite" setting asks for ${tool}, but the \`${tool}\` program is not on PATH. Install it (Debian/Ubuntu: \`sudo apt-get install ${tool}\`; macOS: \`brew install ${tool}\`) and run the command again.`,
      ExitCode.failure,
    ),
  resticNoPassword: () =>
    new DbsafeError(
      'offsite-restic-password',
      'The "offsite" restic repository needs its password, and neither RESTIC_PASSWORD_FILE nor RESTIC_PASSWORD (nor RESTIC_PASSWORD_COMMAND) is set. Set RESTIC_PASSWORD_FILE to a file holding it (chmod 600), or RESTIC_PASSWORD in CI secrets; dbsafe never puts it on a command line.',
      ExitCode.usage,
    ),
  resticNoRepository: (repository: string) =>
    new DbsafeError(
      'offsite-restic-no-repository',
      `There is no restic repository at ${repository} (the "offsite.restic" setting). Create it once with \`RESTIC_REPOSITORY=${repository} restic init\` (it asks for the password to use), or correct the setting.`,
      ExitCode.usage,
    ),
  toolFailed: (remote: string, action: string, stderr: string) =>
    new DbsafeError('offsite-failed', `${action} on ${remote} failed: ${lastLines(stderr)}.`, ExitCode.failure),
  notConfigured: () =>
    new DbsafeError('offsite-not-configured', 'No offsite copies are configured. Add "offsite": {"rclone": "remote:dbsafe-backups"} or {"restic": "/srv/restic-repo"} to the dbsafe configuration (see "Offsite copies" in the README).', ExitCode.usage),
  noRemoteBackups: (remote: string, database: string | null) =>
    new DbsafeError('offsite-no-backups', `${remote} holds no complete backup${database ? ` of ${database}` : ''}. \`dbsafe offsite status\` shows what is there; a backup is uploaded after each \`dbsafe backup\`.`, ExitCode.failure),
  unknownRemoteBackup: (remote: string, id: string) =>
    new DbsafeError('offsite-unknown-backup', `${remote} holds no complete backup with id ${id}. \`dbsafe list --offsite\` shows the ids there.`, ExitCode.usage),
  checksumMismatch: (remote: string, id: string, expected: string, actual: string) =>
    new DbsafeError(
      'offsite-checksum-mismatch',
      `The copy of ${id} fetched from ${remote} does not match its manifest (sha256 ${actual.slice(0, 12)}…, manifest ${expected.slice(0, 12)}…): it was damaged there or on the way. It was discarded; nothing was changed. Try again, or pick another backup from \`dbsafe list --offsite\`.`,
      ExitCode.failure,
    ),
  uploadFailedWarning: (remote: string, reason: string) =>
    `offsite copy to ${remote} failed (${reason}); the backup itself is fine and kept locally. The next backup tries again; \`dbsafe offsite status\` shows what is missing there.`,
  uploaded: (remote: string, ids: string[]) => `uploaded ${ids.join(', ')} to ${remote}`,
  renamedForRemote: (id: string, newId: string, remote: string) =>
    `backup ${id} was renamed ${newId}: ${remote} already holds a different backup named ${id} (made before this backup directory was emptied), which is kept`,
} as const;

function lastLines(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(Boolean);
  return lines.slice(-2).join(' ').slice(0, 600) || 'no message';
}
