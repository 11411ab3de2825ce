import type { AgentName } from './agents.js';

/**
 * The hook protocols of the agents dbsafe answers (NOTES.md, "AI agent
 * hooks"). Pure: parse the tool call an agent sends on stdin, and render a
 * decision in that agent's exact format with only documented fields (Codex
 * treats an unknown field as a failed hook and runs the command).
 */
export type ToolCall = { kind: 'shell'; command: string; cwd: string | null } | { kind: 'other-tool' };

/** The agent's answer: what goes to stdout and stderr, and the exit code. */
export interface HookAnswer {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Tool names under which each agent runs a shell command. */
const SHELL_TOOLS: Record<AgentName, readonly string[]> = {
  claude: ['Bash'],
  codex: ['Bash', 'shell', 'local_shell', 'exec_command'],
  cursor: [],
  gemini: ['run_shell_command'],
};

export class HookInputError extends Error {}

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Parse the JSON an agent sends; throws HookInputError when it is not a tool call dbsafe can read. */
export function parseToolCall(agent: AgentName, stdin: string): ToolCall {
  let input: Record<string, unknown> | null;
  try {
    input = record(JSON.parse(stdin));
  } catch {
    throw new HookInputError('the hook input is not JSON');
  }
  if (!input) throw new HookInputError('the hook input is not a JSON object');
  const cwd = typeof input.cwd === 'string' ? input.cwd : null;
  if (agent === 'cursor') {
    if (typeof input.command !== 'string') throw new HookInputError('the hook input has no "command"');
    return { kind: 'shell', command: input.command, cwd };
  }
  const tool = input.tool_name;
  if (typeof tool === 'string' && !SHELL_TOOLS[agent].includes(tool)) return { kind: 'other-tool' };
  const command = record(input.tool_input)?.command;
  if (typeof command !== 'string') throw new HookInputError('the hook input has no "tool_input.command"');
  return { kind: 'shell', command, cwd };
}

/** Let the command run. Cursor reads every answer as JSON, so it always gets one. */
export function allowAnswer(agent: AgentName): HookAnswer {
  return { exitCode: 0, stdout: agent === 'cursor' ? `${JSON.stringify({ permission: 'allow' })}\n` : '', stderr: '' };
}

/** Stop the command, with the reason the agent (and its human) will read. */
export function denyAnswer(agent: AgentName, reason: string): HookAnswer {
  switch (agent) {
    case 'claude':
    case 'codex':
      // Exit 2 blocks in both; any other non-zero code would let the command run.
      return { exitCode: 2, stdout: '', stderr: `${reason}\n` };
    case 'cursor':
      return { exitCode: 0, stdout: `${JSON.stringify({ permission: 'deny', user_message: reason, agent_message: reason })}\n`, stderr: '' };
    case 'gemini':
      return { exitCode: 0, stdout: `${JSON.stringify({ decision: 'deny', reason })}\n`, stderr: '' };
  }
}
