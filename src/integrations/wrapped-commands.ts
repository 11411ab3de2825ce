import { AGENT_SIGNALS } from '../consent/agents.js';
import { shellPrefilter } from '../rules/prefilter.js';
import type { WordPrefilter } from './shell-prefilter.js';

/**
 * The command words the shell functions and shims wrap, with the rules'
 * cheap argument test (src/rules/prefilter.ts): the classifier behind
 * `dbsafe run` decides for real; the filter only has to never miss a call
 * that can touch a database.
 */
export function shellFilters(): WordPrefilter[] {
  return shellPrefilter();
}

/** Variables AI coding agents set in the shells they run (src/consent/agents.ts), for the shell-side DBSAFE=0 test. */
export const AGENT_VARIABLES: readonly string[] = AGENT_SIGNALS.filter((signal) => !signal.prefix).map((signal) => signal.variable);
/** Agents that announce themselves with any variable of a prefix (CODEX_*). */
export const AGENT_VARIABLE_PREFIXES: readonly string[] = AGENT_SIGNALS.filter((signal) => signal.prefix).map((signal) => signal.variable);
