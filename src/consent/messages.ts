import { describeAgent, type DetectedAgent } from './agents.js';
import type { ConsentRequest } from './store.js';

const minutesLeft = (request: ConsentRequest, now: number): number => Math.max(1, Math.round((Date.parse(request.expiresAt) - now) / 60000));

/**
 * Printed under a refusal: how a human lets this exact command through once.
 * An agent gets no code: it is told to ask its human, who runs `allow` on
 * their own terminal and picks the request there. `dbsafe` is the
 * invocation that works in this install (`npx dbsafe` for a project-local one).
 */
export function consentInstructions(request: ConsentRequest, agent: DetectedAgent | null, dbsafe = 'dbsafe', now = Date.now()): string {
  const minutes = minutesLeft(request, now);
  if (agent) {
    return [
      `dbsafe: you are ${describeAgent(agent)}: do not try to get around this refusal (no flag or variable does, and consent cannot be given from your session).`,
      `Stop and ask your human. Tell them the database above was refused and why. If they decide it is right to run it anyway,`,
      `they type this in their own terminal within ${minutes} minutes, check the request it shows, and confirm by typing the database name:`,
      `    ${dbsafe} allow`,
      `Then you run the same command again, unchanged. Every override is recorded in the audit log and sent to the team's notification.`,
      `The durable fix is a reviewed change to the dbsafe configuration (allowedHosts, productionPatterns) or to the environment.`,
      `If a command of yours already damaged a development database, \`${dbsafe} undo --list\` shows what \`${dbsafe} undo\` can put back.`,
    ].join('\n');
  }
  return [
    `dbsafe: to run this exact command once anyway, type in your terminal within ${minutes} minutes:`,
    `    ${dbsafe} allow ${request.code}`,
    `then run the same command again. The durable fix is to correct the environment, or a reviewed change to the dbsafe configuration.`,
  ].join('\n');
}

const age = (request: ConsentRequest, now: number): string => {
  const seconds = Math.max(0, Math.round((now - Date.parse(request.issuedAt)) / 1000));
  return seconds < 60 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
};

export const allowMessages = {
  badCode: (typed: string): string =>
    `"${typed}" is not a dbsafe consent code (6 letters and digits, printed under a refusal). Run dbsafe allow without an argument to see the pending requests.`,
  unknown: (code: string): string =>
    `No pending refusal has the code ${code}: it was already used, or it was issued on another account. Run dbsafe allow without an argument to see the pending requests, or run the refused command again.`,
  expired: (code: string): string =>
    `The code ${code} has expired (requests last 5 minutes). Run the refused command again, then allow it promptly.`,
  nothingPending: (): string =>
    'No refused command is waiting for consent (requests last 5 minutes). Run the refused command again, then dbsafe allow.',
  agent: (agent: DetectedAgent): string =>
    `dbsafe allow refuses to run in a session of ${describeAgent(agent)}: consent has to come from a human, and a pseudo-terminal is not one. Ask your human to run dbsafe allow in their own terminal.`,
  notTerminal: (): string =>
    'dbsafe allow must be typed by a person at a terminal (stdin and stdout both a terminal); it cannot be piped or scripted. Run it in your own terminal.',
  summary: (request: ConsentRequest, now = Date.now()): string =>
    [
      `The command refused ${age(request, now)}${request.agent ? `, run by ${request.agent}` : ''}:`,
      `  command:   ${request.command}`,
      `  database:  ${request.target}`,
      `  directory: ${request.cwd}`,
      `  refused:   ${request.reason}`,
      'Allowing it lets this exact command run once against that database, within 5 minutes.',
    ].join('\n'),
  list: (requests: readonly ConsentRequest[], now = Date.now()): string =>
    [
      `${requests.length} refused commands are waiting for consent:`,
      ...requests.map(
        (request, index) =>
          `  ${index + 1}. ${request.command}\n     database: ${request.target}\n     refused:  ${request.reason}\n     ${age(request, now)}${request.agent ? `, run by ${request.agent}` : ''}, in ${request.cwd}`,
      ),
    ].join('\n'),
  choose: (count: number): string => `Which one do you want to allow? Type its number (1-${count}), or Enter for none: `,
  noChoice: (): string => 'Nothing was allowed.',
  prompt: (word: string): string => `To allow it, type the database name (${word}): `,
  mismatch: (word: string): string => `That was not "${word}"; nothing was allowed. Run dbsafe allow again if you meant to allow it.`,
  unaudited: (file: string, message: string): string =>
    `Nothing was allowed: the override could not be recorded in the audit log ${file} (${message}). Fix its permissions and run dbsafe allow again.`,
  granted: (request: ConsentRequest): string =>
    `Allowed once: run the same command again within 5 minutes (${request.command}). This override is recorded in the audit log and sent to the configured notification when it is used.`,
};

export const storeMessages = {
  rejected: (file: string, problem: string): string =>
    `dbsafe: ignored ${file}: it is not consent (${problem}). Only dbsafe allow, typed by a person, writes consent; the refusal stands.`,
  noConsentPossible: (problem: string): string => `dbsafe: no one-off consent is possible for this refusal: ${problem}`,
  unsafeDirectory: (dir: string, problem: 'symlink' | 'not-directory' | 'owner' | 'mode', mode: number): string =>
    ({
      symlink: `dbsafe's state directory ${dir} is a symbolic link, so consent records could be planted from elsewhere; dbsafe ignores it. Remove the link (dbsafe recreates the directory, 0700).`,
      'not-directory': `dbsafe's state directory ${dir} is not a directory. Remove it (dbsafe recreates it, 0700).`,
      owner: `dbsafe's state directory ${dir} belongs to another account, so consent records in it could be forged; dbsafe ignores it. Remove it, or give it to your account (chown), mode 700.`,
      mode: `dbsafe's state directory ${dir} can be written by other accounts (mode ${mode.toString(8)}), so consent records in it could be forged; dbsafe ignores it. Fix it with: chmod 700 ${dir}`,
    })[problem],
  unsafeKey: (file: string, problem: string): string =>
    `dbsafe's consent key ${file} cannot be trusted: ${problem}. Remove it (dbsafe creates a new one, 0600; pending requests and allowances then lapse).`,
};
