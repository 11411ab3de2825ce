import { describeAgent, type DetectedAgent } from './agents.js';
import type { ConsentRequest } from './store.js';

const minutesLeft = (request: ConsentRequest, now: number): number => Math.max(1, Math.round((Date.parse(request.expiresAt) - now) / 60000));

/** Printed under a refusal: how a human lets this exact command through once. */
export function consentInstructions(request: ConsentRequest, agent: DetectedAgent | null, now = Date.now()): string {
  const minutes = minutesLeft(request, now);
  if (agent) {
    return [
      `dbsafe: you are ${describeAgent(agent)}: do not try to get around this refusal (no flag or variable does).`,
      `Stop and ask your human. Tell them the database above was refused and why. If they decide it is right to run it anyway,`,
      `they type this in their own terminal within ${minutes} minutes, then you run the same command again, unchanged:`,
      `    dbsafe allow ${request.code}`,
      `The durable fix is a reviewed change to the dbsafe configuration (allowedHosts, productionPatterns) or to the environment.`,
    ].join('\n');
  }
  return [
    `dbsafe: to run this exact command once anyway, type in your terminal within ${minutes} minutes:`,
    `    dbsafe allow ${request.code}`,
    `then run the same command again. The durable fix is to correct the environment, or a reviewed change to the dbsafe configuration.`,
  ].join('\n');
}

export const allowMessages = {
  badCode: (typed: string): string =>
    `"${typed}" is not a dbsafe consent code (6 letters and digits, printed under a refusal). Copy it from the refusal message, e.g. dbsafe allow K7QM3X.`,
  unknown: (code: string): string =>
    `No pending refusal has the code ${code}: it was already used, or it was issued on another account. Run the refused command again to get a new code.`,
  expired: (code: string): string =>
    `The code ${code} has expired (codes last 5 minutes). Run the refused command again to get a new code, then allow it promptly.`,
  agent: (agent: DetectedAgent): string =>
    `dbsafe allow refuses to run in a session of ${describeAgent(agent)}: consent has to come from a human, and a pseudo-terminal is not one. Ask your human to type the dbsafe allow command in their own terminal.`,
  notTerminal: (): string =>
    'dbsafe allow must be typed by a person at a terminal (stdin and stdout both a terminal); it cannot be piped or scripted. Run it in your own terminal.',
  summary: (request: ConsentRequest): string =>
    [
      `The command refused ${new Date(request.issuedAt).toLocaleTimeString()}:`,
      `  command:   ${request.command}`,
      `  database:  ${request.target}`,
      `  directory: ${request.cwd}`,
      `  refused:   ${request.reason}`,
      'Allowing it lets this exact command run once against that database, within 5 minutes.',
    ].join('\n'),
  prompt: (word: string): string => `To allow it, type the database name (${word}): `,
  mismatch: (word: string): string => `That was not "${word}"; nothing was allowed. Run dbsafe allow again if you meant to allow it.`,
  unaudited: (file: string, message: string): string =>
    `Nothing was allowed: the override could not be recorded in the audit log ${file} (${message}). Fix its permissions and run dbsafe allow again.`,
  granted: (request: ConsentRequest): string =>
    `Allowed once: run the same command again within 5 minutes (${request.command}). This override is recorded in the audit log.`,
};
