import type { Manifest } from '../store/manifest.js';

/** A backup as an offsite remote holds it: its manifest, and whether the file there is whole. */
export interface RemoteBackup {
  manifest: Manifest;
  /** The file is there with the manifest's size (rclone), or in the same snapshot (restic); only complete backups are listed as good. */
  complete: boolean;
  /** Where it is: the rclone path or the restic snapshot id. */
  handle: string;
}

/**
 * One place offsite copies go (one adapter per tool: rclone.ts, restic.ts).
 * Every operation runs the real tool; failures throw DbsafeError with the
 * tool's own words.
 */
export interface OffsiteRemote {
  /** "rclone dav:backups", "restic /srv/repo": for messages and the status file. */
  name: string;
  /** Every backup there, complete or not (a manifest without its whole file is listed as incomplete, never restored). */
  list(): Promise<RemoteBackup[]>;
  /** Upload a backup file and then its manifest, so that a manifest there means the file before it arrived whole. */
  upload(file: string, manifestFile: string, manifest: Manifest): Promise<void>;
  /** Download the backup file into `destination` (created by the tool; the caller verifies its checksum). */
  fetch(backup: RemoteBackup, destination: string): Promise<void>;
  /** Remove a backup there (retention): manifest first. */
  remove(backup: RemoteBackup): Promise<void>;
}
