import { promises as fs, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keyIdOf, parseKeyText } from './format.js';
import { encryptionMessages as say, KEY_VARIABLE } from './messages.js';

/** Where a project's backup key comes from (the "encryption" config row and the environment). */
export interface KeySource {
  /** The "encryption" row is in the configuration: new backups are encrypted. */
  encryptNewBackups: boolean;
  /** Absolute key file of "encryption.keyFile", or null when the row is absent. */
  keyFile: string | null;
  /** DBSAFE_BACKUP_KEY; it wins over the key file. */
  envKey: string | undefined;
  projectRoot: string;
  backupDir: string;
}

export interface BackupKey {
  key: Buffer;
  keyId: string;
  /** Where it came from, for messages: the key file's path or the variable's name. */
  source: string;
}

/** `~` and `~/…` are the home directory; a relative path is relative to the project. Pure. */
export function resolveKeyFile(setting: string, projectRoot: string, home: string): string {
  if (setting === '~') return home;
  if (setting.startsWith('~/')) return path.join(home, setting.slice(2));
  return path.resolve(projectRoot, setting);
}

function inside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function realOrSame(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** Is the key file inside the project or the backup directory (as written, or once symlinks are followed)? Null when not. */
export function keyFileLocationProblem(keyFile: string, projectRoot: string, backupDir: string): { where: 'project' | 'backup'; dir: string } | null {
  const candidates = [keyFile, realOrSame(keyFile)];
  for (const [where, dir] of [['backup', backupDir], ['project', projectRoot]] as const) {
    if (candidates.some((file) => inside(file, dir) || inside(file, realOrSame(dir)))) return { where, dir };
  }
  return null;
}

export function keySourceFor(options: {
  keyFileSetting: string | undefined;
  env: Record<string, string | undefined>;
  projectRoot: string;
  backupDir: string;
}): KeySource {
  const home = options.env.HOME || os.homedir();
  return {
    encryptNewBackups: options.keyFileSetting !== undefined,
    keyFile: options.keyFileSetting === undefined ? null : resolveKeyFile(options.keyFileSetting, options.projectRoot, home),
    envKey: options.env[KEY_VARIABLE] || undefined,
    projectRoot: options.projectRoot,
    backupDir: options.backupDir,
  };
}

async function readKeyFile(file: string): Promise<Buffer> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw say.keyFileMissing(file);
    throw say.keyFileUnreadable(file, (error as Error).message);
  }
  if (!stat.isFile()) throw say.keyFileUnreadable(file, 'it is not a regular file');
  if ((stat.mode & 0o077) !== 0) throw say.keyFileTooOpen(file, stat.mode);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw say.keyFileUnreadable(file, (error as Error).message);
  }
  const key = parseKeyText(text);
  if (!key) throw say.keyFileMalformed(file);
  return key;
}

/**
 * The key to use: DBSAFE_BACKUP_KEY when set, else the configured key file.
 * Null when neither is there. A key file inside the project or the backup
 * directory is refused even when the variable is set: the configuration
 * itself is wrong.
 */
export async function loadBackupKey(source: KeySource): Promise<BackupKey | null> {
  if (source.keyFile) {
    const problem = keyFileLocationProblem(source.keyFile, source.projectRoot, source.backupDir);
    if (problem) throw say.keyFileInside(source.keyFile, problem.where, problem.dir);
  }
  if (source.envKey !== undefined) {
    const key = parseKeyText(source.envKey);
    if (!key) throw say.envKeyMalformed();
    return { key, keyId: keyIdOf(key), source: KEY_VARIABLE };
  }
  if (!source.keyFile) return null;
  const key = await readKeyFile(source.keyFile);
  return { key, keyId: keyIdOf(key), source: source.keyFile };
}
