import { describeAgent, type DetectedAgent } from '../consent/agents.js';
import { statusMessages } from '../integrations/messages.js';
import { splitCauseAndFix } from '../safety/judge.js';

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

/** Every message `dbsafe doctor` shows; each problem says its fix. */
export const doctorMessages = {
  /** An engine's message ("X was not found … Install it …") as cause and fix. */
  splitFix: (text: string) => splitCauseAndFix(text, 'Install the client tool, then run `dbsafe doctor` again.'),
  checkFallbackFix: 'Run `dbsafe check` for details.',
  toolPath: (container: string | null, why: string) => (container ? `tools run inside the container ${container}: ${why}` : `tools run on the host: ${why}`),
  toolPathUnknown: 'dbsafe cannot tell which container to run the tools in (see the problems below)',
  notPrivate: (dir: string, mode: number) => ({
    message: `The backup directory ${dir} has mode ${octal(mode)}: other users on this machine can read your database copies.`,
    fix: `Run \`chmod 700 ${dir}\` (dbsafe creates it 0700).`,
  }),
  notIgnored: (dir: string) => ({
    message: `The backup directory ${dir} is not ignored by git: a \`git add .\` would commit your database copies.`,
    fix: `Run \`dbsafe backup\` (it writes the ignore rule into the repository that contains the directory), or add the directory to that repository's .gitignore yourself (\`git -C ${dir} rev-parse --show-toplevel\` names it).`,
  }),
  backupsTracked: (dir: string) => ({
    message: `Files in the backup directory ${dir} are already committed to git: ignoring the directory does not take them out, and every clone carries your database copies.`,
    fix: `Run \`git -C ${dir} rm -r --cached .\` and commit, then check whether the history must be rewritten (the copies stay in earlier commits).`,
  }),
  backupDirUnignorable: (dir: string) => ({
    message: `The backup directory ${dir} holds the project (or its whole git repository), so git cannot ignore the backups without ignoring the code: dbsafe refuses to write backups there.`,
    fix: 'Set "backupDir" in dbsafe.config.json to a directory of its own, e.g. "backups".',
  }),
  scratchDatabaseLeft: (left: { engine: string; server: string; database: string; purpose: string; pid: number; createdAt: string }) => ({
    message: `The ${left.engine} scratch database "${left.database}" on ${left.server} (${left.purpose}, ${left.createdAt}) was left by a dbsafe process that is gone (pid ${left.pid}, killed before it could clean up).`,
    fix: `The next \`dbsafe verify\` or \`dbsafe restore\` against ${left.server} drops it; or drop it yourself (DROP DATABASE ${left.database}).`,
  }),
  notOptedIn: {
    message: 'This directory is not in a project that uses dbsafe (no dbsafe.config.json, no dbsafe in package.json): the shell functions and shims stand aside here.',
    fix: 'Add dbsafe to the project (`npm install --save-dev <path to a dbsafe-x.y.z.tgz or a dbsafe clone>`: see "Install" in dbsafe\'s README), or create a dbsafe.config.json (it may hold just {}), in the project root.',
  },
  serverUnreachable: (detail: string) => ({ message: `The database server did not answer: ${detail}` }),
  serverTimeout: (seconds: number) => `no answer within ${seconds} s. Start the server, or check the host and port with \`dbsafe check\`.`,
  serverSkipped: 'not contacted: `dbsafe check` refuses this database without connecting, and dbsafe never connects to it.',
  dbsafeZero: { message: statusMessages.disabledByEnvironment, fix: 'Unset DBSAFE (or set it to 1) when you want the guards back.' },
  agentDetected: (agent: DetectedAgent, dbsafeZero: boolean) => ({
    message: `An AI agent is running this session (${describeAgent(agent)}): dbsafe accepts no interactive confirmation from it${
      dbsafeZero ? ', and DBSAFE=0 is ignored' : ''
    }.`,
  }),
  webhookInvalid: (problem: string) => ({
    message: `${problem}: notifications cannot reach the webhook.`,
    fix: 'Set DBSAFE_NOTIFY_URL (in .env or the environment) to the https:// address your chat tool gave for its incoming webhook.',
  }),
  offsiteToolMissing: (tool: 'rclone' | 'restic') => ({ message: `offsite copies need ${tool}, which is not on PATH`, fix: `Install it (Debian/Ubuntu: \`sudo apt-get install ${tool}\`).` }),
  offsiteFailed: (remote: string, at: string, error: string) => ({
    message: `the last upload to ${remote} (${at}) failed: ${error}`,
    fix: 'Check the remote (network, credentials), then run `dbsafe offsite sync`; the next backup retries by itself.',
  }),
  encryptionKeyProblem: (text: string) => splitCauseAndFix(text, 'See "Encrypted backups" in the README.'),
  encryptionOff: 'off: backups are stored unencrypted (see "Encrypted backups" in the README)',
  notifyNone: 'not configured: nobody is told when a scheduled backup fails (see "Notifications" in the README)',
  summaryOk: 'Nothing needs fixing.',
  summaryProblems: (count: number) => `${count} problem${count === 1 ? '' : 's'} to fix:`,
  noTarget: 'none configured',
  toolMissing: 'missing',
} as const;
