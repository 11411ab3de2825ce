import type { Command } from 'commander';
import { registerSpec, type CommandSpec } from '../command-spec.js';
import type { AgentName } from '../../integrations/names.js';

export const spec: CommandSpec<{ format: string }> = {
  name: 'agent-hook',
  description: 'answer an AI agent’s pre-tool hook: block database commands dbsafe refuses, back up before the others',
  options: [{ name: 'format', value: 'agent', description: 'the agent’s hook protocol: claude, codex, cursor or gemini', default: 'claude' }],
  async action(_words, options) {
    const { isAgentName } = await import('../../integrations/names.js');
    const { denyAnswer } = await import('../../integrations/agent-protocol.js');
    const { agentHookMessages, integrationMessages } = await import('../../integrations/messages.js');
    // An unknown format still blocks in Claude Code and Codex (exit 2), never runs the command silently.
    const agent: AgentName = isAgentName(options.format) ? options.format : 'claude';
    let answer;
    try {
      if (!isAgentName(options.format)) answer = denyAnswer(agent, integrationMessages.unknownAgent(options.format));
      else {
        const [{ answerToolCall }, { realAgentHookSteps }] = await Promise.all([import('../../integrations/agent-hook.js'), import('../../integrations/agent-hook-steps.js')]);
        answer = await answerToolCall(agent, await (await import('../stdin.js')).readAllStdin(), process.cwd(), realAgentHookSteps);
      }
    } catch (error) {
      answer = denyAnswer(agent, agentHookMessages.internalError('this command', error));
    }
    const { writeStdout, writeStderr } = await import('../output.js');
    writeStdout(answer.stdout);
    writeStderr(answer.stderr);
    process.exitCode = answer.exitCode;
  },
};

export function register(program: Command): void {
  registerSpec(program, spec);
}
