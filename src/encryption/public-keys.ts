import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { identityProblem, keyLines, recipientProblem } from './age.js';
import type { EncryptionConfig } from './config.js';
import { keyFileLocationProblem, resolveKeyFile } from './key.js';
import { IDENTITY_VARIABLE, publicKeyMessages as say } from './public-key-messages.js';

/** What the configuration says about public-key encryption (age or gpg), resolved to absolute paths. Never key material. */
export interface PublicKeySettings {
  /** age recipients written in the configuration. */
  recipients: string[];
  /** Absolute "encryption.recipientsFile", or null. */
  recipientsFile: string | null;
  gpgRecipients: string[];
  /** The identity file that reads age backups, and which setting named it; null when none is given. */
  identity: { file: string; source: string } | null;
  projectRoot: string;
  backupDir: string;
}

export type NewBackupEncryption = { format: 'age'; recipients: string[] } | { format: 'gpg'; recipients: string[] } | null;

/** The settings of a project, with the identity from DBSAFE_AGE_IDENTITY_FILE winning over "encryption.identityFile". Pure. */
export function publicKeySettingsFor(options: {
  config: EncryptionConfig | undefined;
  env: Record<string, string | undefined>;
  projectRoot: string;
  backupDir: string;
}): PublicKeySettings {
  const home = options.env.HOME || os.homedir();
  const resolve = (setting: string) => resolveKeyFile(setting, options.projectRoot, home);
  const fromEnv = options.env[IDENTITY_VARIABLE];
  const fromConfig = options.config?.identityFile;
  return {
    recipients: (options.config?.recipients ?? []).map((r) => r.trim()),
    recipientsFile: options.config?.recipientsFile ? resolve(options.config.recipientsFile) : null,
    gpgRecipients: (options.config?.gpgRecipients ?? []).map((r) => r.trim()),
    identity: fromEnv ? { file: path.resolve(fromEnv), source: IDENTITY_VARIABLE } : fromConfig ? { file: resolve(fromConfig), source: '"encryption.identityFile"' } : null,
    projectRoot: options.projectRoot,
    backupDir: options.backupDir,
  };
}

/** The same settings with the identity of `--identity FILE` (which wins over the variable and the configuration). */
export function withIdentityFlag(settings: PublicKeySettings, flag: string | undefined): PublicKeySettings {
  return flag ? { ...settings, identity: { file: path.resolve(flag), source: '--identity' } } : settings;
}

/** How new backups are encrypted with public keys: every age recipient checked, the recipients file read. Null for none. */
export async function encryptionForNewBackups(settings: PublicKeySettings | undefined): Promise<NewBackupEncryption> {
  if (!settings) return null;
  if (settings.gpgRecipients.length > 0) return { format: 'gpg', recipients: settings.gpgRecipients };
  const recipients = settings.recipients.map((recipient) => ({ recipient, where: '"encryption.recipients"' }));
  if (settings.recipientsFile) {
    let text: string;
    try {
      text = await fs.readFile(settings.recipientsFile, 'utf8');
    } catch (error) {
      throw say.recipientsFileUnreadable(settings.recipientsFile, (error as Error).message);
    }
    const lines = keyLines(text);
    if (lines.length === 0) throw say.recipientsFileEmpty(settings.recipientsFile);
    recipients.push(...lines.map((recipient) => ({ recipient, where: settings.recipientsFile! })));
  }
  if (recipients.length === 0) return null;
  for (const { recipient, where } of recipients) {
    const problem = recipientProblem(recipient);
    if (problem) throw say.invalidRecipient(recipient, where, problem);
  }
  return { format: 'age', recipients: [...new Set(recipients.map((r) => r.recipient))] };
}

/**
 * The age identities that read backups back: the file must be a regular
 * file, private to its owner, outside the project and the backup directory,
 * and hold at least one AGE-SECRET-KEY line. Null when no identity is given.
 */
export async function loadAgeIdentities(settings: PublicKeySettings | undefined): Promise<{ identities: string[]; file: string } | null> {
  const identity = settings?.identity;
  if (!settings || !identity) return null;
  const { file, source } = identity;
  const inside = keyFileLocationProblem(file, settings.projectRoot, settings.backupDir);
  if (inside) throw say.identityInside(file, source, inside.where, inside.dir);
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw say.identityMissing(file, source);
    throw say.identityUnreadable(file, source, (error as Error).message);
  }
  if (!stat.isFile()) throw say.identityUnreadable(file, source, 'it is not a regular file');
  if ((stat.mode & 0o077) !== 0) throw say.identityTooOpen(file, source, stat.mode);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw say.identityUnreadable(file, source, (error as Error).message);
  }
  const identities = keyLines(text);
  if (identities.length === 0) throw say.identityMalformed(file, source, 'the file has no key line');
  for (const line of identities) {
    const problem = identityProblem(line);
    // Never echo the line: it is a secret key, or close to one.
    if (problem) throw say.identityMalformed(file, source, problem.replace(/AGE-SECRET-KEY-\S*/g, 'AGE-SECRET-KEY-…'));
  }
  return { identities, file };
}
