import type { DetectedAgent } from '../consent/agents.js';
import type { ToolInfo } from '../engines/types.js';
import type { IntegrationStatus } from '../integrations/status.js';
import type { NotifyStatus } from '../notify/plan.js';
import type { VerdictName } from '../safety/types.js';
import type { ScratchRecord } from '../engines/scratch-database.js';
import type { IgnoreState } from '../store/gitignore.js';
import type { RedactedTarget } from '../target/describe.js';
import type { EngineName } from '../target/types.js';
import { doctorMessages as say } from './messages.js';

/** Whether the database server answered a short probe. */
export type ServerState =
  | { state: 'answered'; version: string }
  | { state: 'unreachable'; detail: string }
  /** Not contacted: the database is judged production without connecting, so dbsafe does not connect. */
  | { state: 'skipped'; detail: string };

export interface BackupDirFacts {
  dir: string;
  exists: boolean;
  /** Permission bits (mode & 0o777), or null when the directory does not exist. */
  mode: number | null;
  git: IgnoreState;
  /** Backups with a valid manifest, of every database. */
  count: number;
  totalSize: number;
  /** Of those, snapshots: their data lives on the database server (sizes as recorded when taken; standby copies not counted). */
  snapshots?: { count: number; serverBytes: number };
}

/** Everything `dbsafe doctor` reports, gathered beforehand; never a password. */
export interface DoctorFacts {
  dbsafe: { version: string; node: string };
  project: { root: string; optedIn: boolean | null; configFile: string | null };
  /** `dbsafe check --offline`'s verdict and its failed rules. */
  check: { verdict: VerdictName; exitCode: number; reasons: Array<{ rule: string; message: string; fix: string | null }> };
  databases: Array<{ description: string; primary: boolean; target: RedactedTarget }>;
  /** Engine of the database guarded commands back up, or null when there is none. */
  engine: EngineName | null;
  tools: ToolInfo[];
  /** Where the client tools run (the host, or the container serving the database) and why; a problem when dbsafe cannot tell. */
  toolPath: ToolPath | null;
  server: ServerState | null;
  backups: BackupDirFacts | null;
  /** Where notifications go (null when the configuration could not be read); never the webhook address. */
  notifications: NotifyStatus | null;
  /** Backup encryption (null when the configuration could not be read); never the key. */
  encryption: EncryptionFacts | null;
  /** Offsite remotes (null when none are configured): the tool on PATH, and the last upload as recorded; never a credential. */
  offsite?: OffsiteFacts | null;
  integrations: IntegrationStatus;
  /** Scratch databases recorded by a dbsafe that is gone (killed mid verify or restore), not dropped yet. */
  scratchDatabases: Array<Pick<ScratchRecord, 'engine' | 'server' | 'database' | 'purpose' | 'pid' | 'createdAt'>>;
  environment: { dbsafeZero: boolean; integrationsDisabled: boolean; agent: DetectedAgent | null };
}

export type ToolPath = { container: string | null; why: string } | { problem: string };
export interface OffsiteFacts {
  remotes: Array<{ remote: string; tool: 'rclone' | 'restic'; toolPath: string | null; last: { at: string; ok: boolean; error?: string; missing: string[] } | null }>;
}

export interface EncryptionFacts {
  /** The "encryption" row is configured: new backups are encrypted. */
  encryptNewBackups: boolean;
  /** The key in use: where it came from and its id; null when there is none or it cannot be loaded. */
  key: { source: string; keyId: string } | null;
  /** Why the key cannot be loaded (the message names the fix). */
  problem: string | null;
  /** age or gpg: the format, the recipients' public keys and where the identity comes from (null: none here); never an identity. */
  publicKeys?: { format: 'age' | 'gpg'; recipients: string[]; identity: string | null } | null;
}

export interface DoctorFinding {
  area: string;
  message: string;
  fix?: string;
}

