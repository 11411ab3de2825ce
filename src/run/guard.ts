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
import { backupKindOf } from '../store/rotation.js';
import type { Classification } from '../rules/types.js';
import { classifyGuardedLine, gatherJudgeUnits, type JudgeUnit } from './command-targets.js';
import { targetFingerprint } from './fingerprint.js';
import { runMessages } from './messages.js';
import { commandTargetMessages } from './command-target-messages.js';
import { claimAgentHookGuard, enterGuard, findEnclosingGuard, GUARD_MARKER, guardedWords, type EnclosingGuard } from './nesting.js';
import type { BackupTaken, GuardSteps, SafetyVerdict } from './steps.js';
import type { CopyMode } from '../store/copy-mode.js';

export interface GuardRequest {
  operation: 'run' | 'guard';
  /** What consent is bound to: CMD for run, the dbsafe invocation for guard. */
  argv: readonly string[];
  /**
   * The command being guarded, as written: a shell line (the agent hook: the
   * agent's command) or an argv (`dbsafe run`: CMD; a lifecycle `dbsafe
   * guard`: `npm run test`). The audit log and the backup's trigger show it,
   * and the databases it names are judged too. Absent: `argv` for run,
   * nothing but the project for a bare `dbsafe guard`.
   */
  commandLine?: string | readonly string[];
  /** Who asks, when not the person at the terminal: "agent Claude Code". Shown as the audit operation and in the backup's trigger. */
  caller?: string;
  /** The command line's classification when the caller already made it (`dbsafe run` decides with it first): never made twice. */
  classification?: Classification;
  cwd: string;
  env: Record<string, string | undefined>;
  flagUrl?: string;
  label?: string;
  /** --mode: snapshot, dump or auto; absent: the project's "mode" setting. */
  mode?: CopyMode;
  /** --terminate-connections: a person's consent to end sessions that block a snapshot (never given for an agent). */
  terminateConnections?: boolean;
  /** "unless-nested": skip the backup when an enclosing dbsafe run already took one of this database. */
  backup: 'unless-nested' | 'always' | 'never';
}

/** One database the command uses, judged safe (or let through by consent), and its backup if one was taken. */
export interface GuardedTarget {
  context: ProjectContext;
  target: Target;
  backup: BackupTaken | null;
  /** Safe, but the database does not exist yet (the command is about to create it): nothing to back up. */
  nothingToBackUp: boolean;
}

