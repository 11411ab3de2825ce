import type { ProjectContext } from '../config/context.js';
import type { Target } from '../target/types.js';
import type { RuleKind } from '../rules/types.js';
import type { CopyMode } from '../store/copy-mode.js';

/** The production check's answer for a project, as `dbsafe check` gives it. */
export interface SafetyVerdict {
  refused: boolean;
  /** A one-off consent may let a refusal through; never for a configuration dbsafe cannot judge. */
  overridable: boolean;
  /** Why it refused: every rule that fired, each with its fix, ready to print; empty when safe. */
  explanation: string;
  /** The first reason in one line, for the consent prompt; null when safe. */
  summary: string | null;
  /** Short name of the (first) rule that refused, for the audit log. */
  rule: string | null;
  /** Safe, but the database does not exist yet (a command about to create it): run without a backup. */
  nothingToBackUp?: boolean;
}

/** A verified backup that now exists on disk. */
export interface BackupTaken {
  id: string;
  /** A snapshot on the database's server (`file` is then its descriptor). */
  snapshot?: boolean;
  /** Where a snapshot is kept, in words ("on the server", "beside the database file"). */
  kept?: string;
  file: string;
  sizeBytes: number;
  durationMs: number;
}

/**
 * What guarded execution needs from the rest of dbsafe: the production check
 * (src/safety) and the backup store (src/store). The CLI passes the real
 * modules (src/run/real-steps.ts), the one place they meet.
 */
export interface GuardSteps {
  judge(context: ProjectContext): Promise<SafetyVerdict>;
  /** `commandKind`: the kind of the rule that guarded the command (migration, test…), kept in the manifest for rotation. */
  backup(
    context: ProjectContext,
    target: Target,
    options: { label?: string; trigger: string; commandKind?: RuleKind | null; mode?: CopyMode; terminateConnections?: boolean; askAboutSessions?: boolean },
  ): Promise<BackupTaken>;
  restore(context: ProjectContext, target: Target, backup: BackupTaken): Promise<void>;
  /** Tell whoever the project configured (notify settings) that a command was refused; never throws. */
  notifyRefusal(context: ProjectContext, details: { database: string | null; message: string }): Promise<void>;
  /** Tell them a refusal was overridden by a one-off consent; never throws. */
  notifyOverride(context: ProjectContext, details: { database: string | null; message: string }): Promise<void>;
}
