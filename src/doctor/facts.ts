import { promises as fs } from 'node:fs';
import type { ProjectContext } from '../config/context.js';
import { detectAgentAnywhere } from '../consent/agents.js';
import { integrationsDisabled } from '../consent/integrations.js';
import { archiveOps } from '../engines/registry.js';
import { leftScratchDatabases } from '../engines/scratch-database.js';
import type { ToolInfo } from '../engines/types.js';
import { integrationStatus } from '../integrations/status.js';
import { isDbsafeError } from '../errors.js';
import { loadBackupKey, type KeySource } from '../encryption/key.js';
import { encryptionForNewBackups, loadAgeIdentities, type PublicKeySettings } from '../encryption/public-keys.js';
import { findWebhookUrl, notifyStatus } from '../notify/plan.js';
import { dbsafeVersion } from '../package-root.js';
import { assessDirectory, probeTarget } from '../safety/assess.js';
import { staticallyRefused } from '../safety/judge.js';
import type { LiveResult, Verdict } from '../safety/types.js';
import { backupDirIgnoreState } from '../store/gitignore.js';
import { listBackups } from '../store/restore-backup.js';
import { backupStoreFor, type BackupStore } from '../store/store.js';
import { describeTarget, redactTarget } from '../target/describe.js';
import type { Target } from '../target/types.js';
import type { BackupDirFacts, DoctorFacts, EncryptionFacts, OffsiteFacts, ServerState, ToolPath } from './judge.js';
import { doctorMessages as say } from './messages.js';

/** How long doctor waits for the database server: it reports, it does not wait for a slow network. */
const PROBE_TIMEOUT_SECONDS = 3;

async function probeWithTimeout(target: Target): Promise<ServerState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<LiveResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, code: 'timeout', message: say.serverTimeout(PROBE_TIMEOUT_SECONDS) }), PROBE_TIMEOUT_SECONDS * 1000);
    timer.unref();
  });
  const result = await Promise.race([probeTarget(target), timeout]);
  clearTimeout(timer);
  return result.ok ? { state: 'answered', version: result.facts.serverVersion } : { state: 'unreachable', detail: result.message };
}

async function backupDirFacts(context: ProjectContext): Promise<BackupDirFacts> {
  const store = backupStoreFor(context);
  const stat = await fs.stat(store.dir).catch(() => null);
  const backups = stat ? await listBackups(store) : [];
  return {
    dir: store.dir,
    exists: stat?.isDirectory() ?? false,
    mode: stat ? stat.mode & 0o777 : null,
    git: await backupDirIgnoreState(store.projectRoot, store.dir),
    count: backups.length,
    totalSize: backups.reduce((sum, b) => sum + b.manifest.size, 0),
    snapshots: {
      count: backups.filter((b) => b.manifest.snapshot).length,
      serverBytes: backups.reduce((sum, b) => sum + (b.manifest.snapshot?.sizeBytes ?? 0), 0),
    },
  };
}

/** age or gpg recipients (each checked) and the identity's source; a bad recipient or identity file is the problem. */
async function publicKeyFacts(settings: PublicKeySettings | undefined): Promise<EncryptionFacts | null> {
  try {
    const sealing = await encryptionForNewBackups(settings);
    if (!sealing) return null;
    if (sealing.format === 'age') await loadAgeIdentities(settings);
    const identity = sealing.format === 'age' && settings?.identity ? `${settings.identity.file} (${settings.identity.source})` : null;
    return { encryptNewBackups: true, key: null, problem: null, publicKeys: { format: sealing.format, recipients: sealing.recipients, identity } };
  } catch (error) {
    if (!isDbsafeError(error)) throw error;
    return { encryptNewBackups: true, key: null, problem: error.message, publicKeys: null };
  }
}

