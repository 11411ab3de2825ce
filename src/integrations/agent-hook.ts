import { allowAnswer, denyAnswer, HookInputError, parseToolCall, type HookAnswer } from './agent-protocol.js';
import type { AgentName } from './agents.js';
import { agentHookMessages } from './messages.js';

/** The two things the hook needs from the rest of dbsafe, behind a seam so the decision reads as one function. */
export interface AgentHookSteps {
  /** Would this shell command line, run in `cwd`, touch a database? */
  classify(command: string, cwd: string): Promise<{ guarded: boolean; reason: string }>;
  /** Check the environment and back up, as `dbsafe guard` does, for the agent's command: ok, or the reason it refused or failed. */
  guard(agent: AgentName, command: string, cwd: string): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/**
 * Answer one tool call. Commands that cannot touch a database are allowed
 * at once. For the others dbsafe fails closed: anything that goes wrong
 * (unreadable input, a classifier or guard crash) denies, because most
 * agents run the command when a hook crashes or answers unexpectedly.
 */
export async function answerToolCall(agent: AgentName, stdin: string, fallbackCwd: string, steps: AgentHookSteps): Promise<HookAnswer> {
  let call;
  try {
    call = parseToolCall(agent, stdin);
  } catch (error) {
    if (error instanceof HookInputError) return denyAnswer(agent, agentHookMessages.unreadableInput(error.message));
    throw error;
  }
  if (call.kind === 'other-tool') return allowAnswer(agent);
  const cwd = call.cwd ?? fallbackCwd;
  let verdict;
  try {
    verdict = await steps.classify(call.command, cwd);
  } catch (error) {
    return denyAnswer(agent, agentHookMessages.internalError(call.command, error));
  }
  if (!verdict.guarded) return allowAnswer(agent);
  try {
    const guarded = await steps.guard(agent, call.command, cwd);
    return guarded.ok ? allowAnswer(agent) : denyAnswer(agent, agentHookMessages.refused(call.command, guarded.reason));
  } catch (error) {
    return denyAnswer(agent, agentHookMessages.internalError(call.command, error));
  }
}
