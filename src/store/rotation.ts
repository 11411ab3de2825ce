import type { RuleKind } from '../rules/types.js';
import { databaseKey, newestFirst, type Manifest } from './manifest.js';

/** How many backups of each database are kept, and which older ones are kept anyway. */
export interface RetentionPolicy {
  /** The newest N backups of each database (`retention`). */
  keepLast: number;
  /** Labelled backups kept per database, newest first; null: every one, until removed with `dbsafe forget`. */
  keepLabelled: number | null;
  /** The newest backup of each of the last N days that have backups (UTC days); 0: none. */
  keepDaily: number;
  /** The newest backup of each of the last N weeks that have backups (ISO weeks, UTC); 0: none. */
  keepWeekly: number;
}

/** Why a backup survives rotation; a backup with no reason is deleted. */
export type KeepReason =
  | { why: 'newest'; count: number }
  | { why: 'newest-good' }
  | { why: 'before'; kind: RuleKind }
  | { why: 'labelled'; label: string }
  | { why: 'daily'; day: string }
  | { why: 'weekly'; week: string };

/**
 * Command kinds whose backup is the one people come back for: the newest
 * backup taken before each of them is kept however many test runs follow.
 * (The command table files migrations, seeds and resets as 'migration', and
 * drops, restores and direct data loads as 'data'.)
 */
export const KEPT_BEFORE_KINDS: ReadonlySet<RuleKind> = new Set(['migration', 'data']);

export interface RetentionPlan {
  /** Reasons per kept backup id, in the order the reasons were found. */
  kept: Map<string, KeepReason[]>;
  deleted: Manifest[];
}

function utcDay(iso: string): string {
  return iso.slice(0, 10);
}

/** ISO 8601 week of a UTC date, "2026-W01". */
function isoWeek(iso: string): string {
  const date = new Date(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The newest backup of each of the first `limit` distinct periods, newest period first. */
function newestPerPeriod(ordered: readonly Manifest[], periodOf: (m: Manifest) => string, limit: number): Array<[Manifest, string]> {
  const seen = new Map<string, Manifest>();
  for (const manifest of ordered) {
    const period = periodOf(manifest);
    if (!seen.has(period)) seen.set(period, manifest);
    if (seen.size > limit) break;
  }
  return [...seen.entries()].slice(0, limit).map(([period, manifest]) => [manifest, period]);
}

function planForDatabase(group: readonly Manifest[], policy: RetentionPolicy, kept: Map<string, KeepReason[]>): Manifest[] {
  const ordered = [...group].sort(newestFirst);
  const keep = (manifest: Manifest, reason: KeepReason) => kept.set(manifest.id, [...(kept.get(manifest.id) ?? []), reason]);
  const keepLast = Math.max(1, Math.floor(policy.keepLast));
  for (const manifest of ordered.slice(0, keepLast)) keep(manifest, { why: 'newest', count: keepLast });
  const newestGood = ordered.find((m) => m.verified);
  if (newestGood) keep(newestGood, { why: 'newest-good' });
  for (const kind of KEPT_BEFORE_KINDS) {
    const before = ordered.find((m) => m.commandKind === kind);
    if (before) keep(before, { why: 'before', kind });
  }
  const labelled = ordered.filter((m) => m.label !== null);
  const labelledKept = policy.keepLabelled === null ? labelled : labelled.slice(0, Math.max(0, Math.floor(policy.keepLabelled)));
  for (const manifest of labelledKept) keep(manifest, { why: 'labelled', label: manifest.label! });
  for (const [manifest, day] of newestPerPeriod(ordered, (m) => utcDay(m.createdAt), policy.keepDaily)) keep(manifest, { why: 'daily', day });
  for (const [manifest, week] of newestPerPeriod(ordered, (m) => isoWeek(m.createdAt), policy.keepWeekly)) keep(manifest, { why: 'weekly', week });
  return ordered.filter((m) => !kept.has(m.id));
}

/**
 * Which backups rotation keeps (and why) and which it deletes, per
 * database: the newest `keepLast`, the newest backup taken before each kind
 * of command in KEPT_BEFORE_KINDS, labelled backups, the optional daily and
 * weekly ones — and never the newest verified one. Only backups with a
 * dbsafe manifest are ever candidates, so files dbsafe did not write (and
 * its logs) are out of reach by construction. Pure.
 */
export function planRetention(manifests: readonly Manifest[], policy: RetentionPolicy): RetentionPlan {
  const byDatabase = new Map<string, Manifest[]>();
  for (const manifest of manifests) {
    const key = databaseKey(manifest);
    byDatabase.set(key, [...(byDatabase.get(key) ?? []), manifest]);
  }
  const kept = new Map<string, KeepReason[]>();
  const deleted: Manifest[] = [];
  for (const group of byDatabase.values()) deleted.push(...planForDatabase(group, policy, kept));
  return { kept, deleted };
}

/** The policy with only a count: every labelled backup kept, no daily or weekly ones. */
export function countPolicy(keepLast: number): RetentionPolicy {
  return { keepLast, keepLabelled: null, keepDaily: 0, keepWeekly: 0 };
}

/** The backups rotation deletes (see planRetention). Pure. */
export function planRotation(manifests: readonly Manifest[], policy: RetentionPolicy | number): Manifest[] {
  return planRetention(manifests, typeof policy === 'number' ? countPolicy(policy) : policy).deleted;
}

/**
 * The kind of command a backup is taken before, from the command's
 * classification: a kept-before kind wherever it appears among the guarded
 * parts (`npm test && npm run migrate` is a migration), else the deciding one.
 */
export function backupKindOf(guardedKinds: ReadonlyArray<RuleKind | undefined>): RuleKind | null {
  return guardedKinds.find((kind) => kind !== undefined && KEPT_BEFORE_KINDS.has(kind)) ?? guardedKinds.find((kind) => kind !== undefined) ?? null;
}
