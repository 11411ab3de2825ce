import type { EngineName } from '../target/types.js';
import type { ArchiveOps, LiveOps } from './types.js';

/**
 * Engines are loaded on demand so that `check` never loads dump code and
 * `explain` loads no driver at all. Each engine is a folder with `live.ts`
 * (exports `live: LiveOps`) and `archive.ts` (exports `archive: ArchiveOps`);
 * a new engine is a new folder plus its name in EngineName.
 */
export async function liveOps(engine: EngineName): Promise<LiveOps> {
  const module = (await import(/* @vite-ignore */ `./${engine}/live.js`)) as { live: LiveOps };
  return module.live;
}

export async function archiveOps(engine: EngineName): Promise<ArchiveOps> {
  const module = (await import(/* @vite-ignore */ `./${engine}/archive.js`)) as { archive: ArchiveOps };
  return module.archive;
}
