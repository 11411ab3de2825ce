/**
 * How AI coding agents announce themselves in the environment of the commands
 * they run (lists kept by Prisma, the AWS CDK and Vercel's detect-agent). A new
 * agent is a new row. Any non-empty value counts, "0" and "false" included:
 * a harness does not set these to say "not an agent".
 */
interface AgentSignal {
  agent: string;
  /** An exact variable name, or a prefix ending in "_" for families such as CODEX_*. */
  variable: string;
  prefix?: true;
  /** Name the agent after the variable's value (AI_AGENT=<name>). */
  valueNamesAgent?: true;
}

export const AGENT_SIGNALS: readonly AgentSignal[] = [
  { agent: 'Claude Code', variable: 'CLAUDECODE' },
  { agent: 'Claude Code', variable: 'CLAUDE_CODE_ENTRYPOINT' },
  { agent: 'Cursor agent', variable: 'CURSOR_AGENT' },
  { agent: 'Gemini CLI', variable: 'GEMINI_CLI' },
  { agent: 'Qwen Code', variable: 'QWEN_CODE' },
  { agent: 'OpenCode', variable: 'OPENCODE' },
  { agent: 'Augment', variable: 'AUGMENT_AGENT' },
  { agent: 'Codex', variable: 'CODEX_', prefix: true },
  { agent: 'Cline', variable: 'CLINE_', prefix: true },
  { agent: 'AI agent', variable: 'AI_AGENT', valueNamesAgent: true },
  { agent: 'AI agent', variable: 'AGENT', valueNamesAgent: true },
];

export interface DetectedAgent {
  /** "Claude Code", or the value of AI_AGENT/AGENT. */
  name: string;
  /** The variable that gave it away. */
  variable: string;
}

/** The first agent the environment announces, or null. Pure. */
export function detectAgent(env: Record<string, string | undefined>): DetectedAgent | null {
  const names = Object.keys(env).filter((name) => (env[name] ?? '') !== '');
  for (const signal of AGENT_SIGNALS) {
    const variable = signal.prefix ? names.find((name) => name.startsWith(signal.variable)) : names.find((name) => name === signal.variable);
    if (variable === undefined) continue;
    return { name: signal.valueNamesAgent ? env[variable]! : signal.agent, variable };
  }
  return null;
}

export function describeAgent(agent: DetectedAgent): string {
  return `${agent.name} (${agent.variable})`;
}
