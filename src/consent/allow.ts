import { createInterface } from 'node:readline/promises';
import { appendAuditEntry, auditContext } from '../audit/log.js';
import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { describeAgent, detectAgent } from './agents.js';
import { normalizeCode } from './code.js';
import { allowMessages } from './messages.js';
import { findConsentRequest, grantConsent, type ConsentRequest } from './store.js';

export interface AllowSession {
  env: Record<string, string | undefined>;
  cwd: string;
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
}

function audit(session: AllowSession, request: ConsentRequest, decision: 'consent-granted' | 'consent-refused', rule: string): void {
  const agent = detectAgent(session.env);
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

/**
 * `dbsafe allow <code>`: a human, at a terminal, lets one refused command
 * through once. An agent in the environment or a non-terminal stdin/stdout
 * ends it before anything is read; the human then types the database name.
 */
export async function allowOnce(typed: string, session: AllowSession): Promise<void> {
  const code = normalizeCode(typed);
  if (!code) throw new DbsafeError('consent-bad-code', allowMessages.badCode(typed), ExitCode.usage);
  const agent = detectAgent(session.env);
  const lookup = findConsentRequest(session.env, code);
  const refuse = (message: string, rule: string): never => {
    if ('request' in lookup && lookup.request) {
      try {
        audit(session, lookup.request, 'consent-refused', rule);
      } catch {
        // The refusal stands whether or not it could be recorded.
      }
    }
    throw new DbsafeError('consent-refused', message, ExitCode.refused);
  };
  if (agent) refuse(allowMessages.agent(agent), `agent detected: ${describeAgent(agent)}`);
  if (!session.input.isTTY || !session.output.isTTY) refuse(allowMessages.notTerminal(), 'not a terminal');
  if ('problem' in lookup) {
    if (lookup.problem === 'expired') refuse(allowMessages.expired(code), 'code expired');
    throw new DbsafeError('consent-unknown', allowMessages.unknown(code), ExitCode.refused);
  }
  const { request } = lookup;
  session.output.write(`${allowMessages.summary(request)}\n`);
  const reader = createInterface({ input: session.input, output: session.output });
  let answer: string;
  try {
    answer = await reader.question(allowMessages.prompt(request.confirmWord));
  } finally {
    reader.close();
  }
  if (answer.trim() !== request.confirmWord) refuse(allowMessages.mismatch(request.confirmWord), 'confirmation mistyped');
  // Audited first: an override that cannot be recorded is not granted.
  try {
    audit(session, request, 'consent-granted', `code ${code}: ${request.reason}`);
  } catch (error) {
    throw new DbsafeError('consent-unaudited', allowMessages.unaudited(request.auditLog, (error as Error).message), ExitCode.failure);
  }
  grantConsent(session.env, request);
  session.output.write(`${allowMessages.granted(request)}\n`);
}