export type GuardResult =
  | { kind: 'stopped'; exitCode: number }
  | {
      kind: 'ready';
      /** The first database guarded (the project's, when the command names no other). */
      context: ProjectContext;
      target: Target;
      backup: BackupTaken | null;
      /** Every database guarded, each once. */
      guarded: GuardedTarget[];
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

/** A unit's verdict: the production check's, or a refusal for what dbsafe could not tell. */
interface JudgedUnit {
  unit: JudgeUnit;
  context: ProjectContext | null;
  target: Target | null;
  verdict: SafetyVerdict;
}

function unknownVerdict(reason: string): SafetyVerdict {
  return { refused: true, overridable: false, explanation: reason, summary: reason, rule: 'target-unknown' };
}

async function judgeUnit(unit: JudgeUnit, steps: GuardSteps): Promise<JudgedUnit> {
  if (unit.kind === 'unknown') return { unit, context: null, target: null, verdict: unknownVerdict(unit.reason) };
  const target = unit.context.targets.primary;
  const verdict = await steps.judge(unit.context);
  if (target) return { unit, context: unit.context, target, verdict };
  // No database at all: fail closed whatever else the check said.
  const explanation = verdict.explanation !== '' ? verdict.explanation : runMessages.noTarget();
  return { unit, context: unit.context, target: null, verdict: { ...verdict, refused: true, overridable: false, explanation, rule: verdict.rule ?? 'no-database' } };
}

function callerProject(request: GuardRequest): ProjectContext | null {
  try {
    return loadProjectContext({ cwd: request.cwd, env: request.env });
  } catch {
    return null;
  }
}

/** Every refused unit's reasons, each under the name of what named its database when there are several. */
function refusalText(judged: readonly JudgedUnit[], refused: readonly JudgedUnit[], forCommand: boolean): string {
  // `dbsafe check` shows the databases of the project with no command: for a command (its .env.test, its framework's files), `check -- <command>`.
  const withoutPointer = (text: string) => text.split('\n').filter((line) => !line.includes('Run `dbsafe check`')).join('\n');
  if (judged.length === 1 && judged[0]!.unit.label === 'this project') return forCommand ? `${withoutPointer(refused[0]!.verdict.explanation)}\n${commandTargetMessages.whereToLook}` : refused[0]!.verdict.explanation;
  const parts = refused.map((j) => `${commandTargetMessages.unitHeader(j.unit.label)}\n${withoutPointer(j.verdict.explanation)}`);
  return [...parts, commandTargetMessages.whereToLook].join('\n');
}

/**
 * Check, take consent into account, back up: everything `dbsafe run` and
 * `dbsafe guard` do before (or instead of) running a command. Every database
 * the command uses is judged (the project's, and those the command line
 * names: assignments, client arguments, the directory it runs in); the
 * strictest verdict wins and each safe database is backed up once. Every way
 * out is audited; refusals and failures print their reason and leave with 3 / 4.
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

  let units: JudgeUnit[];
  let classification: Classification | null;
  try {
    classification = request.classification ?? (await classifyGuardedLine(request));
    units = await gatherJudgeUnits({ ...request, classification });
  } catch (error) {
    if (!isDbsafeError(error)) throw error;
    printFailure(runMessages.configUnusable(error.message));
    return { kind: 'stopped', exitCode: ExitCode.refused };
  }
  const firstContext = units.find((unit) => unit.kind === 'judge')?.context;
  // The audit log of the first project judged; when dbsafe could judge none, the caller's project.
  const auditProject = firstContext ?? callerProject(request);
  const projectAuditLog = auditProject ? auditLogPath(auditProject.projectRoot, auditProject.config.config.backupDir) : null;
  // Outside every project dbsafe writes nothing: no audit log, no backup directory.
  const outsideProject = (context: ProjectContext) => !context.optedIn && !isProjectDirectory(context.projectRoot);
  if (auditProject && !outsideProject(auditProject)) auditFile = projectAuditLog;

  let judged: JudgedUnit[];
  try {
    judged = await Promise.all(units.map((unit) => judgeUnit(unit, steps)));
  } catch (error) {
    printFailure(runMessages.checkFailed(error instanceof Error ? error.message : String(error)));
    audit({ decision: 'refused', rule: 'check-failed', target: firstContext?.targets.primary ? describeTarget(firstContext.targets.primary) : null, backupId: null, exitCode: ExitCode.refused });
    return { kind: 'stopped', exitCode: ExitCode.refused };
  }
  const targetsText = (list: readonly JudgedUnit[]) => [...new Set(list.flatMap((j) => (j.target ? [describeTarget(j.target)] : [])))].join('; ') || null;
  const refusedUnits = judged.filter((j) => j.verdict.refused);
  let overrideCode: string | null = null;
  let withinOverride: EnclosingGuard | null = null;
  if (refusedUnits.length > 0) {
    const deciding = refusedUnits[0]!;
    const fingerprint = targetFingerprint(deciding.target);
    // One consent covers exactly these refused databases: the binding names every one of them.
    const binding = consentBinding({ argv: request.argv, target: refusedUnits.map((j) => targetFingerprint(j.target)).join('+'), cwd: request.cwd });
    // A one-off consent answers production indicators only, and only when every refused database is one it can name.
    const overridable = refusedUnits.every((j) => j.target !== null && j.verdict.overridable);
    const grant = overridable ? consumeConsent(request.env, binding) : null;
    const enclosing = overridable ? findEnclosingGuard(request.env, fingerprint) : null;
    const rule = deciding.verdict.rule ?? (deciding.target ? 'refused' : 'no-database');
    const targetText = targetsText(refusedUnits);
    if (grant) {
      overrideCode = grant.code;
      say(runMessages.overrideUsed(grant.code));
      // Every override is loud: the team hears of it, a forged one included.
      await steps.notifyOverride(deciding.context!, { database: targetText, message: `${runMessages.overrideHeader(request.operation, command)} ${deciding.verdict.summary ?? rule}` });
    } else if (enclosing?.override) {
      withinOverride = enclosing;
      say(runMessages.withinOverride(enclosing.pid));
    } else {
      printFailure(`${runMessages.refusedHeader(request.operation, command)}\n${refusalText(judged, refusedUnits, classification !== null)}`);
      if (overridable) {
        const consent = consentForRefusal(request.env, {
          binding,
          command,
          target: targetText!,
          confirmWord: databaseName(deciding.target!),
          cwd: request.cwd,
          reason: deciding.verdict.summary ?? rule,
          auditLog: projectAuditLog ?? auditLogPath(deciding.context!.projectRoot, deciding.context!.config.config.backupDir),
        });
        process.stderr.write(`${consent.instructions}\n`);
        // The audit line names an agent found only among the ancestors too.
        base.agent = consent.agent;
      }
      audit({ decision: 'refused', rule, target: targetText, backupId: null, exitCode: ExitCode.refused });
      // Someone, or an agent, aimed a guarded command at what looks like production: worth telling the team.
      if (overridable) await steps.notifyRefusal(deciding.context!, { database: targetText, message: `${runMessages.refusedHeader(request.operation, command)} ${deciding.verdict.summary ?? rule}` });
      return { kind: 'stopped', exitCode: ExitCode.refused };
    }
  }
  const override = overrideCode !== null || withinOverride !== null;
  const refusedBy = refusedUnits[0]?.verdict.rule ?? 'refused';
  const rule = overrideCode ? `override ${overrideCode} of ${refusedBy}` : withinOverride ? `${refusedBy}, within the consented run of pid ${withinOverride.pid}` : null;

  // Each database once, in the order the command names them.
  const guarded: GuardedTarget[] = [];
  const fingerprints: string[] = [];
  for (const j of judged) {
    const fingerprint = targetFingerprint(j.target);
    if (!j.target || !j.context || fingerprints.includes(fingerprint)) continue;
    fingerprints.push(fingerprint);
    guarded.push({ context: j.context, target: j.target, backup: null, nothingToBackUp: j.verdict.nothingToBackUp === true });
  }
  const targetText = targetsText(judged);
  // Retention keeps the newest backup taken before a migration, seed or reset: the kind of the rule that guarded the command.
  const commandKind = classification ? backupKindOf(classification.segments.filter((s) => s.guarded).map((s) => s.kind)) : null;
  for (const entry of guarded) {
    const name = databaseName(entry.target);
    const fingerprint = targetFingerprint(entry.target);
    const enclosing = findEnclosingGuard(request.env, fingerprint);
    const nested = enclosing !== null && request.backup === 'unless-nested';
    // The agent hook already backed this database up for the agent's command this run belongs to.
    const byAgentHook = !nested && request.backup === 'unless-nested' ? claimAgentHookGuard(request.env, fingerprint, guardedWords(request.commandLine)) : null;
    if (request.backup === 'never') say(runMessages.backupSkipped(name));
    else if (outsideProject(entry.context)) {
      printFailure(runMessages.outsideProject(entry.context.cwd));
      return { kind: 'stopped', exitCode: ExitCode.refused };
    } else if (entry.nothingToBackUp) say(runMessages.nothingToBackUp(name));
    else if (nested) say(runMessages.alreadyBackedUp(name, enclosing.pid));
    else if (byAgentHook) say(runMessages.backedUpByAgentHook(name, byAgentHook));
    else {
      try {
        entry.backup = await steps.backup(entry.context, entry.target, { label: request.label, trigger: `${request.caller ?? `dbsafe ${request.operation}`}: ${command}`,
          commandKind,
          ...(request.mode ? { mode: request.mode } : {}),
          terminateConnections: request.terminateConnections === true && agent === null,
          // An agent's command is never a reason to end someone's session, nor to ask about it.
          askAboutSessions: agent === null && request.caller === undefined,
        });
      } catch (error) {
        // Whatever went wrong, no verified backup exists, so the command must not start.
        printFailure(runMessages.backupFailed(error instanceof Error ? error.message : String(error)));
        audit({ decision: 'backup-failed', rule: isDbsafeError(error) ? error.code : 'backup-error', target: targetText, backupId: null, exitCode: ExitCode.backupFailed });
        return { kind: 'stopped', exitCode: ExitCode.backupFailed };
      }
      say(runMessages.backedUp(name, entry.backup, request.cwd));
    }
  }

  const markers: Array<{ marker: string; leave: () => void }> = [];
  let markerEnv = request.env;
  for (const fingerprint of fingerprints) {
    const entered = enterGuard(markerEnv, fingerprint, override);
    markers.push(entered);
    markerEnv = { ...markerEnv, [GUARD_MARKER]: entered.marker };
  }
  const backups = guarded.flatMap((entry) => (entry.backup ? [entry.backup] : []));
  const nothingToBackUp = guarded.length > 0 && guarded.every((entry) => entry.nothingToBackUp);
  const decision = override ? 'override' : backups.length > 0 ? 'allowed' : nothingToBackUp ? 'nothing-to-back-up' : 'checked-only';
  const first = guarded[0]!;
  return {
    kind: 'ready',
    context: first.context,
    target: first.target,
    backup: first.backup,
    guarded,
    childEnv: { ...request.env, [GUARD_MARKER]: markerEnv[GUARD_MARKER] },
    finish: ({ exitCode }) => {
      for (const entered of markers) entered.leave();
      audit({ decision, rule: rule ?? (nothingToBackUp ? 'database-missing' : null), target: targetText, backupId: backups.map((b) => b.id).join(',') || null, exitCode });
    },
  };
}
