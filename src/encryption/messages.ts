import path from 'node:path';
import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

export const KEY_VARIABLE = 'DBSAFE_BACKUP_KEY';

const createKey = (file: string) =>
  `Create one with \`mkdir -p ${path.dirname(file)} && head -c 32 /dev/urandom | base64 > ${file} && chmod 600 ${file}\` and keep a copy somewhere safe (a password manager): without it the encrypted backups cannot be read`;

/** Every message about backup encryption; each names the cause and the fix, and none ever shows a key. */
export const encryptionMessages = {
  keyFileMissing: (file: string) =>
    new DbsafeError(
      'encryption-key-missing',
      `Backups are to be encrypted ("encryption.keyFile" in the dbsafe configuration), but the key file ${file} does not exist. ${createKey(file)}. In CI, set ${KEY_VARIABLE} to the key instead.`,
      ExitCode.usage,
    ),
  keyFileUnreadable: (file: string, cause: string) =>
    new DbsafeError(
      'encryption-key-unreadable',
      `The backup encryption key file ${file} cannot be read (${cause}). Make it readable by you only (\`chmod 600 ${file}\`, owned by the user who runs dbsafe), or set ${KEY_VARIABLE}.`,
      ExitCode.usage,
    ),
  keyFileMalformed: (file: string) =>
    new DbsafeError(
      'encryption-key-malformed',
      `The backup encryption key file ${file} does not hold a dbsafe key: it must be 32 random bytes written as base64 on one line (44 characters ending in "="). If you have the right key elsewhere, put it back in this file; a new key cannot read backups made with the old one. ${createKey(file)}.`,
      ExitCode.usage,
    ),
  keyFileTooOpen: (file: string, mode: number) =>
    new DbsafeError(
      'encryption-key-too-open',
      `The backup encryption key file ${file} can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}), so dbsafe will not use it. Make it private with \`chmod 600 ${file}\` and run the command again.`,
      ExitCode.usage,
    ),
  keyFileInside: (file: string, where: 'project' | 'backup', dir: string) =>
    new DbsafeError(
      'encryption-key-inside',
      `The backup encryption key file ${file} lies inside the ${where === 'project' ? 'project directory' : 'backup directory'} ${dir}, where it would sit next to the backups or end up in git, and protect nothing. Move it out (for example to ~/.config/dbsafe/backup.key, \`chmod 600\`) and set "encryption": {"keyFile": "~/.config/dbsafe/backup.key"} in the dbsafe configuration.`,
      ExitCode.usage,
    ),
  envKeyMalformed: () =>
    new DbsafeError(
      'encryption-key-malformed',
      `${KEY_VARIABLE} is set but does not hold a dbsafe key: it must be 32 random bytes written as base64 (44 characters ending in "="). Generate one with \`head -c 32 /dev/urandom | base64\`, or unset ${KEY_VARIABLE} to use the key file of "encryption.keyFile".`,
      ExitCode.usage,
    ),
  noKey: (file: string) =>
    new DbsafeError(
      'encryption-no-key',
      `The backup ${file} is encrypted, and no key is configured to read it. Set "encryption": {"keyFile": "<the key file it was made with>"} in the dbsafe configuration (or set ${KEY_VARIABLE} to that key), and run the command again. Nothing was changed.`,
      ExitCode.usage,
    ),
  wrongKey: (file: string, backupKeyId: string, keyId: string, source: string) =>
    new DbsafeError(
      'encryption-wrong-key',
      `The backup ${file} was encrypted with another key (key id ${backupKeyId}) than the one dbsafe has (key id ${keyId}, from ${source}). Nothing was changed. Point "encryption.keyFile" (or ${KEY_VARIABLE}) at the key the backup was made with, or pick another backup from \`dbsafe list\`.`,
      ExitCode.usage,
    ),
  damaged: (file: string, detail: string) =>
    new DbsafeError(
      'backup-corrupt',
      `The encrypted backup file ${file} is damaged: ${detail}. Nothing was changed in the database. Pick another backup from \`dbsafe list\`.`,
      ExitCode.failure,
    ),
  newerFormat: (file: string) =>
    new DbsafeError(
      'encryption-unknown-format',
      `The backup ${file} is encrypted in a format this dbsafe does not know (written by a newer version). Nothing was changed. Upgrade dbsafe (install a newer tarball or clone: see "Install" in dbsafe's README) and run the command again.`,
      ExitCode.failure,
    ),
  roundTripFailed: (file: string) =>
    new DbsafeError(
      'encryption-round-trip-failed',
      `The encrypted backup ${file} did not decrypt back to the archive that was written, so it was discarded and older backups are intact. This points at failing memory or disk: run the backup again, and check the machine if it happens twice.`,
      ExitCode.failure,
    ),
} as const;

/** What a decryption problem means for the user, in words for `damaged`. */
export const DAMAGE_DETAILS = {
  truncated: 'it is cut short (the last part of the file is missing)',
  damaged: 'a part of it fails its authentication check (bytes were changed, removed or moved)',
  'not-encrypted': 'its manifest says it is encrypted, but it does not start with the dbsafe encryption header',
  'bad-chunk-size': 'its encryption header is damaged',
} as const;
