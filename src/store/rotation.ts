import { databaseKey, newestFirst, type Manifest } from './manifest.js';

/**
 * Which backups rotation deletes: for each database, everything but the
 * newest `retention` backups — and never the newest verified one. Only
 * backups with a dbsafe manifest are ever candidates, so files dbsafe did not
 * write (and its logs) are out of reach by construction. Pure.
 */
export function planRotation(manifests: readonly Manifest[], retention: number): Manifest[] {
  const keep = Math.max(1, Math.floor(retention));
  const byDatabase = new Map<string, Manifest[]>();
  for (const manifest of manifests) {
    const key = databaseKey(manifest);
    byDatabase.set(key, [...(byDatabase.get(key) ?? []), manifest]);
  }
  const doomed: Manifest[] = [];
  for (const group of byDatabase.values()) {
    const ordered = [...group].sort(newestFirst);
    const newestVerified = ordered.find((m) => m.verified);
    doomed.push(...ordered.slice(keep).filter((m) => m !== newestVerified));
  }
  return doomed;
}