export interface DoctorVerdict {
  /** Nothing needs fixing. */
  ok: boolean;
  /** What needs fixing, each with its fix: these make the exit code 1. */
  problems: DoctorFinding[];
  /** Worth knowing, nothing to fix for dbsafe to work. */
  notes: DoctorFinding[];
}

/** Only the owner may enter a backup directory: group and other bits must be clear. */
export function isPrivateMode(mode: number): boolean {
  return (mode & 0o077) === 0;
}

function toolProblems(tools: readonly ToolInfo[]): DoctorFinding[] {
  const texts = [...new Set(tools.flatMap((tool) => (tool.problem ? [tool.problem] : [])))];
  return texts.map((text) => ({ area: 'client tools', ...say.splitFix(text) }));
}

function backupProblems(backups: BackupDirFacts): DoctorFinding[] {
  if (!backups.exists) return [];
  const problems: DoctorFinding[] = [];
  if (backups.mode !== null && !isPrivateMode(backups.mode)) problems.push({ area: 'backups', ...say.notPrivate(backups.dir, backups.mode) });
  if (backups.git === 'not-ignored') problems.push({ area: 'backups', ...say.notIgnored(backups.dir) });
  if (backups.git === 'tracked') problems.push({ area: 'backups', ...say.backupsTracked(backups.dir) });
  if (backups.git === 'unignorable') problems.push({ area: 'backups', ...say.backupDirUnignorable(backups.dir) });
  return problems;
}

function notesOf(facts: DoctorFacts): DoctorFinding[] {
  const notes: DoctorFinding[] = [];
  if (facts.project.optedIn === false) notes.push({ area: 'project', ...say.notOptedIn });
  if (facts.server?.state === 'unreachable') notes.push({ area: 'server', ...say.serverUnreachable(facts.server.detail) });
  if (facts.environment.agent) notes.push({ area: 'environment', ...say.agentDetected(facts.environment.agent, facts.environment.dbsafeZero) });
  else if (facts.environment.integrationsDisabled) notes.push({ area: 'environment', ...say.dbsafeZero });
  return notes;
}

/**
 * What needs fixing in a dbsafe setup. Pure: the facts were gathered
 * beforehand. A missing client tool, a check that does not pass, a backup
 * directory others can read or git would commit, a DBSAFE_NOTIFY_URL that is
 * not an http(s) URL, a backup key that cannot be loaded are problems; an unreachable
 * server, DBSAFE=0 or an agent in the environment are notes.
 */
export function judgeDoctor(facts: DoctorFacts): DoctorVerdict {
  const problems: DoctorFinding[] = [
    ...(facts.check.verdict === 'safe'
      ? []
      : facts.check.reasons.map((reason) => ({ area: 'check', message: reason.message, fix: reason.fix ?? say.checkFallbackFix }))),
    ...toolProblems(facts.tools),
    ...(facts.toolPath && 'problem' in facts.toolPath ? [{ area: 'client tools', ...say.splitFix(facts.toolPath.problem) }] : []),
    ...(facts.backups ? backupProblems(facts.backups) : []),
    ...(facts.notifications?.webhook.set && 'problem' in facts.notifications.webhook ? [{ area: 'notifications', ...say.webhookInvalid(facts.notifications.webhook.problem) }] : []),
    ...(facts.encryption?.problem ? [{ area: 'encryption', ...say.encryptionKeyProblem(facts.encryption.problem) }] : []),
    ...facts.scratchDatabases.map((left) => ({ area: 'scratch databases', ...say.scratchDatabaseLeft(left) })),
    ...(facts.offsite?.remotes ?? []).flatMap((r) =>
      !r.toolPath ? [{ area: 'offsite', ...say.offsiteToolMissing(r.tool) }] : r.last && !r.last.ok ? [{ area: 'offsite', ...say.offsiteFailed(r.remote, r.last.at, r.last.error ?? 'unknown error') }] : [],
    ),
  ];
  return { ok: problems.length === 0, problems, notes: notesOf(facts) };
}
