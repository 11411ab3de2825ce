import { appendAuditEntry, auditContext, auditLogPath, isProjectDirectory } from '../audit/log.js';
import type { AuditEntry } from '../audit/entry.js';
import { printFailure } from '../cli/output.js';
import { loadProjectContext, type ProjectContext } from '../config/context.js';
import { describeAgent, detectAgent } from '../consent/agents.js';
import { consentBinding } from '../consent/code.js';
import { consentForRefusal } from '../consent/refusal.js';
import { consumeConsent } from '../consent/store.js';
import { isDbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { printable } from '../printable.js';
import { describeTarget } from '../target/describe.js';
import type { Target } from '../target/types.js';
import { commandForDisplay } from './command-text.js';
import { targetFingerprint } from './fingerprint.js';
import { runMessages } from './messages.js';
import { claimAgentHookGuard, enterGuard, findEnclosingGuard, GUARD_MARKER, guardedWords } from './nesting.js';
import type { BackupTaken, GuardSteps, SafetyVerdict } from './steps.js';

export interface GuardRequest {
  operation: 'run' | 'guard';
  /** What consent is bound to: CMD for run, the dbsafe invocation for guard. */
  argv: readonly string[];
  /**
   * The command being guarded, as written: a shell line (the agent hook: the
   * agent's command) or an argv (`dbsafe run`: CMD; a lifecycle `dbsafe
   * guard`: `npm run test`). The audit log and the backup's trigger show it;
   * the targets it names are judged too. Absent for a bare `dbsafe guard`.
   */
  commandLine?: string | readonly string[];
  /** Who asks, when not the person at the terminal: "agent Claude Code". Shown as the audit operation and in the backup's trigger. */
  caller?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  flagUrl?: string;
  label?: string;
  /** "unless-nested": skip the backup when an enclosing dbsafe run already took one of this database. */
  backup: 'unless-nested' | 'always' | 'never';
}

export type GuardResult =
  | { kind: 'stopped'; exitCode: number }
  | {
      kind: 'ready';
      context: ProjectContext;
      target: Target;
      backup: BackupTaken | null;
      /** The environment for the command: the caller's, plus this guard's marker. */
      childEnv: Record<string, string | undefined>;
      /** Record the outcome (one audit line) and release the guard marker. */
      finish(outcome: { exitCode: number }): void;
    };

function say(line: string): void {
  process.stderr.write(`dbsafe: ${printable(line, { lineBreaks: true })}\n`);
}

/** The short name the backup line and the confirmation prompt use: the database, or the SQLite file's name. */
export function databaseName(target: Target): string {
  return target.engine === 'sqlite' ? (target.database.split('/').pop() ?? target.database) : target.database;
}

/**
 * Check, take consent into account, back up: everything `dbsafe run` and
 * `dbsafe guard` do before (or instead of) running a command. Every way out
 * is audited; refusals and failures print their reason and leave with 3 / 4.
 */
export async function guardOperation(request: GuardRequest, steps: GuardSteps): Promise<GuardResult> {
  const started = Date.now();
  const agent = detectAgent(request.env);
  const command = commandForDisplay(request.commandLine ?? request.argv);
  const base = { time: new Date(started).toISOString(), operation: request.caller ?? request.operation, command, agent: agent ? describeAgent(agent) : null, ...auditContext(request.cwd, request.env) };
  let auditFile: string | null = null;
  const audit = (fields: Pick<AuditEntry, 'decision' | 'rule' | 'target' | 'backupId' | 'exitCode'>): void => {
    if (!auditFile) return;
    try {
      appendAuditEntry(auditFile, { ...base, ...fields, durationMs: Date.now() - started });
    } catch (error) {
      say(runMessages.auditFailed(auditFile, (error as Error).message));
    }
  };

  let context: ProjectContext;
  try {
    context = loadProjectContext({ cwd: request.cwd, env: request.env, flagUrl: request.flagUrl });
  } catch (error) {
    if (!isDbsafeError(error)) throw error;
    printFailure(runMessages.configUnusable(error.message));
    return { kind: 'stopped', exitCode: ExitCode.refused };
  }
  const projectAuditLog = auditLogPath(context.projectRoot, context.config.config.backupDir);
  const outsideProject = !context.optedIn && !isProjectDirectory(context.projectRoot);
  auditFile = outsideProject ? null : projectAuditLog;
  const target = context.targets.primary;
  const targetText = target ? describeTarget(target) : null;
  const fingerprint = targetFingerprint(target);
  const enclosing = findEnclosingGuard(request.env, fingerprint);

  let verdict: SafetyVerdict;
  try {
    verdict = await steps.judge(context);
  } catch (error) {
    printFailure(runMessages.checkFailed(error instanceof Error ? error.message : String(error)));
    audit({ decision: 'refused', rule: 'check-failed', target: targetText, backupId: null, exitCode: ExitCode.refused });
    return { kind: 'stopped', exitCode: ExitCode.refused };
  }
  const explanation = target || verdict.explanation !== '' ? verdict.explanation : runMessages.noTarget();
  const refused = verdict.refused || !target;
  let overrideCode: string | null = null;
  if (refused) {
    const binding = consentBinding({ argv: request.argv, target: fingerprint, cwd: request.cwd });
    const overridable = target !== null && verdict.overridable;
    const grant = overridable ? consumeConsent(request.env, binding) : null;
    const rule = verdict.rule ?? (target ? 'refused' : 'no-database');
    if (grant) {
      overrideCode = grant.code;
      say(runMessages.overrideUsed(grant.code));
      // Every override is loud: the team hears of it, a forged one included.
      await steps.notifyOverride(context, { database: targetText, message: `${runMessages.overrideHeader(request.operation, command)} ${verdict.summary ?? rule}` });
    } else if (enclosing?.override && overridable) {
      say(runMessages.withinOverride(enclosing.pid));
    } else {
      printFailure(`${runMessages.refusedHeader(request.operation, command)}\n${explanation}`);
      if (overridable) {
        const consent = consentForRefusal(request.env, {
          binding,
          command,
          target: targetText!,
          confirmWord: databaseName(target),
          cwd: request.cwd,
          reason: verdict.summary ?? rule,
          auditLog: projectAuditLog,
        });
        process.stderr.write(`${consent.instructions}\n`);
        // The audit line names an agent found only among the ancestors too.
        base.agent = consent.agent;
      }
      audit({ decision: 'refused', rule, target: targetText, backupId: null, exitCode: ExitCode.refused });
      // Someone, or an agent, aimed a guarded command at what looks like production: worth telling the team.
      if (overridable) await steps.notifyRefusal(context, { database: targetText, message: `${runMessages.refusedHeader(request.operation, command)} ${verdict.summary ?? rule}` });
      return { kind: 'stopped', exitCode: ExitCode.refused };
    }
  }
  const safeTarget = target!;
  const name = databaseName(safeTarget);
  const override = overrideCode !== null || (refused && enclosing?.override === true);
  const refusedBy = verdict.rule ?? 'refused';
  const rule = overrideCode ? `override ${overrideCode} of ${refusedBy}` : refused ? `${refusedBy}, within the consented run of pid ${enclosing!.pid}` : null;

  let backup: BackupTaken | null = null;
  const nested = enclosing !== null && request.backup === 'unless-nested';
  // The agent hook already backed this database up for the agent's command this run belongs to.
  const byAgentHook = !nested && request.backup === 'unless-nested' ? claimAgentHookGuard(request.env, fingerprint, guardedWords(request.commandLine)) : null;
  if (request.backup === 'never') say(runMessages.backupSkipped(name));
  else if (verdict.nothingToBackUp) say(runMessages.nothingToBackUp(name));
  else if (nested) say(runMessages.alreadyBackedUp(name, enclosing.pid));
  else if (byAgentHook) say(runMessages.backedUpByAgentHook(name, byAgentHook));
  else if (outsideProject) {
    printFailure(runMessages.outsideProject(request.cwd));
    return { kind: 'stopped', exitCode: ExitCode.refused };
  } else {
    try {
      backup = await steps.backup(context, safeTarget, { label: request.label, trigger: `${request.caller ?? `dbsafe ${request.operation}`}: ${command}`, command: request.commandLine ?? request.argv, cwd: request.cwd });
    } catch (error) {
      // Whatever went wrong, no verified backup exists, so the command must not start.
      printFailure(runMessages.backupFailed(error instanceof Error ? error.message : String(error)));
      audit({ decision: 'backup-failed', rule: isDbsafeError(error) ? error.code : 'backup-error', target: targetText, backupId: null, exitCode: ExitCode.backupFailed });
      return { kind: 'stopped', exitCode: ExitCode.backupFailed };
    }
    say(runMessages.backedUp(name, backup, request.cwd));
  }

  const guard = enterGuard(request.env, fingerprint, override);
  const decision = override ? 'override' : backup ? 'allowed' : verdict.nothingToBackUp ? 'nothing-to-back-up' : 'checked-only';
  return {
    kind: 'ready',
    context,
    target: safeTarget,
    backup,
    childEnv: { ...request.env, [GUARD_MARKER]: guard.marker },
    finish: ({ exitCode }) => {
      guard.leave();
      audit({ decision, rule: rule ?? (verdict.nothingToBackUp ? 'database-missing' : null), target: targetText, backupId: backup?.id ?? null, exitCode });
    },
  };
}
