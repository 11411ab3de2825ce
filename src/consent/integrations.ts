import type { AncestorProcess } from './ancestry.js';
import { describeAgent, detectAgentAnywhere } from './agents.js';

export interface IntegrationsSwitch {
  /** True: shell functions, shims and hooks should step aside and run the command directly. */
  disabled: boolean;
  /** Why, in words, for the audit log ("DBSAFE=0 set by the user" / "DBSAFE=0 ignored: …"); null when DBSAFE is not set to 0. */
  reason: string | null;
}

/**
 * `DBSAFE=0` lets a person get the integrations out of the way. It never
 * touches `dbsafe run`/`check` verdicts, and it is ignored when an agent is
 * detected, by its variables or as an ancestor process: an agent that learned
 * the variable (and unset its own) must not switch the guard off. The
 * ancestry is read only when DBSAFE=0 is set. The caller logs `reason` to the
 * audit log. Pure when `ancestry` is given.
 */
export function integrationsDisabled(env: Record<string, string | undefined>, ancestry?: () => readonly AncestorProcess[]): IntegrationsSwitch {
  if (env.DBSAFE !== '0') return { disabled: false, reason: null };
  const agent = detectAgentAnywhere(env, ancestry);
  if (agent) return { disabled: false, reason: `DBSAFE=0 ignored: an AI agent is running this command (${describeAgent(agent)})` };
  return { disabled: true, reason: 'DBSAFE=0: integrations switched off by the user' };
}
