import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FRAMEWORK_ROWS, loadFrameworkReaders, signalledFrameworks, type FrameworkRow } from '../../../src/target/frameworks/registry.js';
import { tempDir } from '../../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('the framework registry', () => {
  let loads: string[] = [];
  const row = (framework: FrameworkRow['framework'], signals: string[], commands?: string[]): FrameworkRow => ({
    framework,
    signals,
    ...(commands ? { commands } : {}),
    load: async () => {
      loads.push(framework);
      if (framework === 'typeorm') throw new Error('module missing');
      return () => null;
    },
  });
  const rows = [row('rails', ['config/database.yml']), row('prisma', ['prisma', 'schema.prisma'], ['prisma']), row('typeorm', ['ormconfig.json'])];

  it('loads only the readers whose files exist (in the package or the root) or whose tool the command runs', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    mkdirSync(path.join(dir, 'config'));
    writeFileSync(path.join(dir, 'config/database.yml'), 'development:\n');
    loads = [];
    expect(signalledFrameworks([dir], null, rows).map((r) => r.framework)).toEqual(['rails']);
    expect(loads).toEqual([]);
    expect(signalledFrameworks([path.join(dir, 'config')], ['npx', 'prisma', 'migrate'], rows).map((r) => r.framework)).toEqual(['prisma']);
    const { readers } = await loadFrameworkReaders([dir], ['prisma', 'migrate', 'dev'], rows);
    expect(readers.map((r) => r.framework)).toEqual(['rails', 'prisma']);
    expect(loads).toEqual(['rails', 'prisma']);
  });

  it('a reader that fails to load is reported, not fatal', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    writeFileSync(path.join(dir, 'ormconfig.json'), '{}');
    const { readers, failures } = await loadFrameworkReaders([dir], null, rows);
    expect(readers).toEqual([]);
    expect(failures).toEqual([{ framework: 'typeorm', reason: 'module missing' }]);
  });

  it('every row names at least one signal file', () => {
    for (const entry of FRAMEWORK_ROWS) expect(entry.signals.length, entry.framework).toBeGreaterThan(0);
  });
});
