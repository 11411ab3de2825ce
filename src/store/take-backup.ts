import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { isDbsafeError } from '../errors.js';
import { archiveOps } from '../engines/registry.js';
import type { ProgressSink } from '../engines/types.js';
import { describeLocation } from '../target/describe.js';
import type { Target } from '../target/types.js';
import { commitFile, deleteBackup, hashedOutput, hashFile, readBackups, removeOnExit, writeManifest } from './files.js';
import { acquireDatabaseLock } from './lock.js';
import type { Manifest } from './manifest.js';
import { storeMessages } from './messages.js';
import { backupDatabaseName, backupFileName, chooseBackupId, manifestName, partialName, SEALED_EXTENSIONS } from './naming.js';
import { encryptionForNewBackups } from '../encryption/public-keys.js';
import { writeSealedBackup } from './sealed.js';
import { keyForNewBackups, sealArchive } from './encrypted.js';
import { ensureBackupDirIgnored } from './gitignore.js';
import { dbsafeVersion } from '../package-root.js';
import { redactCommandLine } from '../redact.js';
import { gitProvenance } from './provenance.js';
import { planRotation } from './rotation.js';
import { prepareBackupDir, retentionPolicy, type BackupStore } from './store.js';
import type { RuleKind } from '../rules/types.js';

export interface BackupRequest {
  /** The command that caused this backup ("npm test"), "pre-restore", or "manual". */
  trigger: string;
  label?: string | null;
  progress?: ProgressSink;
  /** The command rule's kind of the guarded command this backup is taken before (rotation keeps the newest before a migration). */
  commandKind?: RuleKind | null;
  /** Run rotation after the backup (default). A restore rotates only once it no longer needs its source. */
  rotate?: boolean;
  /** The database the dump reads, when it is not `target` itself (a snapshot's private copy, for `dbsafe snapshot export`); the backup is filed under `target`. */
  source?: Target;
}

/**
 * Take a verified backup of `target` now: the database is locked against
 * other dbsafe processes, the archive is written under a temporary name,
 * checked by the engine's own tool, made durable, renamed, and only then
 * described by its manifest. Rotation runs last. Returns the manifest.
 */
export async function takeBackup(store: BackupStore, target: Target, request: BackupRequest): Promise<Manifest> {
  return underDatabaseLock(store, target, request.trigger, () => takeBackupHoldingLock(store, target, request));
}

/**
 * Run `take` holding the database's lock against other dbsafe processes;
 * then, outside the lock, copy a file backup offsite: an upload never holds
 * up another dbsafe process, and never fails the backup.
 */
export async function underDatabaseLock(store: BackupStore, target: Target, trigger: string, take: () => Promise<Manifest>): Promise<Manifest> {
  await prepareBackupDir(store);
  const release = await acquireDatabaseLock(store.dir, backupDatabaseName(target), {
    waitMs: store.lockWaitMs,
    purpose: `backup (${redactCommandLine(trigger)})`,
  });
  let manifest: Manifest;
  try {
    manifest = await take();
  } finally {
    await release();
  }
  // Snapshots live on the database's own server: only file backups are copied.
  if (store.offsite && !manifest.snapshot) await (await import('../offsite/sync.js')).uploadAfterBackup(store);
  return manifest;
}

