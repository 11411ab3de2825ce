import { isDbsafeError } from '../errors.js';
import { describeAgent, detectAgentAnywhere } from './agents.js';
import { dbsafeInvocation, isExecutableFile } from './invocation.js';
import { consentInstructions, storeMessages } from './messages.js';
import { issueConsentRequest, type ConsentRequest } from './store.js';

/**
 * For a refusal a human may override: record the request and return what to
 * print under it. The agent check reads the process ancestry (here, where a
 * refusal already costs a database check, not on every start-up): an agent
 * that unset its variables still gets the instructions without a code.
 */
export function consentForRefusal(env: Record<string, string | undefined>, request: Omit<ConsentRequest, 'code' | 'issuedAt' | 'expiresAt' | 'agent'>): string {
  const agent = detectAgentAnywhere(env);
  try {
    const issued = issueConsentRequest(env, { ...request, agent: agent ? describeAgent(agent) : null });
    return consentInstructions(issued, agent, dbsafeInvocation(env.PATH, isExecutableFile));
  } catch (error) {
    if (!isDbsafeError(error)) throw error;
    return storeMessages.noConsentPossible(error.message);
  }
}
