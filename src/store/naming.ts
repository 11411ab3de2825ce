import path from 'node:path';
import type { Target } from '../target/types.js';

/**
 * Backup file names: `<database>_<YYYYMMDD_HHMMSS>.<ext>`, in UTC so that a
 * name sorts the same on every machine and never repeats across a DST change.
 * Pure functions: the store checks the disk for collisions.
 */

/** A database name made safe for a file name: letters, digits, `-`, `_` and `.`, nothing else. */
export function sanitizeName(name: string): string {
  const cleaned = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .replace(/_+$/, '');
  return cleaned.slice(0, 80) || 'database';
}

/**
 * The name a target's backups are filed under: the database name, or for a
 * file database (SQLite, whose `database` is a path) the file's name without
 * its extension.
 */
export function backupDatabaseName(target: Pick<Target, 'database'>): string {
  const name = target.database.includes('/') ? path.basename(target.database, path.extname(target.database)) : target.database;
  return sanitizeName(name);
}

export function timestampForName(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}_${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
}

/**
 * The id of a new backup: the first candidate `taken` does not reject. Two
 * backups in the same second get `_2`, `_3`… so neither overwrites the other.
 */
export function chooseBackupId(database: string, date: Date, taken: (id: string) => boolean): string {
  return firstFreeId(`${database}_${timestampForName(date)}`, taken);
}

/** `base` itself, or `base_2`, `base_3`…: the first that `taken` does not reject. */
export function firstFreeId(base: string, taken: (id: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!taken(candidate)) return candidate;
  }
}

/** Temporary names carry the writer's pid, so a later run can tell a live writer from a dead one. */
export function partialName(finalName: string, pid: number): string {
  return `.${finalName}.partial-${pid}`;
}

const PARTIAL = /^\.(.+)\.partial-(\d+)$/;

/** The pid that wrote a temporary file, or null when `name` is not one. */
export function partialOwner(name: string): number | null {
  const match = PARTIAL.exec(name);
  return match ? Number(match[2]) : null;
}

/** Appended to the engine's extension of an encrypted backup: `app_dev_20261124_101500.dump.enc`. */
export const ENCRYPTED_EXTENSION = 'enc';

/** Appended to the engine's extension by the other encryptions: `<name>.<ext>.age`, `<name>.<ext>.gpg`. */
export const SEALED_EXTENSIONS = [ENCRYPTED_EXTENSION, 'age', 'gpg'] as const;

/** The file name of backup `id`: `<id>.<ext>`, plus `.enc` when encrypted (true) or the extension of its encryption ('age', 'gpg'). */
export function backupFileName(id: string, extension: string, encrypted: boolean | (typeof SEALED_EXTENSIONS)[number]): string {
  if (encrypted === false) return `${id}.${extension}`;
  return `${id}.${extension}.${encrypted === true ? ENCRYPTED_EXTENSION : encrypted}`;
}

/** The id a backup file name belongs to: its name without the engine's extension (and `.enc`, `.age`, `.gpg`). */
export function backupIdOfFile(name: string): string {
  const sealed = SEALED_EXTENSIONS.find((extension) => name.endsWith(`.${extension}`));
  const base = sealed ? name.slice(0, -sealed.length - 1) : name;
  return base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
}

export function manifestName(id: string): string {
  return `${id}.json`;
}

export function lockName(database: string): string {
  return `.${database}.lock`;
}
