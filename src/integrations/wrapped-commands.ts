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

/** Variables AI coding agents set in the shells they run (PRODUCT.md, "Consent"), for the shell-side DBSAFE=0 test. */
export const AGENT_VARIABLES: readonly string[] = ['CLAUDECODE', 'CLAUDE_CODE_ENTRYPOINT', 'CURSOR_AGENT', 'GEMINI_CLI', 'QWEN_CODE', 'OPENCODE', 'AUGMENT_AGENT', 'AI_AGENT', 'AGENT'];
/** Agents that announce themselves with any variable of a prefix (CODEX_*). */
export const AGENT_VARIABLE_PREFIXES: readonly string[] = ['CODEX_', 'CLINE_'];