/** takeBackup for a caller that already holds the database's lock (restore's safety backup). */
export async function takeBackupHoldingLock(store: BackupStore, target: Target, request: BackupRequest): Promise<Manifest> {
  const archive = await archiveOps(target.engine);
  // A missing or malformed key, an invalid recipient: configuration errors, found before anything is dumped. age or gpg recipients win over the older key.
  const sealing = await encryptionForNewBackups(store.publicKeys);
  const key = sealing ? null : await keyForNewBackups(store);
  const database = backupDatabaseName(target);
  const createdAt = new Date();
  const id = chooseBackupId(database, createdAt, (candidate) =>
    [manifestName(candidate), backupFileName(candidate, archive.extension, false), ...SEALED_EXTENSIONS.map((sealed) => backupFileName(candidate, archive.extension, sealed))].some((name) =>
      existsSync(path.join(store.dir, name)),
    ),
  );
  const file = backupFileName(id, archive.extension, sealing ? sealing.format : key !== null);
  const finalPath = path.join(store.dir, file);
  // The engine writes (and checks) the plaintext archive here; when encrypting, it is sealed into `sealed` and removed.
  const temporary = path.join(store.dir, partialName(backupFileName(id, archive.extension, false), process.pid));
  const sealed = path.join(store.dir, partialName(file, process.pid));
  // Before anything is written: a backup directory git would not ignore gets no dump.
  if ((await ensureBackupDirIgnored(store.projectRoot, store.dir)) === 'unignorable') throw storeMessages.dirUnignorable(store.dir);
  // The provenance costs a few git process starts; it runs while the dump streams.
  const chores = gitProvenance(store.projectRoot).then(
    (git) => ({ git }),
    (error: unknown) => ({ error }),
  );
  const output = hashedOutput(temporary, request.progress);
  const stopPolling = pollFileSize(temporary, output.usedStream, request.progress);
  const forgetTemporary = key ? removeOnExit(temporary) : () => undefined;
  let written: { sha256: string; size: number };
  let encryption: Manifest['encryption'];
  let facts;
  try {
    if (sealing) {
      const result = await writeSealedBackup(archive, request.source ?? target, sealing, { storeDir: store.dir, id, sealedPath: sealed, compression: store.compression }, request.progress);
      ({ facts, stored: written, encryption } = result);
      if (result.encryption.plainSize === 0) throw storeMessages.emptyBackup(facts.clientTool);
      await commitFile(sealed, finalPath);
    } else {
      facts = await archive.backup(request.source ?? target, output, { compression: store.compression });
      // A file the engine's tool wrote itself is hashed while the engine's check reads it (two cores, one pass each, no wait in between).
      const streamed = output.streamed();
      const [hashed, checked] = await Promise.allSettled([streamed ?? hashFile(temporary), archive.checkArchive(temporary, target)]);
      if (hashed.status === 'rejected') throw hashed.reason;
      written = hashed.value;
      if (written.size === 0) throw storeMessages.emptyBackup(facts.clientTool);
      if (checked.status === 'rejected') throw checked.reason;
      if (key) {
        ({ encryption, ...written } = await sealArchive(temporary, sealed, key, written));
        await fs.rm(temporary, { force: true });
        await commitFile(sealed, finalPath);
      } else {
        await commitFile(temporary, finalPath);
      }
    }
  } catch (error) {
    await fs.rm(temporary, { force: true });
    await fs.rm(sealed, { force: true });
    throw explainWriteFailure(store.dir, error, output.fileError());
  } finally {
    stopPolling();
    forgetTemporary();
  }
  const settled = await chores;
  if ('error' in settled) {
    await fs.rm(finalPath, { force: true });
    throw settled.error;
  }
  const manifest: Manifest = {
    manifestVersion: 1,
    id,
    file,
    engine: target.engine,
    database,
    location: describeLocation(target),
    user: target.user ?? null,
    size: written.size,
    sha256: written.sha256,
    clientTool: facts.clientTool,
    serverVersion: facts.serverVersion,
    trigger: redactCommandLine(request.trigger),
    label: request.label ?? null,
    ...(request.commandKind ? { commandKind: request.commandKind } : {}),
    git: settled.git,
    createdAt: createdAt.toISOString(),
    finishedAt: new Date().toISOString(),
    verified: true,
    dbsafeVersion: dbsafeVersion(),
    ...(facts.compression ? { compression: facts.compression } : {}),
    ...(encryption ? { encryption } : {}),
  };
  try {
    await writeManifest(store.dir, manifest);
  } catch (error) {
    // Without its manifest the file is not a backup; do not leave it pretending to be one.
    await fs.rm(finalPath, { force: true });
    throw explainWriteFailure(store.dir, error, null);
  }
  if (request.rotate !== false) await rotate(store, target);
  return manifest;
}

/**
 * Delete what the retention policy no longer keeps. A snapshot lives on its
 * server: it is dropped only by a command holding a target on that server
 * (`target`), and kept until then.
 */
export async function rotate(store: BackupStore, target?: Target): Promise<Manifest[]> {
  const backups = await readBackups(store.dir);
  const doomed = new Set(planRotation(backups.map((b) => b.manifest), retentionPolicy(store)));
  const deleted: Manifest[] = [];
  for (const backup of backups) {
    if (!doomed.has(backup.manifest)) continue;
    if (backup.manifest.snapshot) {
      const { dropSnapshot, onSameServer, requireSnapshotOps } = await import('./snapshot-store.js');
      if (!target || !onSameServer(backup.manifest, target)) continue;
      await dropSnapshot(target, backup, await requireSnapshotOps(target, backup.manifest.id));
    } else await deleteBackup(backup);
    deleted.push(backup.manifest);
  }
  return deleted;
}

function explainWriteFailure(dir: string, error: unknown, fileError: NodeJS.ErrnoException | null): unknown {
  const code = fileError?.code ?? (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return storeMessages.diskFull(dir);
  if (isDbsafeError(error)) return error;
  if (fileError) return storeMessages.writeFailed(dir, fileError.message);
  return error;
}

/** Progress for engines whose tool writes the file itself: watch the file grow. */
function pollFileSize(file: string, streaming: () => boolean, progress?: ProgressSink): () => void {
  if (!progress) return () => undefined;
  const timer = setInterval(() => {
    if (streaming()) return;
    fs.stat(file).then((stat) => progress(stat.size), () => undefined);
  }, 250);
  timer.unref();
  return () => clearInterval(timer);
}
