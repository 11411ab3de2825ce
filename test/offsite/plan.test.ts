import { describe, expect, it } from 'vitest';
import { validateOffsiteConfig } from '../../src/offsite/config.js';
import { rclonePath } from '../../src/offsite/rclone.js';
import type { RemoteBackup } from '../../src/offsite/remote.js';
import { planOffsite, planRenames } from '../../src/offsite/sync.js';
import type { Manifest } from '../../src/store/manifest.js';

function manifest(id: string, minute: number, label: string | null = null): Manifest {
  return {
    manifestVersion: 1, id, file: `${id}.dump`, engine: 'postgres', database: 'app', location: '127.0.0.1:5432', user: null, size: 10,
    sha256: 'a'.repeat(64), clientTool: 'pg_dump', serverVersion: '15', trigger: 'manual', label, git: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(), finishedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(), verified: true, dbsafeVersion: '0.1.0',
  };
}
const remote = (m: Manifest, complete = true): RemoteBackup => ({ manifest: m, complete, handle: m.file });

describe('planOffsite', () => {
  it('uploads what is missing (oldest first) and removes what offsite.keep no longer keeps', () => {
    const [a, b, c, d] = [manifest('a', 1), manifest('b', 2), manifest('c', 3), manifest('d', 4)];
    const plan = planOffsite([d, c, b], [remote(a), remote(b)], 2);
    expect(plan.upload.map((m) => m.id)).toEqual(['c', 'd']);
    expect(plan.remove.map((r) => r.manifest.id)).toEqual(['a', 'b']);
  });

  it('re-uploads a backup whose copy there is incomplete, and never removes an incomplete copy it did not count', () => {
    const a = manifest('a', 1);
    expect(planOffsite([a], [remote(a, false)], 5)).toEqual({ upload: [a], remove: [] });
  });

  it('does not upload a local backup the offsite retention would delete at once', () => {
    const [a, b, c] = [manifest('a', 1), manifest('b', 2), manifest('c', 3)];
    expect(planOffsite([a], [remote(b), remote(c)], 2).upload).toEqual([]);
  });
});

describe('planRenames', () => {
  const other = (m: Manifest): Manifest => ({ ...m, sha256: 'b'.repeat(64) });
  it('renames a local backup whose id the remote gives to a different backup, to an id free on both sides', () => {
    const [a, a2] = [manifest('app_20260101_000000', 1), manifest('app_20260101_000000_2', 1)];
    const renames = planRenames([a], [remote(other(a)), remote(other(a2))]);
    expect(renames.map((r) => [r.manifest.id, r.newId])).toEqual([['app_20260101_000000', 'app_20260101_000000_3']]);
  });

  it('leaves alone the same backup there (whole or cut short) and ids the remote does not have', () => {
    const [a, b] = [manifest('a', 1), manifest('b', 2)];
    expect(planRenames([a, b], [remote(a), remote(a, false)])).toEqual([]);
  });
});

describe('the "offsite" configuration row', () => {
  it.each([
    [{ rclone: 'remote:dbsafe' }, null],
    [{ restic: '/srv/repo', keep: 3 }, null],
    [{ rclone: 'r:x', restic: '/srv/repo' }, null],
    [{}, /needs "rclone"/],
    [{ rclone: '--config=/x' }, /starting with "-"/],
    [{ rclone: 'r:x', keep: 0 }, /"keep"/],
    [{ rclone: 'r:x', password: 'p' }, /unknown key "password"/],
    ['r:x', /must be an object/],
  ])('judges %j', (value, problem) => {
    const result = validateOffsiteConfig(value);
    if (problem === null) expect(result).toBeNull();
    else expect(result).toMatch(problem);
  });

  it('joins remote paths the way rclone reads them', () => {
    expect(rclonePath('remote:', 'x.json')).toBe('remote:x.json');
    expect(rclonePath('remote:dir', 'x.json')).toBe('remote:dir/x.json');
    expect(rclonePath('/srv/dir/', 'x.json')).toBe('/srv/dir/x.json');
  });
});
