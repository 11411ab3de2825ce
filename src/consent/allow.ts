import { createInterface } from 'node:readline/promises';
import { appendAuditEntry, auditContext } from '../audit/log.js';
import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { AncestorProcess } from './ancestry.js';
import { describeAgent, detectAgentAnywhere, type DetectedAgent } from './agents.js';
import { normalizeCode } from './code.js';
import { allowMessages } from './messages.js';
import { findConsentRequest, grantConsent, listPendingRequests, type ConsentRequest } from './store.js';

export interface AllowSession {
  env: Record<string, string | undefined>;
  cwd: string;
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  /** The processes above this one; read from the system unless given. */
  ancestry?: () => readonly AncestorProcess[];
}

function audit(session: AllowSession, agent: DetectedAgent | null, request: ConsentRequest, decision: 'consent-granted' | 'consent-refused', rule: string): void {
  appendAuditEntry(request.auditLog, {
    time: new Date().toISOString(),
    operation: 'allow',
    decision,
    rule,
    target: request.target,
    command: request.command,
    backupId: null,
    exitCode: decision === 'consent-granted' ? ExitCode.ok : ExitCode.refused,
    durationMs: 0,
    agent: agent ? describeAgent(agent) : null,
    ...auditContext(session.cwd, session.env),
  });
}

/** The requests a refusal concerns: the one named by its code, or every pending one. Never throws. */
function concerned(session: AllowSession, code: string | null): ConsentRequest[] {
  try {
    if (code === null) return listPendingRequests(session.env);
    const lookup = findConsentRequest(session.env, code);
    return lookup.request ? [lookup.request] : [];
  } catch {
    return [];
  }
}

/**
 * `dbsafe allow [code]`: a human, at a terminal, lets one refused command
 * through once. Without a code it shows the pending requests (command,
 * database, reason, age) and asks which; with one it goes straight to it.
 * Either way the human confirms by typing the database name. An agent (by
 * its variables or as an ancestor process) or a non-terminal stdin/stdout
 * ends it before anything is asked.
 */
export async function allowOnce(typed: string | undefined, session: AllowSession): Promise<void> {
  const code = typed === undefined ? null : normalizeCode(typed);
  if (typed !== undefined && !code) throw new DbsafeError('consent-bad-code', allowMessages.badCode(typed), ExitCode.usage);
  const agent = detectAgentAnywhere(session.env, session.ancestry);
  const refuse = (message: string, rule: string, requests: readonly ConsentRequest[]): never => {
    for (const request of requests) {
      try {
        audit(session, agent, request, 'consent-refused', rule);
      } catch {
        // The refusal stands whether or not it could be recorded.
      }
    }
    throw new DbsafeError('consent-refused', message, ExitCode.refused);
  };
  if (agent) refuse(allowMessages.agent(agent), `agent detected: ${describeAgent(agent)}`, concerned(session, code));
  if (!session.input.isTTY || !session.output.isTTY) refuse(allowMessages.notTerminal(), 'not a terminal', concerned(session, code));

  const reader = createInterface({ input: session.input, output: session.output });
  try {
    let request: ConsentRequest;
    if (code !== null) {
      const lookup = findConsentRequest(session.env, code);
      if ('problem' in lookup) {
        if (lookup.problem === 'expired') refuse(allowMessages.expired(code), 'code expired', lookup.request ? [lookup.request] : []);
        throw new DbsafeError('consent-unknown', allowMessages.unknown(code), ExitCode.refused);
      }
      request = lookup.request;
      session.output.write(`${allowMessages.summary(request)}\n`);
    } else {
      const pending = listPendingRequests(session.env);
      if (pending.length === 0) throw new DbsafeError('consent-none-pending', allowMessages.nothingPending(), ExitCode.failure);
      if (pending.length === 1) {
        request = pending[0]!;
        session.output.write(`${allowMessages.summary(request)}\n`);
      } else {
        session.output.write(`${allowMessages.list(pending)}\n`);
        const choice = Number((await reader.question(allowMessages.choose(pending.length))).trim());
        if (!Number.isInteger(choice) || choice < 1 || choice > pending.length) throw new DbsafeError('consent-not-chosen', allowMessages.noChoice(), ExitCode.refused);
        request = pending[choice - 1]!;
        session.output.write(`${allowMessages.summary(request)}\n`);
      }
    }
    const answer = await reader.question(allowMessages.prompt(request.confirmWord));
    if (answer.trim() !== request.confirmWord) refuse(allowMessages.mismatch(request.confirmWord), 'confirmation mistyped', [request]);
    // Audited first: an override that cannot be recorded is not granted.
    try {
      audit(session, null, request, 'consent-granted', `code ${request.code}: ${request.reason}`);
    } catch (error) {
      throw new DbsafeError('consent-unaudited', allowMessages.unaudited(request.auditLog, (error as Error).message), ExitCode.failure);
    }
    grantConsent(session.env, request);
    session.output.write(`${allowMessages.granted(request)}\n`);
  } finally {
    reader.close();
  }
}
