/** The "encryption" row of the configuration: `{ "keyFile": "~/.config/dbsafe/backup.key" }`. */
export interface EncryptionConfig {
  /** The key file: `~` is the home directory, a relative path is relative to the project. */
  keyFile: string;
}

/** Validate the "encryption" value; a problem in one sentence, or null. Pure. */
export function validateEncryptionConfig(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be an object like {"keyFile": "~/.config/dbsafe/backup.key"}';
  const unknown = Object.keys(value).filter((key) => key !== 'keyFile');
  if (unknown.length > 0) return `has an unknown key "${unknown[0]}" (the only key is "keyFile")`;
  const keyFile = (value as Record<string, unknown>).keyFile;
  if (typeof keyFile !== 'string' || keyFile.trim() === '') return 'needs "keyFile": the path of the key file, e.g. "~/.config/dbsafe/backup.key"';
  if (keyFile.includes('\0')) return 'has a "keyFile" with a NUL character';
  return null;
}
