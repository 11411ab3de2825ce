import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropLeftScratchDatabases, scratchRecordsDir, type ScratchRecord } from '../../src/engines/scratch-database.js';
import type { Target } from '../../src/target/types.js';
import { tempDir } from '../helpers/cli.js';

const target: Target = { engine: 'postgres', host: '127.0.0.1', hosts: ['127.0.0.1'], port: 5432, database: 'app', tls: {}, srv: false, params: {}, origin: { kind: 'flag', name: '--url' }, fields: {} } as unknown as Target;

/** A pid that belonged to a process now gone. */
function deadPid(): number {
  const child = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

function writeRecords(env: Record<string, string>, records: Array<Partial<ScratchRecord>>): string {
  const dir = scratchRecordsDir(env);
  mkdirSync(dir, { recursive: true });
  records.forEach((record, i) =>
    writeFileSync(
      path.join(dir, `r${i}.json`),
      JSON.stringify({ engine: 'postgres', server: '127.0.0.1:5432', pid: deadPid(), processStart: null, createdAt: new Date().toISOString(), purpose: 'x', ...record }),
    ),
  );
  return dir;
}

describe('dropLeftScratchDatabases and records to keep', () => {
  it('drops what a killed run left, but never a kept safety copy unless the store adopts it', async () => {
    const home = tempDir('dbsafe-scratch-keep-');
    const env = { HOME: home.dir };
    const dir = writeRecords(env, [
      { database: 'dbsafe_verify_0123abcd', purpose: 'verify' },
      { database: 'dbsafe_snap_0123abcd', purpose: 'safety copy of app by the restore of app_1', keep: true },
      { database: 'dbsafe_snap_4567abcd', purpose: 'safety copy of other by the restore of other_1', keep: true },
    ]);
    const dropped: string[] = [];
    await dropLeftScratchDatabases(target, async (name) => void dropped.push(name), env);
    expect(dropped).toEqual(['dbsafe_verify_0123abcd']);
    expect(readdirSync(dir)).toHaveLength(2);

    await dropLeftScratchDatabases(target, async (name) => void dropped.push(name), env, { adopts: (record) => record.purpose.startsWith('safety copy of app ') });
    expect(dropped).toEqual(['dbsafe_verify_0123abcd', 'dbsafe_snap_0123abcd']);
    expect(readdirSync(dir)).toHaveLength(1);
    home.cleanup();
  });
});
