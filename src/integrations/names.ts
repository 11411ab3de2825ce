/**
 * The agents and shells dbsafe integrates with, by name only: a leaf module,
 * so that `agent-hook` and the messages can name them without loading the
 * install code behind each (see agents.ts and shells.ts for that).
 */
export const AGENT_NAMES = ['claude', 'codex', 'cursor', 'gemini'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export function isAgentName(name: string): name is AgentName {
  return (AGENT_NAMES as readonly string[]).includes(name);
}

/** How the audit log and a backup's trigger name each agent ("agent Claude Code: npm test"). */
export const AGENT_LABELS: Record<AgentName, string> = {
  claude: 'Claude Code',
  codex: 'Codex',
  cursor: 'Cursor',
  gemini: 'Gemini CLI',
};

export const SHELL_NAMES = ['bash', 'zsh', 'fish'] as const;
export type ShellName = (typeof SHELL_NAMES)[number];

export function isShellName(name: string): name is ShellName {
  return (SHELL_NAMES as readonly string[]).includes(name);
}
