import type { EngineName } from '../target/types.js';
import { healthMessages as say } from './messages.js';

/** What health knows about one backup, from its manifest. */
export interface BackupSummary {
  id: string;
  createdAt: string;
  /** Size recorded in the manifest when the backup was written. */
  size: number;
  trigger: string;
}

/** Whether the newest backup file still is what was written, and readable by the engine's tool. */
export type IntegrityFact =
  | { checksum: 'match'; archive: { ok: true; notDecrypted?: true } | { ok: false; reason: string; cannotCheck: boolean; keyProblem?: true } }
  | { checksum: 'mismatch'; actual: string; recorded: string }
  | { checksum: 'unreadable'; reason: string };

/** Everything `dbsafe health` judges, read from the backup directory beforehand. */
export interface HealthFacts {
  database: string;
  engine: EngineName;
  /** The backup directory as shown to the user. */
  backupDir: string;
  /** Milliseconds since the epoch. */
  now: number;
  maxAgeSeconds: number;
  /** The limit as the user wrote it ("12h"). */
  maxAgeText: string;
  /** File backups of this database, newest first: what survives losing the server. */
  backups: readonly BackupSummary[];
  /** Snapshots of this database on its server, newest first; absent or empty when none. */
  snapshots?: readonly BackupSummary[];
  /** Facts about backups[0]; null when there is none. */
  newest: { sizeOnDisk: number; integrity: IntegrityFact } | null;
  /** Offsite copies, from the last upload's record (no network): absent when none are configured. */
  offsite?: Array<{ remote: string; at: string | null; ok: boolean; error?: string; missing: string[] }>;
}

export type HealthCheckName = 'exists' | 'recent' | 'size' | 'intact' | 'offsite' | 'snapshot';

export interface HealthCheck {
  name: HealthCheckName;
  ok: boolean;
  detail: string;
  /** What to do, when the check failed. */
  fix?: string;
}

export interface HealthVerdict {
  healthy: boolean;
  checks: HealthCheck[];
}

/** How many earlier backups the newest one's size is compared with. */
export const SIZE_WINDOW = 5;
/** A newest backup under this fraction of the earlier ones' median is suspicious. */
export const SIZE_FLOOR = 0.5;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function ageSeconds(backup: Pick<BackupSummary, 'createdAt'>, now: number): number {
  return Math.max(0, Math.round((now - Date.parse(backup.createdAt)) / 1000));
}

function recentCheck(facts: HealthFacts, newest: BackupSummary): HealthCheck {
  const age = ageSeconds(newest, facts.now);
  if (age < facts.maxAgeSeconds) return { name: 'recent', ok: true, detail: say.recent(age, facts.maxAgeText) };
  return { name: 'recent', ok: false, detail: say.tooOld(age, facts.maxAgeText), fix: say.takeBackupFix };
}

function sizeCheck(facts: HealthFacts, newest: BackupSummary, sizeOnDisk: number): HealthCheck {
  if (sizeOnDisk === 0) return { name: 'size', ok: false, detail: say.empty, fix: say.emptyFix };
  const earlier = facts.backups.slice(1, 1 + SIZE_WINDOW).map((b) => b.size);
  if (earlier.length === 0) return { name: 'size', ok: true, detail: say.firstBackup(sizeOnDisk) };
  const baseline = median(earlier);
  if (sizeOnDisk >= baseline * SIZE_FLOOR) return { name: 'size', ok: true, detail: say.sizeInLine(sizeOnDisk, earlier.length, baseline) };
  return {
    name: 'size',
    ok: false,
    detail: say.tooSmall(sizeOnDisk, earlier.length, baseline),
    fix: say.tooSmallFix(newest.id, facts.backups[1]!.id),
  };
}

function intactCheck(newest: BackupSummary, integrity: IntegrityFact): HealthCheck {
  switch (integrity.checksum) {
    case 'mismatch':
      return { name: 'intact', ok: false, detail: say.checksumMismatch(integrity.actual, integrity.recorded), fix: say.damagedFix(newest.id) };
    case 'unreadable':
      return { name: 'intact', ok: false, detail: say.unreadable(integrity.reason), fix: say.damagedFix(newest.id) };
    case 'match':
      if (integrity.archive.ok) return { name: 'intact', ok: true, detail: integrity.archive.notDecrypted ? say.intactNotDecrypted : say.intact };
      if (integrity.archive.keyProblem) return { name: 'intact', ok: false, detail: say.cannotDecrypt(integrity.archive.reason), fix: say.keyFix };
      if (integrity.archive.cannotCheck) return { name: 'intact', ok: false, detail: say.cannotCheck(integrity.archive.reason), fix: say.cannotCheckFix };
      return { name: 'intact', ok: false, detail: say.archiveUnreadable(integrity.archive.reason), fix: say.damagedFix(newest.id) };
  }
}

function offsiteCheck(remotes: NonNullable<HealthFacts['offsite']>): HealthCheck {
  const never = remotes.find((r) => r.at === null);
  if (never) return { name: 'offsite', ok: false, detail: say.offsiteNever(never.remote), fix: say.offsiteFix };
  const failed = remotes.find((r) => !r.ok);
  if (failed) return { name: 'offsite', ok: false, detail: say.offsiteFailed(failed.remote, failed.at!, failed.error ?? 'unknown error', failed.missing), fix: say.offsiteFix };
  return { name: 'offsite', ok: true, detail: say.offsiteOk(remotes.map((r) => r.remote), remotes[0]!.at!) };
}

/** The newest snapshot, said apart from the file backups: it lives on the server and goes with it. */
function snapshotCheck(snapshot: BackupSummary, now: number): HealthCheck {
  return { name: 'snapshot', ok: true, detail: say.newestSnapshot(snapshot.id, ageSeconds(snapshot, now)) };
}

/**
 * Is the newest file backup of a database recent, large enough and intact?
 * Snapshots are reported apart: they do not survive losing the server, so a
 * database protected by snapshots only has no backup in health's sense, and
 * is told so. Pure: the facts were read from the backup directory; the
 * verdict lists every check with what it found and, when it failed, the fix.
 */
export function judgeHealth(facts: HealthFacts): HealthVerdict {
  const newest = facts.backups[0];
  const newestSnapshot = facts.snapshots?.[0];
  if (!newest || !facts.newest) {
    const exists: HealthCheck = newestSnapshot
      ? { name: 'exists', ok: false, detail: say.snapshotsOnly(facts.database, facts.snapshots!.length), fix: say.snapshotsOnlyFix(newestSnapshot.id) }
      : { name: 'exists', ok: false, detail: say.none(facts.database, facts.backupDir), fix: say.takeBackupFix };
    return { healthy: false, checks: [exists, ...(newestSnapshot ? [snapshotCheck(newestSnapshot, facts.now)] : [])] };
  }
  const checks: HealthCheck[] = [
    { name: 'exists', ok: true, detail: say.exists(newest.id, facts.backups.length) },
    recentCheck(facts, newest),
    sizeCheck(facts, newest, facts.newest.sizeOnDisk),
    intactCheck(newest, facts.newest.integrity),
    ...(facts.offsite ? [offsiteCheck(facts.offsite)] : []),
    ...(newestSnapshot ? [snapshotCheck(newestSnapshot, facts.now)] : []),
  ];
  return { healthy: checks.every((check) => check.ok), checks };
}
