import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { detectAgentAnywhere } from '../consent/agents.js';
import { consentKey, readSealed, writeSealed } from '../consent/seal.js';
import { isAccountStore, stateDirectory } from '../consent/store.js';

/**
 * Set by `dbsafe run` in its command's environment, so that a dbsafe inside
 * it (a shell function, a shim, an npm `pretest: dbsafe guard`) checks again
 * but does not back up the same database a second time. Entries are
 * `<pid>:<target fingerprint>:<nonce>`, comma-separated, outermost first.
 */
export const GUARD_MARKER = 'DBSAFE_GUARD_ACTIVE';

interface GuardRecord {
  fingerprint: string;
  /** The enclosing run was let through by a one-off consent: inner guards of the same database pass too. */
  override: boolean;
}

interface MarkerEntry {
  pid: number;
  fingerprint: string;
  nonce: string;
}

/** Parse the marker; malformed entries are ignored (they can only cost an extra backup). Pure. */
export function parseGuardMarker(value: string | undefined): MarkerEntry[] {
  if (!value) return [];
  return value.split(',').flatMap((part) => {
    const match = /^(\d+):([0-9a-f]{1,64}|none):([0-9a-f]{16})$/.exec(part.trim());
    return match ? [{ pid: Number(match[1]), fingerprint: match[2]!, nonce: match[3]! }] : [];
  });
}

/** The parent chain of this process, read from /proc; null where there is no /proc (macOS). */
function ancestorPids(): Set<number> | null {
  const ancestors = new Set<number>();
  let pid = process.ppid;
  for (let depth = 0; pid > 1 && depth < 64; depth++) {
    ancestors.add(pid);
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return depth === 0 ? null : ancestors;
    }
    // The command name in parentheses may contain spaces and ")": the fields after the last ")" are fixed.
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return ancestors;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function recordFile(env: Record<string, string | undefined>, entry: Pick<MarkerEntry, 'pid' | 'nonce'>): string {
  return path.join(stateDirectory(env), 'guards', `${entry.pid}-${entry.nonce}.json`);
}

export interface EnclosingGuard {
  pid: number;
  override: boolean;
}

/**
 * The `dbsafe run` this process runs inside, for the same database. A marker
 * counts only when its process is a live ancestor AND left its record in the
 * per-user state directory, so a copied or hand-written variable cannot
 * skip a backup or borrow an override.
 */
export function findEnclosingGuard(env: Record<string, string | undefined>, fingerprint: string): EnclosingGuard | null {
  const entries = parseGuardMarker(env[GUARD_MARKER]).filter((entry) => entry.fingerprint === fingerprint);
  if (entries.length === 0) return null;
  const ancestors = ancestorPids();
  for (const entry of entries.reverse()) {
    const live = ancestors ? ancestors.has(entry.pid) : isRunning(entry.pid);
    if (!live) continue;
    try {
      // Sealed like a consent record: a hand-written one cannot skip a backup or lend an override.
      const read = readSealed<GuardRecord>(consentKey(stateDirectory(env)), recordFile(env, entry), 'guard');
      const record = read && 'value' in read ? read.value : null;
      if (record?.fingerprint === fingerprint) {
        const override = record.override === true && (isAccountStore(env) || detectAgentAnywhere(env) === null);
        return { pid: entry.pid, override };
      }
    } catch {
      // No record, or an unsafe store: not a guard this user's dbsafe started.
    }
  }
  return null;
}

/** Announce this process as a guard of `fingerprint`: returns the child's marker value and a cleanup. */
export function enterGuard(env: Record<string, string | undefined>, fingerprint: string, override: boolean): { marker: string; leave: () => void } {
  const entry = { pid: process.pid, fingerprint, nonce: randomBytes(8).toString('hex') };
  const file = recordFile(env, entry);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Records of guards that were killed (SIGKILL, a crash) never got removed: clear them here.
  for (const name of readdirSync(path.dirname(file))) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (pid > 0 && !isRunning(pid)) rmSync(path.join(path.dirname(file), name), { force: true });
  }
  writeSealed(consentKey(stateDirectory(env)), file, 'guard', { fingerprint, override } satisfies GuardRecord);
  const existing = env[GUARD_MARKER];
  const own = `${entry.pid}:${entry.fingerprint}:${entry.nonce}`;
  return { marker: existing ? `${existing},${own}` : own, leave: () => rmSync(file, { force: true }) };
}
