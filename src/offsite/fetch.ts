import { promises as fs } from 'node:fs';
import path from 'node:path';
import { commitFile, hashFile, readBackupAt, removeOnExit, writeManifest, type StoredBackup } from '../store/files.js';
import { newestFirst } from '../store/manifest.js';
import { backupDatabaseName, partialName } from '../store/naming.js';
import { prepareBackupDir, type BackupStore } from '../store/store.js';
import { describeLocation } from '../target/describe.js';
import type { Target } from '../target/types.js';
import { offsiteMessages as say } from './messages.js';
import type { OffsiteRemote, RemoteBackup } from './remote.js';
import { offsiteRemotes } from './sync.js';

/** The complete remote backup a selector means: an id, or "latest" of the target's database (this server's first). Pure. */
export function pickRemoteBackup(backups: readonly RemoteBackup[], selector: string, target: Target | null): RemoteBackup | null {
  const complete = backups.filter((b) => b.complete).sort((a, b) => newestFirst(a.manifest, b.manifest));
  if (selector !== 'latest') return complete.find((b) => b.manifest.id === selector) ?? null;
  const database = target ? backupDatabaseName(target) : null;
  const same = complete.filter((b) => !target || (b.manifest.database === database && b.manifest.engine === target.engine));
  return (target && same.find((b) => b.manifest.location === describeLocation(target))) ?? same[0] ?? null;
}

async function download(store: BackupStore, remote: OffsiteRemote, backup: RemoteBackup): Promise<StoredBackup> {
  const { manifest } = backup;
  const final = path.join(store.dir, manifest.file);
  const existing = await readBackupAt(final);
  if (existing && existing.manifest.sha256 === manifest.sha256) return existing;
  const temporary = path.join(store.dir, partialName(manifest.file, process.pid));
  const forget = removeOnExit(temporary);
  try {
    await fs.rm(temporary, { force: true });
    await remote.fetch(backup, temporary);
    const actual = await hashFile(temporary);
    if (actual.sha256 !== manifest.sha256 || actual.size !== manifest.size) throw say.checksumMismatch(remote.name, manifest.id, manifest.sha256, actual.sha256);
    await commitFile(temporary, final);
  } finally {
    await fs.rm(temporary, { force: true });
    forget();
  }
  const manifestFile = await writeManifest(store.dir, manifest);
  return { manifest, manifestFile, file: final };
}

/**
 * Fetch a backup from the first remote that holds it into the local backup
 * directory, its checksum verified against its manifest before it counts;
 * the restore then proceeds as for any local backup.
 */
export async function fetchFromOffsite(store: BackupStore, selector: string, target: Target | null): Promise<{ backup: StoredBackup; remote: string }> {
  const remotes = offsiteRemotes(store.offsite);
  if (remotes.length === 0) throw say.notConfigured();
  await prepareBackupDir(store);
  let firstError: unknown = null;
  for (const remote of remotes) {
    try {
      const chosen = pickRemoteBackup(await remote.list(), selector, target);
      if (chosen) return { backup: await download(store, remote, chosen), remote: remote.name };
    } catch (error) {
      firstError ??= error;
    }
  }
  if (firstError) throw firstError;
  const names = remotes.map((r) => r.name).join(' and ');
  throw selector === 'latest' ? say.noRemoteBackups(names, target ? backupDatabaseName(target) : null) : say.unknownRemoteBackup(names, selector);
}
