import type { BlockingSession } from '../engines/types.js';

/** How a guarded command's database is protected: a server-side snapshot, a file backup, or a snapshot where possible. */
export type CopyMode = 'snapshot' | 'dump' | 'auto';

export const COPY_MODES: readonly CopyMode[] = ['snapshot', 'dump', 'auto'];

/** What a copy is for: protecting a guarded command, a restore's safety copy, or a backup a person or a schedule asked for. */
export type CopyPurpose = 'guarded' | 'restore' | 'backup';

/**
 * The mode when neither a flag nor the configuration names one, by purpose.
 * - guarded: a guarded command (run, guard, the agent hook, the pre-push
 *   hook, --restore-after) wants the state just before it back fast: a
 *   snapshot where the engine and server allow, else a file backup.
 * - backup: `dbsafe backup` and scheduled backups stay files: they are what
 *   survives losing the server, which a snapshot does not.
 * - restore: `restore` and `undo` keep the replaced database itself as the
 *   safety copy where the server can hold both (checked first), so restoring
 *   a dump never waits for a second dump; a file backup otherwise, saying why.
 * A "mode" in the configuration (or --mode) applies to every purpose.
 */
export const DEFAULT_COPY_MODES: Readonly<Record<CopyPurpose, CopyMode>> = { guarded: 'auto', restore: 'auto', backup: 'dump' };

export function copyModeOf(config: { mode?: CopyMode }, purpose: CopyPurpose): CopyMode {
  return config.mode ?? DEFAULT_COPY_MODES[purpose];
}

/** How a restore keeps the state it replaces: the flag, else the setting, else the restore default. Pure. */
export function restoreCopyMode(flag: CopyMode | undefined, config: { mode?: CopyMode }): CopyMode {
  return flag ?? copyModeOf(config, 'restore');
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
  /** The person consented to ending blocking sessions (--terminate-connections, or yes to the question). */
  mayTerminate: boolean;
  /** A person at a terminal (never an agent) can be asked whether to end them. */
  mayAsk?: boolean;
  /** A snapshot is possible here only the slow way (rows copied instead of files, writers waiting meanwhile): why. */
  slow?: string | null;
  /** The mode asked for: in "auto" the slow way means a file backup; "snapshot" asked for explicitly takes it anyway. */
  mode?: CopyMode;
}

export type CopyDecision =
  | { kind: 'snapshot'; terminate: readonly BlockingSession[]; slow?: string }
  | { kind: 'dump'; reason: 'blocked'; blockers: readonly BlockingSession[] }
  | { kind: 'dump'; reason: 'unsupported' | 'unavailable' | 'slow'; why: string };

/**
 * Snapshot or file backup, for a mode other than "dump". A snapshot that is
 * not possible falls back to a file backup with the reason, in "snapshot"
 * mode too: a guarded command must never go unprotected because the faster
 * way was closed. Sessions are ended only with consent. A snapshot that
 * would be slower than the file backup (and hold writers up) is "auto"'s
 * reason for a file backup; asked for by name, it is taken, saying so. Pure.
 */
export function decideCopy(conditions: SnapshotConditions): CopyDecision {
  if (conditions.unsupported) return { kind: 'dump', reason: 'unsupported', why: conditions.unsupported };
  if (conditions.unavailable) return { kind: 'dump', reason: 'unavailable', why: conditions.unavailable };
  if (conditions.slow && (conditions.mode ?? 'auto') === 'auto') return { kind: 'dump', reason: 'slow', why: conditions.slow };
  if (conditions.blockers.length > 0 && !conditions.mayTerminate) return { kind: 'dump', reason: 'blocked', blockers: conditions.blockers };
  return { kind: 'snapshot', terminate: conditions.blockers, ...(conditions.slow ? { slow: conditions.slow } : {}) };
}

/** Only sessions stand between the command and a snapshot, and a person at a terminal can be asked to end them. Pure. */
export function shouldAskToTerminate(conditions: SnapshotConditions): boolean {
  return conditions.mayAsk === true && !conditions.mayTerminate && !conditions.unsupported && !conditions.unavailable && conditions.blockers.length > 0;
}

/**
 * Whether a file backup taken instead of a snapshot says why. In "auto" an
 * engine that has no snapshots at all is not news on every guarded run (the
 * backup line already says a file was written); a reason that can change
 * (sessions, privilege, another server) is always said. Pure.
 */
export function fallbackIsSaid(mode: CopyMode, decision: Extract<CopyDecision, { kind: 'dump' }>): boolean {
  return !(mode === 'auto' && decision.reason === 'unsupported');
}
