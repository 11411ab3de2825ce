import { loadCommandContext, type ProjectContext } from '../config/context.js';
import { liveOps } from '../engines/registry.js';
import type { EnvironmentMarker } from '../engines/types.js';
import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { appendAuditEntry, auditContext, auditLogPath } from '../audit/log.js';
import type { AncestorProcess } from '../consent/ancestry.js';
import { describeAgent, detectAgentAnywhere, type DetectedAgent } from '../consent/agents.js';
import { describeTarget } from '../target/describe.js';
import { projectFacts } from './assess.js';
import { mergeEnvironment } from './environment.js';
import { judgeTargets } from './judge.js';
import { markMessages as say } from './mark-messages.js';

export interface MarkRequest {
  cwd: string;
  env: Record<string, string | undefined>;
  flagUrl?: string;
  marker: EnvironmentMarker;
  /** stdin is a terminal: a person can be asked to confirm. */
  interactive: boolean;
  /** Asks the person to type the database name; defaults to a prompt on the terminal. */
  confirm?: (question: string) => Promise<string>;
  /** The processes above this one, for the agent check; read from the system unless given. */
  ancestry?: () => readonly AncestorProcess[];
  /** Tells the configured notification that a production marker was removed; the real one unless given. */
  notifyUnmarked?: (context: ProjectContext, details: { database: string; message: string }) => Promise<void>;
}

async function sendUnmarked(context: ProjectContext, details: { database: string; message: string }): Promise<void> {
  const { sendNotification } = await import('../notify/send.js');
  await sendNotification(context, 'unmarked', details);
}

async function promptForName(question: string): Promise<string> {
  const { default: prompts } = await import('prompts');
  const answer = (await prompts({ type: 'text', name: 'name', message: question })) as { name?: string };
  return answer.name ?? '';
}

/**
 * `dbsafe mark`: stamp the environment inside the database. Marking
 * production is always allowed (it only makes dbsafe stricter). Marking
 * development is refused for a database the static rules judge production,
 * and removing an existing production marker needs a person at a terminal.
 */
export async function markDatabase(request: MarkRequest): Promise<string> {
  const context = await loadCommandContext(request);
  const target = context.targets.primary;
  if (!target) {
    const problem = context.targets.problems[0];
    throw new DbsafeError('mark-no-database', problem ? say.unusable(problem.message) : say.noDatabase, ExitCode.usage);
  }
  const ops = await liveOps(target.engine);
  const auditFile = auditLogPath(context.projectRoot, context.config.config.backupDir);
  const audit = (decision: 'marked' | 'unmarked' | 'refused', rule: string, agent: DetectedAgent | null): void =>
    appendAuditEntry(auditFile, {
      time: new Date().toISOString(),
      operation: `mark ${request.marker}`,
      decision,
      rule,
      target: describeTarget(target),
      command: `dbsafe mark ${request.marker}`,
      backupId: null,
      exitCode: decision === 'refused' ? ExitCode.refused : ExitCode.ok,
      durationMs: 0,
      ...auditContext(request.cwd, request.env),
      agent: agent ? describeAgent(agent) : null,
    });
  let unmarking = false;
  if (request.marker === 'development') {
    const verdict = judgeTargets({
      targets: [target],
      problems: [],
      variables: mergeEnvironment(context.env, context.dotenv),
      config: context.config.config,
      project: await projectFacts(context),
    });
    const refusals = verdict.reasons.filter((r) => r.severity === 'refused');
    if (refusals.length > 0) throw new DbsafeError('mark-refused', say.refusedDevelopment(target, refusals.map((r) => r.message)), ExitCode.refused);
    const current = await ops.probe(target);
    unmarking = current.marker === 'production';
    if (unmarking) {
      const agent = detectAgentAnywhere(request.env, request.ancestry);
      const refuse = (code: string, message: string, rule: string): never => {
        try {
          audit('refused', rule, agent);
        } catch {
          // The refusal stands whether or not it could be recorded.
        }
        throw new DbsafeError(code, message, ExitCode.refused);
      };
      if (agent) refuse('mark-agent', say.agentUnmark(describeAgent(agent)), `agent detected: ${describeAgent(agent)}`);
      if (!request.interactive) refuse('mark-not-interactive', say.notTerminalUnmark, 'not a terminal');
      const typed = await (request.confirm ?? promptForName)(say.confirmUnmark(target.database));
      if (typed.trim() !== target.database) refuse('mark-not-confirmed', say.confirmMismatch, 'confirmation mistyped');
      // Audited first: an un-marking that cannot be recorded is not done.
      try {
        audit('unmarked', 'production marker replaced by development', null);
      } catch (error) {
        throw new DbsafeError('mark-unaudited', say.unaudited(auditFile, (error as Error).message), ExitCode.failure);
      }
    }
  }
  await ops.writeMarker(target, request.marker);
  const after = await ops.probe(target);
  if (after.marker !== request.marker) throw new DbsafeError('mark-not-confirmed', say.notConfirmed(target, after.marker ?? 'none'), ExitCode.failure);
  if (unmarking) await (request.notifyUnmarked ?? sendUnmarked)(context, { database: describeTarget(target), message: say.unmarkedNotice(target) });
  else {
    try {
      audit('marked', `marked ${request.marker}`, null);
    } catch {
      // Marking production only makes dbsafe stricter: it stands even when it could not be recorded.
    }
  }
  return say.marked(target, request.marker);
}
