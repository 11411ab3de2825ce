import type { AgentHookSteps } from './agent-hook.js';
import { agentHookMessages } from './messages.js';
import type { AgentName } from './names.js';
import { cliEntry } from '../package-root.js';


/**
 * Agents give a hook about 60 s and run the command when it times out, so the
 * guard gets less: past this, dbsafe denies and says how to back up first.
 */
export const GUARD_TIMEOUT_SECONDS = 45;

async function runGuard(agent: AgentName, command: string, cwd: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  // Loaded here: most tool calls are not database commands and never need a child process.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    // The agent's command goes on stdin, never on the guard's command line (visible in ps): it may hold a password.
    const child = spawn(process.execPath, [cliEntry(), 'guard', '--agent', agent], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => {
      // A guard that exits before reading its input reports through its exit code.
    });
    child.stdin.end(command);
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      resolve({ ok: false, reason: agentHookMessages.timedOut(GUARD_TIMEOUT_SECONDS) });
    }, GUARD_TIMEOUT_SECONDS * 1000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? { ok: true } : { ok: false, reason: output.trim() || `dbsafe guard exited with ${code}` });
    });
  });
}

/** Classification by the rules table (in process: fast for `ls`), the guard as `dbsafe guard` in the command's directory. */
export const realAgentHookSteps: AgentHookSteps = {
  async classify(command, cwd) {
    const { classifyForGuard } = await import('../run/command-decision.js');
    const verdict = await classifyForGuard(command, cwd);
    return { guarded: verdict.guarded, reason: verdict.reason };
  },
  guard: (agent, command, cwd) => runGuard(agent, command, cwd),
};
