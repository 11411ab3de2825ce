import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { snapshotOps } from '../engines/registry.js';
import { dropLeftScratchDatabases, leftScratchDatabases, recordKeptDatabase, recordScratchDatabase, scratchRecordFile, type ScratchRecord } from '../engines/scratch-database.js';
import type { SnapshotOps } from '../engines/types.js';
import { dbsafeVersion } from '../package-root.js';
import { redactCommandLine } from '../redact.js';
import { describeLocation } from '../target/describe.js';
import type { Target } from '../target/types.js';
import { commitFile, deleteBackup, hashFile, readBackups, writeManifest, type StoredBackup } from './files.js';
import type { Manifest } from './manifest.js';
import { backupDatabaseName, backupFileName, chooseBackupId, manifestName, partialName } from './naming.js';
import { gitProvenance } from './provenance.js';
import { isSnapshotName, newSnapshotName, restoreCopyName, snapshotMarker, SNAPSHOT_EXTENSION, standbyName } from './snapshot-naming.js';
import { snapshotMessages } from './snapshot-messages.js';
import type { BackupStore } from './store.js';
import { stepBoundary } from './step-boundary.js';
import type { BackupRequest } from './take-backup.js';

/** The descriptor a snapshot's manifest points at: what the checksum covers, so the database it names cannot be swapped under it. */
interface SnapshotDescriptor {
  engine: string;
  location: string;
  source: string;
  snapshot: string;
}

export async function requireSnapshotOps(target: Target, id: string): Promise<SnapshotOps> {
  const found = await snapshotOps(target.engine);
  if ('unsupported' in found) throw snapshotMessages.unsupported(id, found.unsupported);
  return found.ops;
}

export function onSameServer(manifest: Pick<Manifest, 'engine' | 'location'>, target: Target): boolean {
  return manifest.engine === target.engine && manifest.location === describeLocation(target);
}

/**
 * Snapshots left by a killed dbsafe: a copy whose manifest was never
 * written, a standby whose copy was cut off. Only recorded names of the
 * snapshot shape are dropped; a recorded snapshot that has its manifest
 * is the store's, and only its record goes.
 */
export async function cleanSnapshotLeftovers(store: BackupStore, target: Target, ops: SnapshotOps): Promise<void> {
  const owned = new Set((await readBackups(store.dir)).flatMap((b) => (b.manifest.snapshot ? [b.manifest.snapshot.database] : [])));
  const isAdoptable = (record: ScratchRecord) =>
    record.purpose.startsWith(`${SAFETY_PURPOSE} ${target.database} by`) && record.server === describeLocation(target) && record.engine === target.engine;
  const adoptable = new Map(leftScratchDatabases().filter(isAdoptable).map((record) => [record.database, record]));
  // Another database's safety copy is left alone, for a command on that database to adopt.
  await dropLeftScratchDatabases(target, async (name) => {
    if (owned.has(name)) return;
    const record = adoptable.get(name);
    // A restore killed after its swap: the database it replaced is the person's only copy of that state. Keep it as a snapshot.
    if (record && isSnapshotName(name) && (await ops.exists(target, name))) {
      const createdAt = new Date(record.createdAt);
      await describeSnapshot(store, target, {
        id: newSnapshotId(store, target, Number.isNaN(createdAt.getTime()) ? new Date() : createdAt),
        name,
        createdAt: Number.isNaN(createdAt.getTime()) ? new Date() : createdAt,
        method: 'the replaced database itself, renamed (kept after an interrupted restore)',
        serverVersion: '',
        sizeBytes: null,
        request: { trigger: `pre-restore (before restoring ${record.purpose.slice(record.purpose.indexOf(RESTORE_OF) + RESTORE_OF.length)})`, label: null },
      });
      return;
    }
    await ops.drop(target, name);
  }, process.env, { adopts: isAdoptable });
}

