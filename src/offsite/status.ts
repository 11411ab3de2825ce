import { isDbsafeError } from '../errors.js';
import { redactSecretsInText } from '../redact.js';
import { newestFirst, type Manifest } from '../store/manifest.js';
import { listBackups } from '../store/restore-backup.js';
import type { BackupStore } from '../store/store.js';
import { offsiteMessages as say } from './messages.js';
import { readOffsiteState, type RemoteState } from './state.js';
import { offsiteRemotes, planOffsite } from './sync.js';

export interface RemoteStatus {
  remote: string;
  reachable: boolean;
  /** Why it could not be listed. */
  error?: string;
  /** Complete backups there, newest first. */
  backups: Manifest[];
  /** Manifests there whose file is missing or cut short: never restored, replaced by the next upload. */
  incomplete: string[];
  /** Local backups the remote should hold and does not (the next backup uploads them). */
  missing: string[];
  /** The last upload attempt, from `.offsite.json`. */
  last: RemoteState | null;
}

/** List every remote (this contacts them) and compare with the local backups. */
export async function offsiteStatus(store: BackupStore): Promise<RemoteStatus[]> {
  const remotes = offsiteRemotes(store.offsite);
  if (remotes.length === 0) throw say.notConfigured();
  const local = (await listBackups(store)).map((b) => b.manifest).filter((manifest) => !manifest.snapshot);
  const state = readOffsiteState(store.dir);
  const statuses: RemoteStatus[] = [];
  for (const remote of remotes) {
    const last = state[remote.name] ?? null;
    try {
      const held = await remote.list();
      const plan = planOffsite(local, held, store.offsite?.keep ?? store.retention);
      statuses.push({
        remote: remote.name,
        reachable: true,
        backups: held.filter((b) => b.complete).map((b) => b.manifest).sort(newestFirst),
        incomplete: held.filter((b) => !b.complete).map((b) => b.manifest.id),
        missing: plan.upload.map((m) => m.id),
        last,
      });
    } catch (error) {
      if (!isDbsafeError(error)) throw error;
      statuses.push({ remote: remote.name, reachable: false, error: redactSecretsInText(error.message), backups: [], incomplete: [], missing: [], last });
    }
  }
  return statuses;
}
