import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

export const IDENTITY_VARIABLE = 'DBSAFE_AGE_IDENTITY_FILE';

const identityHow = `Pass it with \`--identity FILE\`, set ${IDENTITY_VARIABLE}=FILE, or set "encryption": {"identityFile": "~/.config/dbsafe/age.txt"} in the dbsafe configuration`;

/** Every message about age and gpg encryption; each names the cause and the fix, and none shows an identity. */
export const publicKeyMessages = {
  invalidRecipient: (recipient: string, where: string, cause: string) =>
    new DbsafeError(
      'encryption-invalid-recipient',
      `The age recipient ${JSON.stringify(recipient)} (${where}) is not a valid age public key: ${cause}. Nothing was backed up. Put the public key of your identity there: \`age-keygen -y ~/.config/dbsafe/age.txt\` prints it (age1… on one line).`,
      ExitCode.usage,
    ),
  recipientsFileUnreadable: (file: string, cause: string) =>
    new DbsafeError(
      'encryption-recipients-file',
      `The age recipients file ${file} ("encryption.recipientsFile") cannot be read (${cause}). Nothing was backed up. Create it with one age public key a line (\`age-keygen -y key.txt >> ${file}\`) or list the keys in "encryption.recipients".`,
      ExitCode.usage,
    ),
  recipientsFileEmpty: (file: string) =>
    new DbsafeError(
      'encryption-recipients-file',
      `The age recipients file ${file} ("encryption.recipientsFile") lists no public key, so nobody could read a backup. Nothing was backed up. Add one age1… key a line (\`age-keygen -y key.txt >> ${file}\`).`,
      ExitCode.usage,
    ),
  noIdentity: (file: string, recipients: string[]) =>
    new DbsafeError(
      'encryption-no-identity',
      `The backup ${file} is encrypted with age (to ${recipients.join(', ')}) and no identity is given to read it. ${identityHow}, naming the secret key file of one of those recipients. Nothing was changed.`,
      ExitCode.usage,
    ),
  identityMissing: (file: string, source: string) =>
    new DbsafeError('encryption-identity-missing', `The age identity file ${file} (from ${source}) does not exist. Nothing was changed. Point ${source} at your age secret key file (created by \`age-keygen -o FILE\`).`, ExitCode.usage),
  identityUnreadable: (file: string, source: string, cause: string) =>
    new DbsafeError('encryption-identity-unreadable', `The age identity file ${file} (from ${source}) cannot be read (${cause}). Nothing was changed. Make it a regular file readable by you only (\`chmod 600 ${file}\`).`, ExitCode.usage),
  identityTooOpen: (file: string, source: string, mode: number) =>
    new DbsafeError(
      'encryption-identity-too-open',
      `The age identity file ${file} (from ${source}) can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}), so dbsafe will not use it. Nothing was changed. Make it private with \`chmod 600 ${file}\` and run the command again.`,
      ExitCode.usage,
    ),
  identityInside: (file: string, source: string, where: 'project' | 'backup', dir: string) =>
    new DbsafeError(
      'encryption-identity-inside',
      `The age identity file ${file} (from ${source}) lies inside the ${where === 'project' ? 'project directory' : 'backup directory'} ${dir}, where it would sit next to the backups or end up in git. Nothing was changed. Move it out (for example to ~/.config/dbsafe/age.txt, \`chmod 600\`) and point ${source} there.`,
      ExitCode.usage,
    ),
  identityMalformed: (file: string, source: string, cause: string) =>
    new DbsafeError(
      'encryption-identity-malformed',
      `The age identity file ${file} (from ${source}) holds no usable age secret key (${cause}). Nothing was changed. It must hold AGE-SECRET-KEY-1… lines as \`age-keygen\` writes them.`,
      ExitCode.usage,
    ),
  wrongIdentity: (file: string, identityFile: string, recipients: string[]) =>
    new DbsafeError(
      'encryption-wrong-identity',
      `The age identity ${identityFile} is not one of the recipients of the backup ${file} (${recipients.join(', ') || 'recipients not recorded'}). Nothing was changed. Use the identity whose public key is listed there (\`age-keygen -y FILE\` prints a file's public key), or pick another backup from \`dbsafe list\`.`,
      ExitCode.usage,
    ),
  notAge: (file: string) =>
    new DbsafeError('backup-corrupt', `The backup ${file} should be an age file, but it does not start with an age header. Nothing was changed. Pick another backup from \`dbsafe list\`.`, ExitCode.failure),
  damaged: (file: string, detail: string) =>
    new DbsafeError('backup-corrupt', `The encrypted backup ${file} is damaged: ${detail}. Nothing was changed in the database. Pick another backup from \`dbsafe list\`.`, ExitCode.failure),
  gpgMissing: () =>
    new DbsafeError('encryption-gpg-missing', 'Backups are to be encrypted with gpg ("encryption.gpgRecipients"), but the `gpg` program is not installed. Install it (Debian/Ubuntu: `sudo apt-get install gnupg`; macOS: `brew install gnupg`) and run the command again.', ExitCode.usage),
  gpgEncryptFailed: (recipients: string[], stderr: string) =>
    new DbsafeError(
      'encryption-gpg-failed',
      `gpg could not encrypt the backup to ${recipients.join(', ')}: ${stderr.trim().split('\n').slice(-3).join(' ') || 'no message'}. Nothing was backed up. Import each recipient's public key (\`gpg --import key.asc\`) and check \`gpg --list-keys ${recipients[0] ?? ''}\`.`,
      ExitCode.usage,
    ),
  gpgDecryptFailed: (file: string, stderr: string) =>
    new DbsafeError(
      'encryption-gpg-decrypt-failed',
      `gpg could not decrypt the backup ${file}: ${stderr.trim().split('\n').slice(-3).join(' ') || 'no message'}. Nothing was changed. Make the secret key of one of its recipients available to gpg (\`gpg --list-secret-keys\`; GNUPGHOME selects another keyring), or pick another backup from \`dbsafe list\`.`,
      ExitCode.usage,
    ),
  plainMismatch: (file: string) =>
    new DbsafeError('backup-corrupt', `The backup ${file} decrypted, but not into the archive that was written (its checksum differs from the manifest's). Nothing was changed. Pick another backup from \`dbsafe list\`.`, ExitCode.failure),
} as const;
