import { loadProjectContext } from '../config/context.js';
import { liveOps } from '../engines/registry.js';
import type { EnvironmentMarker } from '../engines/types.js';
import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { describeAgent, detectAgent } from '../consent/agents.js';
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
  const context = loadProjectContext(request);
  const target = context.targets.primary;
  if (!target) {
    const problem = context.targets.problems[0];
    throw new DbsafeError('mark-no-database', problem ? say.unusable(problem.message) : say.noDatabase, ExitCode.usage);
  }
  const ops = await liveOps(target.engine);
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
    if (current.marker === 'production') {
      const agent = detectAgent(request.env);
      if (agent) throw new DbsafeError('mark-agent', say.agentUnmark(describeAgent(agent)), ExitCode.refused);
      if (!request.interactive) throw new DbsafeError('mark-not-interactive', say.notTerminalUnmark, ExitCode.refused);
      const typed = await (request.confirm ?? promptForName)(say.confirmUnmark(target.database));
      if (typed.trim() !== target.database) throw new DbsafeError('mark-not-confirmed', say.confirmMismatch, ExitCode.refused);
    }
  }
  await ops.writeMarker(target, request.marker);
  const after = await ops.probe(target);
  if (after.marker !== request.marker) throw new DbsafeError('mark-not-confirmed', say.notConfirmed(target, after.marker ?? 'none'), ExitCode.failure);
  return say.marked(target, request.marker);
}
