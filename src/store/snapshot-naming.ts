import { randomBytes } from 'node:crypto';

/**
 * Names of the databases a snapshot lives in, on the user's server. The
 * prefix and the fixed shape make them impossible to take for a user's
 * database, and every one also carries a marker (a database comment). Pure,
 * except for the random part of a new name.
 */
export const SNAPSHOT_PREFIX = 'dbsafe_snap_';
const SNAPSHOT_NAME = /^dbsafe_snap_[0-9a-f]{8}$/;

/** The extension of a snapshot's descriptor file in the backup directory. */
export const SNAPSHOT_EXTENSION = 'snapshot';

export function newSnapshotName(): string {
  return `${SNAPSHOT_PREFIX}${randomBytes(4).toString('hex')}`;
}

export function isSnapshotName(name: string): boolean {
  return SNAPSHOT_NAME.test(name);
}

/** A snapshot's name or one of its copies' (standby, a restore's or an export's copy): every name the store gives an engine to act on. */
export function isSnapshotFamilyName(name: string): boolean {
  return /^dbsafe_snap_[0-9a-f]{8}(_r[0-9a-f]{0,4})?$/.test(name);
}

/** The ready copy a restore renames into place (made in the background after a snapshot or a restore). */
export function standbyName(snapshot: string): string {
  return `${snapshot}_r`;
}

export function isStandbyName(name: string): boolean {
  return /^dbsafe_snap_[0-9a-f]{8}_r$/.test(name);
}

/** A copy made by a restore that found no standby ready. */
export function restoreCopyName(snapshot: string): string {
  return `${snapshot}_r${randomBytes(2).toString('hex')}`;
}

/** The comment each snapshot database carries, so a person looking at the server knows what it is. */
export function snapshotMarker(details: { id: string; database: string; createdAt: string }): string {
  return `dbsafe snapshot ${details.id} of ${details.database}, taken ${details.createdAt}; connections refused. Restore it with: dbsafe restore ${details.id}`;
}
