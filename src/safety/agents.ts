/**
 * Variables through which AI coding agents announce themselves (lists kept by
 * Prisma and the AWS CDK). A session showing one of these is not a person at
 * a keyboard, even with a pseudo-terminal.
 */
const AGENT_VARIABLES: readonly string[] = ['CLAUDECODE', 'CURSOR_AGENT', 'GEMINI_CLI', 'AI_AGENT', 'AGENT'];
const AGENT_VARIABLE_PREFIXES: readonly string[] = ['CODEX_', 'CLINE_'];

/** The variable that shows an AI agent is running this process, or null. */
export function detectAgent(env: Record<string, string | undefined>): string | null {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (AGENT_VARIABLES.includes(name) || AGENT_VARIABLE_PREFIXES.some((prefix) => name.startsWith(prefix))) return name;
  }
  return null;
}
