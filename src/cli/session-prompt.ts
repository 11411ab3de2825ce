import type { BlockingSession } from '../engines/types.js';
import { printable } from '../printable.js';

/** Can a person be asked? Both ends of the exchange are a terminal, and no agent is at either. Pure. */
export function mayAskPerson(facts: { stdinIsTerminal: boolean; stdoutIsTerminal: boolean; agent: boolean }): boolean {
  return facts.stdinIsTerminal && facts.stdoutIsTerminal && !facts.agent;
}

/**
 * The question a snapshot blocked by other sessions puts to a person at a
 * terminal: the sessions are named, then "end them?" (default no). Without a
 * terminal there is no question (undefined); an agent (found by its
 * variables or as an ancestor process, looked for only when sessions are in
 * the way) is never asked and never ends anyone's session: the answer is no.
 */
export function sessionPrompt(env: Record<string, string | undefined>): SessionQuestion | undefined {
  const terminals = { stdinIsTerminal: process.stdin.isTTY === true, stdoutIsTerminal: process.stdout.isTTY === true };
  if (!mayAskPerson({ ...terminals, agent: false })) return undefined;
  let waited = 0;
  const ask = async (database: string, sessions: readonly BlockingSession[]): Promise<boolean> => {
    const { detectAgentAnywhere } = await import('../consent/agents.js');
    if (!mayAskPerson({ ...terminals, agent: detectAgentAnywhere(env) !== null })) return false;
    const [{ default: prompts }, { snapshotMessages }] = await Promise.all([import('prompts'), import('../store/snapshot-messages.js')]);
    process.stderr.write(`dbsafe: ${printable(snapshotMessages.sessionsInTheWay(database, sessions), { lineBreaks: true })}\n`);
    const asked = Date.now();
    const answer = (await prompts({ type: 'confirm', name: 'end', message: snapshotMessages.endSessionsQuestion(sessions.length), initial: false })) as { end?: boolean };
    waited += Date.now() - asked;
    return answer.end === true;
  };
  return Object.assign(ask, { waitedMs: () => waited });
}

/** The question, and how long the person took to answer it (not part of the time a backup took). */
export type SessionQuestion = ((database: string, sessions: readonly BlockingSession[]) => Promise<boolean>) & { waitedMs(): number };
