import { appendAuditEntry, auditContext, auditLogPath } from '../audit/log.js';
import { isDbsafeError } from '../errors.js';
import { redactSecretsInText } from '../redact.js';
import { renameBackup, type StoredBackup } from '../store/files.js';
import { firstFreeId } from '../store/naming.js';
import { databaseKey, type Manifest } from '../store/manifest.js';
import { listBackups } from '../store/restore-backup.js';
import { planRotation } from '../store/rotation.js';
import type { BackupStore } from '../store/store.js';
import type { OffsiteConfig } from './config.js';
import { offsiteMessages as say } from './messages.js';
import { rcloneRemote } from './rclone.js';
import type { OffsiteRemote, RemoteBackup } from './remote.js';
import { resticRemote } from './restic.js';
import { readOffsiteState, writeOffsiteState, type RemoteState } from './state.js';

/** The remotes of the "offsite" row, rclone first. */
export function offsiteRemotes(config: OffsiteConfig | undefined): OffsiteRemote[] {
  return [...(config?.rclone ? [rcloneRemote(config.rclone)] : []), ...(config?.restic ? [resticRemote(config.restic)] : [])];
}

const sameBackup = (a: Manifest, b: Manifest) => a.id === b.id && a.sha256 === b.sha256;

/**
 * Local backups whose id a different backup already has on the remote, each
 * with a new id free both here and there. Ids are unique only within one
 * store: after the local store was lost, a new backup made in the same
 * second as one kept offsite gets that backup's id, and uploading it would
 * overwrite the only copy of the older one. Pure.
 */
export function planRenames(local: readonly Manifest[], remote: readonly RemoteBackup[]): { manifest: Manifest; newId: string }[] {
  const remoteById = new Map(remote.map((b) => [b.manifest.id, b.manifest]));
  const taken = new Set([...local.map((m) => m.id), ...remoteById.keys()]);
  const renames: { manifest: Manifest; newId: string }[] = [];
  for (const manifest of local) {
    const there = remoteById.get(manifest.id);
    if (!there || there.sha256 === manifest.sha256) continue;
    const newId = firstFreeId(manifest.id, (id) => taken.has(id));
    taken.add(newId);
    renames.push({ manifest, newId });
  }
  return renames;
}

/**
 * What one remote should end up holding: the union of what is there (whole)
 * and what is here, rotated with the offsite count. Pure.
 */
export function planOffsite(local: readonly Manifest[], remote: readonly RemoteBackup[], keep: number): { upload: Manifest[]; remove: RemoteBackup[] } {
  const complete = remote.filter((b) => b.complete);
  const localOnly = local.filter((m) => !complete.some((r) => sameBackup(r.manifest, m)));
  const all = [...complete.map((b) => b.manifest), ...localOnly];
  const doomed = new Set(planRotation(all, keep));
  return {
    upload: localOnly.filter((m) => !doomed.has(m)).reverse(),
    remove: complete.filter((b) => doomed.has(b.manifest)),
  };
}

export interface SyncResult {
  remote: string;
  ok: boolean;
  uploaded: string[];
  removed: string[];
  /** Local backups given a new id because the remote holds a different backup under theirs (said in words). */
  renamed: string[];
  error?: string;
}

function audit(store: BackupStore, result: SyncResult, started: number): void {
  try {
    appendAuditEntry(auditLogPath(store.projectRoot, store.dir), {
      time: new Date(started).toISOString(),
      operation: 'offsite',
      decision: result.ok ? 'offsite-uploaded' : 'offsite-failed',
      rule: result.ok ? `${result.renamed.map((line) => `${line}; `).join('')}${say.uploaded(result.remote, result.uploaded)}${result.removed.length ? `; removed ${result.removed.join(', ')} (offsite.keep)` : ''}` : `${result.remote}: ${result.error}`,
      target: null,
      command: null,
      backupId: result.uploaded.at(-1) ?? null,
      exitCode: null,
      durationMs: Date.now() - started,
      ...auditContext(process.cwd(), process.env),
      agent: null,
    });
  } catch {
    // The audit log is beside the backups; a failure there shows in the next command that writes it.
  }
}

async function syncOne(remote: OffsiteRemote, local: StoredBackup[], keep: number): Promise<SyncResult> {
  const uploaded: string[] = [];
  const renamed: string[] = [];
  const removed: string[] = [];
  try {
    const listed = await remote.list();
    for (const { manifest, newId } of planRenames(
      local.map((b) => b.manifest),
      listed,
    )) {
      const index = local.findIndex((b) => b.manifest === manifest);
      local[index] = await renameBackup(local[index]!, newId);
      renamed.push(say.renamedForRemote(manifest.id, newId, remote.name));
    }
    const plan = planOffsite(
      local.map((b) => b.manifest),
      listed,
      keep,
    );
    for (const manifest of plan.upload) {
      const backup = local.find((b) => b.manifest === manifest)!;
      await remote.upload(backup.file, backup.manifestFile, manifest);
      uploaded.push(manifest.id);
    }
    for (const backup of plan.remove) {
      await remote.remove(backup);
      removed.push(backup.manifest.id);
    }
    return { remote: remote.name, ok: true, uploaded, removed, renamed };
  } catch (error) {
    if (!isDbsafeError(error)) throw error;
    return { remote: remote.name, ok: false, uploaded, removed, renamed, error: redactSecretsInText(error.message) };
  }
}

/**
 * Bring every configured remote up to date with the local backups: upload
 * what is missing there (oldest first), apply the offsite retention, record
 * the outcome for health and doctor and in the audit log. A tool or network
 * failure is a result, never an exception.
 */
export async function syncOffsite(store: BackupStore): Promise<SyncResult[]> {
  const remotes = offsiteRemotes(store.offsite);
  if (remotes.length === 0) return [];
  // Snapshots live on the database's own server: only file backups have anything to copy.
  const local = (await listBackups(store)).filter((backup) => !backup.manifest.snapshot);
  const keep = store.offsite?.keep ?? store.retention;
  const state = readOffsiteState(store.dir);
  const results: SyncResult[] = [];
  for (const remote of remotes) {
    const started = Date.now();
    const result = await syncOne(remote, local, keep);
    results.push(result);
    if (!result.ok || result.uploaded.length > 0 || result.removed.length > 0 || result.renamed.length > 0) audit(store, result, started);
    const newest = new Map<string, Manifest>();
    for (const { manifest } of local) if (!newest.has(databaseKey(manifest))) newest.set(databaseKey(manifest), manifest);
    const entry: RemoteState = { at: new Date(started).toISOString(), ok: result.ok, missing: result.ok ? [] : [...newest.values()].map((m) => m.id).filter((id) => !result.uploaded.includes(id)) };
    if (result.error) entry.error = result.error;
    state[remote.name] = entry;
  }
  await writeOffsiteState(store.dir, state).catch(() => undefined);
  return results;
}

/** After a backup: sync, and warn on stderr about a remote that failed. Never throws: a failed upload never fails the backup or the guarded command. */
export async function uploadAfterBackup(store: BackupStore): Promise<SyncResult[]> {
  try {
    const results = await syncOffsite(store);
    for (const result of results) for (const line of result.renamed) process.stderr.write(`dbsafe: ${line}\n`);
    for (const result of results) if (!result.ok) process.stderr.write(`dbsafe: ${say.uploadFailedWarning(result.remote, result.error ?? 'unknown error')}\n`);
    return results;
  } catch (error) {
    process.stderr.write(`dbsafe: ${say.uploadFailedWarning('the offsite remote', (error as Error).message)}\n`);
    return [];
  }
}
