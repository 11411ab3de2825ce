/**
 * The "encryption" row of the configuration. Either the dbsafe format with a
 * symmetric key (`{"keyFile": "~/.config/dbsafe/backup.key"}`, the older
 * choice, kept so its backups stay readable), or public keys: age recipients
 * (`{"recipients": ["age1…"]}` or `{"recipientsFile": "…"}`) or gpg
 * recipients (`{"gpgRecipients": ["team@example.com"]}`). `identityFile`
 * names the age identity that reads backups back.
 */
export interface EncryptionConfig {
  /** The key file: `~` is the home directory, a relative path is relative to the project. */
  keyFile?: string;
  /** age public keys (age1…) every new backup is encrypted to. */
  recipients?: string[];
  /** A file of age public keys, one a line (`#` comments), as `age -R` reads it. */
  recipientsFile?: string;
  /** The age identity file restore, verify and health decrypt with (the --identity flag and DBSAFE_AGE_IDENTITY_FILE win). */
  identityFile?: string;
  /** gpg key ids, fingerprints or e-mail addresses every new backup is encrypted to (the `gpg` binary and its keyring). */
  gpgRecipients?: string[];
}

const KEYS = ['keyFile', 'recipients', 'recipientsFile', 'identityFile', 'gpgRecipients'] as const;
const EXAMPLE = '{"recipients": ["age1…"]} (age public keys), {"gpgRecipients": ["you@example.com"]} or {"keyFile": "~/.config/dbsafe/backup.key"}';

function pathProblem(name: string, value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.trim() === '') return `has a "${name}" that is not a path (e.g. "~/.config/dbsafe/${name === 'keyFile' ? 'backup.key' : 'age.txt'}")`;
  if (value.includes('\0')) return `has a "${name}" with a NUL character`;
  return null;
}

function listProblem(name: string, value: unknown, shape: (item: string) => boolean, example: string): string | null {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.length === 0) return `has a "${name}" that is not a non-empty list, e.g. ["${example}"]`;
  const bad = value.find((item) => typeof item !== 'string' || !shape(item.trim()));
  if (bad !== undefined) return `has "${name}" entry ${JSON.stringify(bad)}, which is not ${name === 'recipients' ? 'an age public key (age1…; `age-keygen -y key.txt` prints yours)' : 'a gpg key id, fingerprint or e-mail address'}`;
  return null;
}

/** Validate the "encryption" value; a problem in one sentence, or null. Pure (a recipient's checksum is checked when a backup is taken, and by doctor). */
export function validateEncryptionConfig(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `must be an object like ${EXAMPLE}`;
  const unknown = Object.keys(value).filter((key) => !(KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) return `has an unknown key "${unknown[0]}" (known keys: ${KEYS.join(', ')})`;
  const row = value as Record<string, unknown>;
  for (const name of ['keyFile', 'recipientsFile', 'identityFile'] as const) {
    const problem = pathProblem(name, row[name]);
    if (problem) return problem;
  }
  const listed =
    listProblem('recipients', row.recipients, (item) => /^age1[0-9a-z]+$/.test(item), 'age1…') ??
    listProblem('gpgRecipients', row.gpgRecipients, (item) => item !== '' && !item.startsWith('-') && !/[\s\0]/.test(item.replace(/^<|>$/g, '')), 'you@example.com');
  if (listed) return listed;
  const ageWanted = row.recipients !== undefined || row.recipientsFile !== undefined;
  if (ageWanted && row.gpgRecipients !== undefined) return 'has both age recipients and "gpgRecipients": choose one (age needs no keyring; gpg suits a team that already has one)';
  if (!ageWanted && row.gpgRecipients === undefined && row.keyFile === undefined) {
    return row.identityFile !== undefined ? 'has an "identityFile" but no "recipients" to encrypt new backups to (add "recipients": ["age1…"], the public key of that identity)' : `needs "recipients", "recipientsFile", "gpgRecipients" or "keyFile", e.g. ${EXAMPLE}`;
  }
  return null;
}
