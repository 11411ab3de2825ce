import { describe, expect, it } from 'vitest';
import { allowAnswer, denyAnswer, HookInputError, parseToolCall } from '../../src/integrations/agent-protocol.js';

describe('agent hook protocols', () => {
  it.each([
    ['claude', { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npm test' }, cwd: '/p' }],
    ['codex', { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npm test' }, cwd: '/p' }],
    ['gemini', { hook_event_name: 'BeforeTool', tool_name: 'run_shell_command', tool_input: { command: 'npm test' }, cwd: '/p' }],
    ['cursor', { hook_event_name: 'beforeShellExecution', command: 'npm test', cwd: '/p' }],
  ] as const)('reads the shell command %s sends', (agent, input) => {
    expect(parseToolCall(agent, JSON.stringify(input))).toEqual({ kind: 'shell', command: 'npm test', cwd: '/p' });
  });

  it('passes other tools through, and refuses input it cannot read', () => {
    expect(parseToolCall('claude', JSON.stringify({ tool_name: 'Read', tool_input: { file_path: '/x' } }))).toEqual({ kind: 'other-tool' });
    expect(() => parseToolCall('claude', 'not json')).toThrow(HookInputError);
    expect(() => parseToolCall('claude', JSON.stringify({ tool_name: 'Bash', tool_input: {} }))).toThrow(HookInputError);
    expect(() => parseToolCall('cursor', '[]')).toThrow(HookInputError);
  });

  it('answers in each agent’s documented format, with only documented fields', () => {
    expect(denyAnswer('claude', 'no')).toEqual({ exitCode: 2, stdout: '', stderr: 'no\n' });
    expect(denyAnswer('codex', 'no')).toEqual({ exitCode: 2, stdout: '', stderr: 'no\n' });
    expect(JSON.parse(denyAnswer('cursor', 'no').stdout)).toEqual({ permission: 'deny', user_message: 'no', agent_message: 'no' });
    expect(JSON.parse(denyAnswer('gemini', 'no').stdout)).toEqual({ decision: 'deny', reason: 'no' });
    expect(allowAnswer('claude')).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(allowAnswer('gemini')).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(JSON.parse(allowAnswer('cursor').stdout)).toEqual({ permission: 'allow' });
  });
});