/** The configured offsite remotes, their tool, and the last upload's record (no network). */
async function offsiteFacts(store: BackupStore): Promise<OffsiteFacts | null> {
  if (!store.offsite) return null;
  const [{ offsiteRemotes }, { readOffsiteState }, { findOnPath }] = await Promise.all([import('../offsite/sync.js'), import('../offsite/state.js'), import('../executable.js')]);
  const state = readOffsiteState(store.dir);
  return {
    remotes: offsiteRemotes(store.offsite).map(({ name }) => {
      const tool = name.startsWith('restic') ? ('restic' as const) : ('rclone' as const);
      return { remote: name, tool, toolPath: findOnPath(tool), last: state[name] ?? null };
    }),
  };
}

/** Whether backups are encrypted and the key loads; the key itself stays here. */
async function encryptionFacts(source: KeySource | undefined, publicKeys?: PublicKeySettings): Promise<EncryptionFacts> {
  const sealed = await publicKeyFacts(publicKeys);
  if (sealed) return sealed;
  const encryptNewBackups = source?.encryptNewBackups ?? false;
  if (!source) return { encryptNewBackups, key: null, problem: null };
  try {
    const key = await loadBackupKey(source);
    return { encryptNewBackups, key: key && { source: key.source, keyId: key.keyId }, problem: null };
  } catch (error) {
    if (!isDbsafeError(error)) throw error;
    return { encryptNewBackups, key: null, problem: error.message };
  }
}

/** The server of the backed-up database, and its engine's client tools (matched to the server's version when it answered). */
async function engineFacts(target: Target | null, verdict: Verdict): Promise<{ server: ServerState | null; tools: ToolInfo[]; toolPath: ToolPath | null }> {
  if (!target) return { server: null, tools: [], toolPath: null };
  const server: ServerState = staticallyRefused(target, verdict.outcomes) ? { state: 'skipped', detail: say.serverSkipped } : await probeWithTimeout(target);
  const archive = await archiveOps(target.engine);
  const answered = server.state === 'answered';
  const tools = await archive.clientTools(answered ? target : undefined);
  const toolPath: ToolPath | null =
    answered && archive.toolPlacement ? await archive.toolPlacement(target).catch((error: Error) => ({ problem: error.message })) : null;
  return { server, tools, toolPath };
}

/**
 * Gather what `dbsafe doctor` reports for the project in `cwd`: versions,
 * project and config, the databases and the offline check verdict, the
 * backed-up database's client tools and server, the backup directory, the
 * integrations and the environment switches. A configuration that cannot be
 * loaded is reported through the check verdict, not thrown.
 */
export async function gatherDoctorFacts(cwd: string, env: Record<string, string | undefined>): Promise<DoctorFacts> {
  const assessment = await assessDirectory({ cwd, env, offline: true });
  const { verdict, context } = assessment;
  const primary = context?.targets.primary ?? null;
  const [engine, backups] = await Promise.all([engineFacts(primary, verdict), context ? backupDirFacts(context) : null]);
  return {
    dbsafe: { version: dbsafeVersion(), node: process.version },
    project: { root: assessment.project.projectRoot, optedIn: context?.optedIn ?? null, configFile: assessment.project.configFile },
    check: {
      verdict: verdict.verdict,
      exitCode: verdict.exitCode,
      reasons: verdict.reasons.map((reason) => ({ rule: reason.rule, message: reason.message, fix: reason.fix })),
    },
    databases: (context?.targets.all ?? []).map((target) => ({ description: describeTarget(target), primary: target === primary, target: redactTarget(target) })),
    engine: primary?.engine ?? null,
    tools: engine.tools,
    toolPath: engine.toolPath,
    server: engine.server,
    backups,
    offsite: context ? await offsiteFacts(backupStoreFor(context)) : null,
    encryption: context ? await encryptionFacts(backupStoreFor(context).keys, backupStoreFor(context).publicKeys) : null,
    notifications: context ? notifyStatus({ config: context.config.config.notify, webhookUrl: findWebhookUrl(context.env, context.dotenv) }) : null,
    integrations: integrationStatus(cwd, env),
    scratchDatabases: leftScratchDatabases(env).map(({ engine, server, database, purpose, pid, createdAt }) => ({ engine, server, database, purpose, pid, createdAt })),
    environment: { dbsafeZero: env.DBSAFE === '0', integrationsDisabled: integrationsDisabled(env).disabled, agent: detectAgentAnywhere(env) },
  };
}
