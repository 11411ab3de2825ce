import type { AuditEntry } from '../audit/entry.js';
import { newestFirst, type Manifest } from './manifest.js';

/**
 * What `dbsafe undo` can go back to: the copies taken just before a guarded
 * command (by `dbsafe run`, `dbsafe guard`, the agent hook, the pre-push
 * hook) and the safety copies a restore or an undo kept — so undoing an undo
 * is the same step again. Manual and scheduled backups are not "just before"
 * anything and are left to `dbsafe restore`. Pure.
 */
export interface UndoStep {
  /** The copy that puts the database back. */
  manifest: Manifest;
  /** What ran after the copy was taken: the guarded command, or the restore. */
  what: string;
  when: string;
  /** A person ("alice"), an agent ("agent Claude Code, as alice"), or unknown. */
  who: string;
  /** The command's exit code, when the audit log has it. */
  exitCode: number | null;
}

const RESTORE_TRIGGER = /^pre-restore(?: \(before restoring (.+)\))?$/;
const GUARDED_TRIGGER = /^(dbsafe run|dbsafe guard|agent [^:]+): ([\s\S]+)$/;

function whoFrom(entry: AuditEntry | undefined, caller: string | null): string {
  const agent = entry?.agent ?? (caller?.startsWith('agent ') ? caller.slice('agent '.length) : null);
  const user = entry?.user ?? null;
  if (agent) return `agent ${agent}${user ? `, as ${user}` : ''}`;
  return user ?? 'unknown (no audit line)';
}

/** The undo steps of one database, newest first. */
export function undoSteps(manifests: readonly Manifest[], audit: readonly AuditEntry[], database: Pick<Manifest, 'engine' | 'location' | 'database'>): UndoStep[] {
  const byBackup = new Map<string, AuditEntry>();
  for (const entry of audit) for (const id of entry.backupId?.split(',') ?? []) byBackup.set(id, entry);
  return manifests
    .filter((m) => m.engine === database.engine && m.location === database.location && m.database === database.database)
    .sort(newestFirst)
    .flatMap((manifest): UndoStep[] => {
      const restore = RESTORE_TRIGGER.exec(manifest.trigger);
      if (restore) {
        // A file restore's safety backup names what was restored in its label.
        const restored = restore[1] ?? /^before restoring (.+)$/.exec(manifest.label ?? '')?.[1];
        return [{ manifest, what: restored ? `the restore of ${restored}` : 'a restore', when: manifest.createdAt, who: 'dbsafe restore / undo', exitCode: null }];
      }
      const guarded = GUARDED_TRIGGER.exec(manifest.trigger);
      if (!guarded) return [];
      const entry = byBackup.get(manifest.id);
      return [{ manifest, what: entry?.command ?? guarded[2]!, when: entry?.time ?? manifest.createdAt, who: whoFrom(entry, guarded[1]!), exitCode: entry?.exitCode ?? null }];
    });
}

/** The step `undo` takes: the newest, or the one whose id was named. */
export function pickUndoStep(steps: readonly UndoStep[], id: string | undefined): UndoStep | null {
  if (id === undefined) return steps[0] ?? null;
  return steps.find((step) => step.manifest.id === id) ?? null;
}
