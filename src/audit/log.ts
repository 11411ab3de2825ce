import { closeSync, existsSync, fchmodSync, fstatSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redactCommandLine } from '../redact.js';
import { SELF_IGNORE } from '../store/gitignore.js';
import { parseAuditLine, type AuditEntry } from './entry.js';

export const AUDIT_FILE = 'audit.log';

/**
 * Is `dir` a project at all (a dbsafe config, a package.json or a git
 * repository)? Outside one, dbsafe creates no audit log and no backup
 * directory: a refusal in ~/Downloads must not leave backups/ behind.
 */
export function isProjectDirectory(dir: string): boolean {
  return ['dbsafe.config.json', 'package.json', '.git'].some((name) => existsSync(path.join(dir, name)));
}

/** The audit log of a project: beside its backups. */
export function auditLogPath(projectRoot: string, backupDir: string): string {
  return path.join(path.resolve(projectRoot, backupDir), AUDIT_FILE);
}

function currentUser(env: Record<string, string | undefined>): string | null {
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? null;
  }
}

/** The fields every entry shares, filled from the running process. */
export function auditContext(cwd: string, env: Record<string, string | undefined>): Pick<AuditEntry, 'user' | 'host' | 'cwd'> {
  return { user: currentUser(env), host: os.hostname(), cwd };
}

function writeSelfIgnore(dir: string): void {
  try {
    const fd = openSync(path.join(dir, '.gitignore'), 'wx', 0o644);
    writeSync(fd, SELF_IGNORE);
    closeSync(fd);
  } catch {
    // Already there, or not writable: the backup itself checks and fixes the ignore rule.
  }
}

/**
 * Append one entry as one JSON line. The file is opened O_APPEND and the line
 * written with a single write(2), so concurrent dbsafe processes never
 * interleave half lines; the log is 0600 in a 0700 directory because commands
 * and paths can be sensitive even with passwords masked.
 */
export function appendAuditEntry(file: string, entry: AuditEntry): void {
  const created = mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // A refusal can be the first thing written into the backup directory, before any backup
  // has made git ignore it: a directory dbsafe creates ignores itself from the start.
  if (created !== undefined) writeSelfIgnore(path.dirname(file));
  const fd = openSync(file, 'a', 0o600);
  try {
    if ((fstatSync(fd).mode & 0o077) !== 0) fchmodSync(fd, 0o600);
    // Whoever wrote the entry, no password reaches the file.
    const stored = entry.command ? { ...entry, command: redactCommandLine(entry.command) } : entry;
    writeSync(fd, Buffer.from(`${JSON.stringify(stored)}\n`, 'utf8'));
  } finally {
    closeSync(fd);
  }
}

export interface AuditReading {
  entries: AuditEntry[];
  /** Lines that are not entries (a crash mid-write, a hand edit), 1-based, with the reason. */
  skipped: Array<{ line: number; problem: string }>;
  /** False when there is no audit log yet. */
  exists: boolean;
}

export function readAuditLog(file: string): AuditReading {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: [], exists: false };
    throw error;
  }
  const reading: AuditReading = { entries: [], skipped: [], exists: true };
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = parseAuditLine(line);
    // Lines written by older versions may hold a password dbsafe now recognises.
    if ('entry' in parsed) reading.entries.push(parsed.entry.command ? { ...parsed.entry, command: redactCommandLine(parsed.entry.command) } : parsed.entry);
    else reading.skipped.push({ line: index + 1, problem: parsed.problem });
  });
  return reading;
}
