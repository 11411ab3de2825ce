import type { EngineName } from '../target/types.js';
import type { ArchiveOps, LiveOps, SnapshotOps } from './types.js';

/**
 * Engines are loaded on demand so that `check` never loads dump code and
 * `explain` loads no driver at all. Each engine is a folder with `live.ts`
 * (exports `live: LiveOps`) and `archive.ts` (exports `archive: ArchiveOps`);
 * a new engine is a new folder, its name in EngineName and a row in each table.
 * The imports are written out, and the tables kept apart, so the bundler gives
 * `check` the live half only (see package.json "bundle").
 */
const LIVE: Record<EngineName, () => Promise<{ live: LiveOps }>> = {
  postgres: () => import('./postgres/live.js'),
  mysql: () => import('./mysql/live.js'),
  sqlite: () => import('./sqlite/live.js'),
  mongodb: () => import('./mongodb/live.js'),
};

const ARCHIVE: Record<EngineName, () => Promise<{ archive: ArchiveOps }>> = {
  postgres: () => import('./postgres/archive.js'),
  mysql: () => import('./mysql/archive.js'),
  sqlite: () => import('./sqlite/archive.js'),
  mongodb: () => import('./mongodb/archive.js'),
};

export async function liveOps(engine: EngineName): Promise<LiveOps> {
  return (await LIVE[engine]()).live;
}

export async function archiveOps(engine: EngineName): Promise<ArchiveOps> {
  return (await ARCHIVE[engine]()).archive;
}

/**
 * Engines that can hold a snapshot on their own server, and for the others
 * why not (said when `--mode snapshot` or `auto` meets them).
 */
const SNAPSHOT: Record<EngineName, (() => Promise<{ snapshot: SnapshotOps }>) | { unsupported: string }> = {
  postgres: () => import('./postgres/snapshot.js'),
  mysql: () => import('./mysql/snapshot.js'),
  sqlite: () => import('./sqlite/snapshot.js'),
  mongodb: {
    unsupported:
      'MongoDB has no server-side database copy dbsafe can rename into place (copydb was removed in MongoDB 4.2), so its backups are always mongodump archives',
  },
};

/** The engine's snapshot operations, or why it has none. */
export async function snapshotOps(engine: EngineName): Promise<{ ops: SnapshotOps } | { unsupported: string }> {
  const entry = SNAPSHOT[engine];
  if (typeof entry !== 'function') return entry;
  return { ops: (await entry()).snapshot };
}
