import type { BlockingSession } from '../engines/types.js';

/** How a guarded command's database is protected: a server-side snapshot, a file backup, or a snapshot where possible. */
export type CopyMode = 'snapshot' | 'dump' | 'auto';

export const COPY_MODES: readonly CopyMode[] = ['snapshot', 'dump', 'auto'];

/**
 * The mode when neither a flag nor the configuration names one. "dump" keeps
 * every existing setup as it was; "auto" is opt-in until snapshots have
 * served a release.
 */
export const DEFAULT_COPY_MODE: CopyMode = 'dump';

export function copyModeOf(config: { mode?: CopyMode }): CopyMode {
  return config.mode ?? DEFAULT_COPY_MODE;
}

/**
 * How a restore keeps the state it replaces: unless "dump" is asked for (flag,
 * then setting), the replaced database itself where the server can hold both,
 * so restoring a dump never waits for a second dump first. Pure.
 */
export function restoreCopyMode(flag: CopyMode | undefined, config: { mode?: CopyMode }): CopyMode {
  return flag ?? config.mode ?? 'auto';
}

/** A --mode value, or the usage error that names the choices. */
export function parseCopyMode(value: string | undefined, invalid: (value: string) => Error): CopyMode | undefined {
  if (value === undefined) return undefined;
  if (!isCopyMode(value)) throw invalid(value);
  return value;
}

export function isCopyMode(value: unknown): value is CopyMode {
  return typeof value === 'string' && (COPY_MODES as readonly string[]).includes(value);
}

/** What the server and the session told about taking a snapshot now. */
export interface SnapshotConditions {
  /** The engine has no snapshots: why. */
  unsupported: string | null;
  /** This server or user cannot hold one: why. */
  unavailable: string | null;
  blockers: readonly BlockingSession[];
  /** The person consented to ending blocking sessions (--terminate-connections). */
  mayTerminate: boolean;
}

export type CopyDecision =
  | { kind: 'snapshot'; terminate: readonly BlockingSession[] }
  | { kind: 'dump'; reason: 'blocked'; blockers: readonly BlockingSession[] }
  | { kind: 'dump'; reason: 'unsupported' | 'unavailable'; why: string };

/**
 * Snapshot or file backup, for a mode other than "dump". A snapshot that is
 * not possible falls back to a file backup with the reason, in "snapshot"
 * mode too: a guarded command must never go unprotected because the faster
 * way was closed. Sessions are ended only with consent. Pure.
 */
export function decideCopy(conditions: SnapshotConditions): CopyDecision {
  if (conditions.unsupported) return { kind: 'dump', reason: 'unsupported', why: conditions.unsupported };
  if (conditions.unavailable) return { kind: 'dump', reason: 'unavailable', why: conditions.unavailable };
  if (conditions.blockers.length > 0 && !conditions.mayTerminate) return { kind: 'dump', reason: 'blocked', blockers: conditions.blockers };
  return { kind: 'snapshot', terminate: conditions.blockers };
}
