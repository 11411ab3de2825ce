import { isDbsafeError } from '../errors.js';
import { describeAgent, detectAgentAnywhere } from './agents.js';
import { isExecutable } from '../executable.js';
import { dbsafeInvocation } from './invocation.js';
import { consentInstructions, storeMessages } from './messages.js';
import { issueConsentRequest, type ConsentRequest } from './store.js';

/**
 * For a refusal a human may override: record the request and return what to
 * print under it, and the agent detected (for the audit line). The agent check reads the process ancestry (here, where a
 * refusal already costs a database check, not on every start-up): an agent
 * that unset its variables still gets the instructions without a code.
 */
export function consentForRefusal(
  env: Record<string, string | undefined>,
  request: Omit<ConsentRequest, 'code' | 'issuedAt' | 'expiresAt' | 'agent'>,
): { instructions: string; agent: string | null } {
  const detected = detectAgentAnywhere(env);
  const agent = detected ? describeAgent(detected) : null;
  try {
    const issued = issueConsentRequest(env, { ...request, agent });
    return { instructions: consentInstructions(issued, detected, dbsafeInvocation(env.PATH, isExecutable)), agent };
  } catch (error) {
    if (!isDbsafeError(error)) throw error;
    return { instructions: storeMessages.noConsentPossible(error.message), agent };
  }
}