/** cleanSnapshotLeftovers for a command that has no snapshot at hand yet (undo, before it lists what can be undone). */
export async function tidySnapshotLeftovers(store: BackupStore, target: Target): Promise<void> {
  const found = await snapshotOps(target.engine);
  if ('ops' in found) await cleanSnapshotLeftovers(store, target, found.ops);
}

/**
 * Record the name a restore's safety copy will have, before the restore
 * starts: if dbsafe dies after the swap, the replaced database is adopted as
 * a snapshot by the next run, never dropped by a clean-up.
 */
export function recordSafetyCopy(target: Target, name: string, restoredId: string): () => void {
  return recordKeptDatabase(target, name, safetyCopyPurpose(target, restoredId));
}

export function safetyCopyPurpose(target: Target, restoredId: string): string {
  return `${SAFETY_PURPOSE} ${target.database}${RESTORE_OF}${restoredId}`;
}

/** The purpose a safety copy is recorded under until its manifest exists: a killed restore's copy is adopted, not dropped. */
const SAFETY_PURPOSE = 'safety copy of';
const RESTORE_OF = ' by the restore of ';

async function writeDescriptor(store: BackupStore, id: string, descriptor: SnapshotDescriptor): Promise<{ file: string; sha256: string; size: number }> {
  const file = backupFileName(id, SNAPSHOT_EXTENSION, false);
  const temporary = path.join(store.dir, partialName(file, process.pid));
  await fs.writeFile(temporary, `${JSON.stringify(descriptor, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await commitFile(temporary, path.join(store.dir, file));
  return { file, ...(await hashFile(path.join(store.dir, file))) };
}

export function newSnapshotId(store: BackupStore, target: Target, createdAt: Date): string {
  return chooseBackupId(backupDatabaseName(target), createdAt, (candidate) =>
    existsSync(path.join(store.dir, manifestName(candidate))) || existsSync(path.join(store.dir, backupFileName(candidate, SNAPSHOT_EXTENSION, false))),
  );
}

/**
 * Record a snapshot database that now exists on the server as a backup of
 * the store: descriptor file, then manifest (the snapshot is real only once
 * the manifest is written).
 */
export async function describeSnapshot(
  store: BackupStore,
  target: Target,
  details: {
    id: string;
    name: string;
    createdAt: Date;
    method: string;
    serverVersion: string;
    sizeBytes: number | null;
    tableRows?: Record<string, number>;
    request: BackupRequest;
    /** The project's git state, when the caller asked git already (a restore asks while it works). */
    git?: ReturnType<typeof gitProvenance>;
  },
): Promise<Manifest> {
  const git = details.git ?? gitProvenance(store.projectRoot);
  const written = await writeDescriptor(store, details.id, { engine: target.engine, location: describeLocation(target), source: target.database, snapshot: details.name });
  const manifest: Manifest = {
    manifestVersion: 1,
    id: details.id,
    file: written.file,
    engine: target.engine,
    database: backupDatabaseName(target),
    location: describeLocation(target),
    user: target.user ?? null,
    size: written.size,
    sha256: written.sha256,
    clientTool: details.method,
    serverVersion: details.serverVersion,
    trigger: redactCommandLine(details.request.trigger),
    label: details.request.label ?? null,
    ...(details.request.commandKind ? { commandKind: details.request.commandKind } : {}),
    git: await git,
    createdAt: details.createdAt.toISOString(),
    finishedAt: new Date().toISOString(),
    verified: true,
    dbsafeVersion: dbsafeVersion(),
    snapshot: { database: details.name, method: details.method, sizeBytes: details.sizeBytes, ...(details.tableRows ? { tableRows: details.tableRows } : {}) },
  };
  try {
    await writeManifest(store.dir, manifest);
  } catch (error) {
    await fs.rm(path.join(store.dir, written.file), { force: true });
    throw error;
  }
  return manifest;
}

/**
 * Take a snapshot of `target` on its own server, the caller holding the
 * database's lock. The new database is recorded before it exists, so a kill
 * before its manifest is written leaves a copy the next run drops; then a
 * standby copy is started in the background, so that a restore is a rename.
 */
export async function takeSnapshotHoldingLock(store: BackupStore, target: Target, request: BackupRequest, ops: SnapshotOps): Promise<Manifest> {
  await cleanSnapshotLeftovers(store, target, ops);
  const createdAt = new Date();
  const id = newSnapshotId(store, target, createdAt);
  const name = newSnapshotName();
  const marker = snapshotMarker({ id, database: target.database, createdAt: createdAt.toISOString() });
  const forget = recordScratchDatabase(target, name, `snapshot ${id} being taken`);
  stepBoundary('snapshot:recorded');
  let facts;
  try {
    facts = await ops.create(target, name, marker);
  } catch (error) {
    // CREATE DATABASE is all-or-nothing: nothing was made.
    forget();
    throw error;
  }
  stepBoundary('snapshot:created');
  let manifest: Manifest;
  try {
    manifest = await describeSnapshot(store, target, { id, name, createdAt, ...facts, request });
  } catch (error) {
    // The drop takes the record over (and forgets it once done).
    await ops.drop(target, name).catch(() => undefined);
    throw error;
  }
  stepBoundary('snapshot:described');
  forget();
  await startCopyInBackground(ops.prepareCopyInBackground(target, name, standbyName(name), marker));
  return manifest;
}

/** A standby copy prepared by prepareCopyInBackground, started; one that cannot be is made by the next restore instead. */
async function startCopyInBackground(prepared: Promise<() => Promise<boolean>>): Promise<void> {
  await prepared.then((start) => start()).catch(() => false);
}

async function readDescriptor(backup: StoredBackup): Promise<SnapshotDescriptor> {
  const descriptor = JSON.parse(await fs.readFile(backup.file, 'utf8')) as SnapshotDescriptor;
  if (descriptor.snapshot !== backup.manifest.snapshot?.database) throw snapshotMessages.descriptorMismatch(backup.manifest.id);
  return descriptor;
}

/**
 * The snapshot's standby copy is there and no dbsafe is still making or
 * dropping it (its scratch record goes once the copy committed or the drop
 * is done): only then may a restore rename it into place.
 */
async function standbyReady(target: Target, standby: string, ops: SnapshotOps): Promise<boolean> {
  if (existsSync(scratchRecordFile(target, standby))) return false;
  return ops.exists(target, standby);
}

export interface SnapshotRestoreResult {
  /** The database the restore replaced, kept as a snapshot of its own; null when there was none. */
  safetyCopy: Manifest | null;
  /** The engine's word on how the swap was done, when it was not the usual way. */
  note?: string;
}

/**
 * Put snapshot `backup` in place of `target`'s database, the caller holding
 * the lock and having checked the descriptor's checksum. The live database is
 * renamed into a safety copy in the same transaction that renames the
 * standby into place, so the name never points at nothing; the safety copy
 * then gets its manifest (a snapshot like any other: listed, rotated,
 * restorable — undo of the restore). The snapshot itself is untouched: a new
 * standby is made in the background for the next restore.
 */
export async function restoreSnapshotHoldingLock(store: BackupStore, target: Target, backup: StoredBackup, ops: SnapshotOps): Promise<SnapshotRestoreResult> {
  const release = ops.holdConnection?.(target);
  try {
    return await restoreSnapshot(store, target, backup, ops);
  } finally {
    await release?.();
  }
}

async function restoreSnapshot(store: BackupStore, target: Target, backup: StoredBackup, ops: SnapshotOps): Promise<SnapshotRestoreResult> {
  const snapshot = backup.manifest.snapshot!;
  if (!onSameServer(backup.manifest, target)) throw snapshotMessages.otherServer(backup.manifest.id, backup.manifest.location);
  await readDescriptor(backup);
  // Only the safety copy's manifest needs it: git's processes run while the restore does.
  const git = gitProvenance(store.projectRoot);
  let standby = standbyName(snapshot.database);
  const baseMarker = snapshotMarker({ id: backup.manifest.id, database: target.database, createdAt: backup.manifest.createdAt });
  // The next standby copy only reads the snapshot, which the restore leaves as it is: prepared meanwhile, started at the end.
  const standbyCopy = ops.prepareCopyInBackground(target, snapshot.database, standbyName(snapshot.database), baseMarker);
  standbyCopy.catch(() => undefined);
  // Independent look-ups at once (each is a round trip to the server). The clean-up drops recorded names
  // only, and a recorded standby is never ready: the two do not depend on each other. The lock keeps the
  // live database as it is meanwhile.
  const [snapshotExists, standbyExists, liveExisted] = await Promise.all([
    ops.exists(target, snapshot.database),
    standbyReady(target, standbyName(snapshot.database), ops),
    ops.exists(target, target.database),
    cleanSnapshotLeftovers(store, target, ops),
  ]);
  if (!snapshotExists) throw snapshotMessages.missing(backup.manifest.id, snapshot.database, backup.manifest.location);
  const createdAt = new Date();
  const safetyId = newSnapshotId(store, target, createdAt);
  const safetyName = newSnapshotName();
  const safetyMarker = snapshotMarker({ id: safetyId, database: target.database, createdAt: createdAt.toISOString() });
  let forgetStandby = () => undefined as void;
  if (!standbyExists) {
    standby = restoreCopyName(snapshot.database);
    forgetStandby = recordScratchDatabase(target, standby, `restore of ${backup.manifest.id}: copy of the snapshot`);
    await ops.copy(target, snapshot.database, standby, baseMarker).catch((error: unknown) => {
      forgetStandby();
      throw error;
    });
  }
  stepBoundary('restore:copied');
  // The next standby copy's plan is read before the swap, which may share its connection: the session settings the swap
  // sets (the programs' sql_mode) must not shape the plan's SHOW CREATE TABLE.
  await standbyCopy.catch(() => undefined);
  const forgetSafety = recordSafetyCopy(target, safetyName, backup.manifest.id);
  let swapped;
  try {
    swapped = await ops.swapIn(target, standby, safetyName, safetyMarker);
  } catch (error) {
    forgetSafety();
    if (standby !== standbyName(snapshot.database)) await ops.drop(target, standby).catch(() => undefined);
    throw error;
  }
  // The standby now carries the target's name: its record goes before anything could act on it.
  forgetStandby();
  stepBoundary('restore:swapped');
  let safetyCopy: Manifest | null = null;
  if (liveExisted) {
    safetyCopy = await describeSnapshot(store, target, {
      id: safetyId,
      name: safetyName,
      createdAt,
      method: 'the replaced database itself, renamed',
      serverVersion: backup.manifest.serverVersion,
      sizeBytes: null,
      // No label: a labelled backup is kept until forgotten, and safety copies take the server's disk.
      request: { trigger: `pre-restore (before restoring ${backup.manifest.id})`, label: null },
      git,
    });
  }
  stepBoundary('restore:described');
  forgetSafety();
  // The next standby copy starts only now, detached and not waited for: a kill before this point leaves no copy under way.
  await startCopyInBackground(standbyCopy);
  return { safetyCopy, ...(swapped ? { note: swapped.note } : {}) };
}

/** Remove a snapshot: recorded first, so a kill half-way leaves a database the next run drops, never one nobody knows. */
export async function dropSnapshot(target: Target, backup: StoredBackup, ops: SnapshotOps): Promise<void> {
  const name = backup.manifest.snapshot!.database;
  const forget = recordScratchDatabase(target, name, `snapshot ${backup.manifest.id} being removed`);
  await deleteBackup(backup);
  await ops.drop(target, standbyName(name));
  // The drop takes the record over (`forget` is not called): it goes once the database is gone, in the background on PostgreSQL.
  void forget;
  await ops.drop(target, name);
}

/** Is the snapshot's database still on the server (verify's check: it holds data nobody else can read). */
export async function snapshotPresent(target: Target, backup: StoredBackup, ops: SnapshotOps): Promise<boolean> {
  await readDescriptor(backup);
  return ops.exists(target, backup.manifest.snapshot!.database);
}
