import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, constants, fstatSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { storeMessages } from './messages.js';

/**
 * Consent records are sealed with HMAC-SHA256 under a per-user key that
 * `dbsafe` creates (0600) the first time it needs it. A copied, edited or
 * hand-written record does not verify, so it is not consent. The key is as
 * private as the user's files: a program running as the user can read it,
 * which is the limit stated in the README's threat model.
 */
const KEY_FILE = 'consent.key';
const KEY_BYTES = 32;

const uid = (): number | null => process.getuid?.() ?? null;

/** Group- or world-writable, or someone else's: a store another account could write into. Pure. */
export function storeProblem(stats: { uid: number; mode: number; isDirectory: boolean; isSymbolicLink: boolean }, ownUid: number | null): 'symlink' | 'not-directory' | 'owner' | 'mode' | null {
  if (stats.isSymbolicLink) return 'symlink';
  if (!stats.isDirectory) return 'not-directory';
  if (ownUid !== null && stats.uid !== ownUid) return 'owner';
  if ((stats.mode & 0o022) !== 0) return 'mode';
  return null;
}

/** Create `dir` (0700) if needed, and refuse it when another account could write into it. */
export function ensurePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stats = lstatSync(dir);
  const problem = storeProblem({ uid: stats.uid, mode: stats.mode, isDirectory: stats.isDirectory(), isSymbolicLink: stats.isSymbolicLink() }, uid());
  if (problem) throw new DbsafeError('consent-store-unsafe', storeMessages.unsafeDirectory(dir, problem, stats.mode & 0o777), ExitCode.refused);
}

/**
 * A private regular file's bytes: opened without following a symlink, then
 * checked on the open descriptor (no swap between check and read).
 * Null when it does not exist; a reason when it is not ours or not private.
 */
function readPrivateFile(file: string): { bytes: Buffer } | { problem: string } | null {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    return { problem: code === 'ELOOP' ? 'it is a symbolic link' : `it cannot be read (${code})` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { problem: 'it is not a regular file' };
    if (uid() !== null && stats.uid !== uid()) return { problem: `it belongs to uid ${stats.uid}` };
    if ((stats.mode & 0o077) !== 0) return { problem: `its mode is ${(stats.mode & 0o777).toString(8)}, not 600` };
    return { bytes: readFileSync(fd) };
  } finally {
    closeSync(fd);
  }
}

/** The user's consent key, created on first use. Throws when it exists but is not private. */
export function consentKey(stateDir: string): Buffer {
  ensurePrivateDirectory(stateDir);
  const file = path.join(stateDir, KEY_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    const found = readPrivateFile(file);
    if (found && 'problem' in found) throw new DbsafeError('consent-store-unsafe', storeMessages.unsafeKey(file, found.problem), ExitCode.refused);
    if (found && found.bytes.length === KEY_BYTES) return found.bytes;
    if (found) throw new DbsafeError('consent-store-unsafe', storeMessages.unsafeKey(file, `it holds ${found.bytes.length} bytes, not ${KEY_BYTES}`), ExitCode.refused);
    // Written aside and linked into place: of two first uses at once, one key wins and both use it.
    const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temporary, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(temporary, { force: true });
    }
  }
  throw new DbsafeError('consent-store-unsafe', storeMessages.unsafeKey(file, 'it could not be created'), ExitCode.failure);
}

const mac = (key: Buffer, kind: string, payload: string): string => createHmac('sha256', key).update(`dbsafe ${kind}\n${payload}`).digest('hex');

/** Write `value` as a sealed record of `kind`, atomically, 0600. */
export function writeSealed(key: Buffer, file: string, kind: string, value: unknown): void {
  const payload = JSON.stringify(value);
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ kind, payload, mac: mac(key, kind, payload) })}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, file);
}

export type SealedRead<T> = { value: T } | { problem: string } | null;

/** A sealed record of `kind`: its value when the seal verifies, the reason when it does not, null when absent. */
export function readSealed<T>(key: Buffer, file: string, kind: string): SealedRead<T> {
  const found = readPrivateFile(file);
  if (!found || 'problem' in found) return found;
  let sealed: { kind?: unknown; payload?: unknown; mac?: unknown };
  try {
    sealed = JSON.parse(found.bytes.toString('utf8')) as typeof sealed;
  } catch {
    return { problem: 'it is not a sealed dbsafe record' };
  }
  if (typeof sealed.payload !== 'string' || typeof sealed.mac !== 'string' || sealed.kind !== kind) return { problem: 'it is not a sealed dbsafe record' };
  const expected = Buffer.from(mac(key, kind, sealed.payload), 'hex');
  const given = Buffer.from(sealed.mac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { problem: 'its seal does not verify: it was not written by dbsafe, or was changed' };
  return { value: JSON.parse(sealed.payload) as T };
}
