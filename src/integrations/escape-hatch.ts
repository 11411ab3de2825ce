import { AGENT_VARIABLE_PREFIXES, AGENT_VARIABLES } from './wrapped-commands.js';

/**
 * DBSAFE=0 turns the integrations (hooks, shell functions, shims) off for a
 * person who needs them out of the way; an AI agent's session cannot use it
 * (PRODUCT.md, "Consent").
 */
export function integrationsDisabled(env: Record<string, string | undefined>): boolean {
  if (env.DBSAFE !== '0') return false;
  const agent = AGENT_VARIABLES.some((name) => (env[name] ?? '') !== '') || Object.keys(env).some((name) => AGENT_VARIABLE_PREFIXES.some((prefix) => name.startsWith(prefix)));
  return !agent;
}
