import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/store/manifest.js';
import { backupKindOf, planRetention, planRotation, type RetentionPolicy } from '../../src/store/rotation.js';

function manifest(id: string, minute: number, overrides: Partial<Manifest> = {}): Manifest {
  return {
    manifestVersion: 1,
    id,
    file: `${id}.dump`,
    engine: 'postgres',
    database: 'app',
    location: '127.0.0.1:5432',
    user: 'postgres',
    size: 100,
    sha256: 'a'.repeat(64),
    clientTool: 'pg_dump 15.20',
    serverVersion: 'PostgreSQL 15.20',
    trigger: 'manual',
    label: null,
    git: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString(),
    finishedAt: new Date(Date.UTC(2026, 0, 1, 12, minute, 30)).toISOString(),
    verified: true,
    dbsafeVersion: '0.1.0',
    ...overrides,
  };
}

const ids = (list: Manifest[]) => list.map((m) => m.id).sort();

describe('planRotation', () => {
  const cases: Array<{ name: string; manifests: Manifest[]; retention: number; deleted: string[] }> = [
    { name: 'nothing to do under the limit', manifests: [manifest('a1', 1), manifest('a2', 2)], retention: 3, deleted: [] },
    { name: 'exactly at the limit', manifests: [manifest('a1', 1), manifest('a2', 2), manifest('a3', 3)], retention: 3, deleted: [] },
    {
      name: 'oldest beyond the limit go',
      manifests: [manifest('a1', 1), manifest('a2', 2), manifest('a3', 3), manifest('a4', 4), manifest('a5', 5)],
      retention: 3,
      deleted: ['a1', 'a2'],
    },
    {
      name: 'input order does not matter',
      manifests: [manifest('a5', 5), manifest('a1', 1), manifest('a3', 3), manifest('a2', 2), manifest('a4', 4)],
      retention: 2,
      deleted: ['a1', 'a2', 'a3'],
    },
    {
      name: 'each database keeps its own N',
      manifests: [
        manifest('a1', 1),
        manifest('a2', 2),
        manifest('b1', 3, { database: 'blog' }),
        manifest('b2', 4, { database: 'blog' }),
        manifest('b3', 5, { database: 'blog' }),
      ],
      retention: 2,
      deleted: ['b1'],
    },
    {
      name: 'same name on another server is another database',
      manifests: [manifest('a1', 1), manifest('a2', 2), manifest('c1', 3, { location: '10.0.0.5:5432' })],
      retention: 1,
      deleted: ['a1'],
    },
    {
      name: 'same name with another engine is another database',
      manifests: [manifest('a1', 1), manifest('m1', 2, { engine: 'mysql', location: '127.0.0.1:3306' })],
      retention: 1,
      deleted: [],
    },
    {
      name: 'two backups in one second: the suffixed one is newer',
      manifests: [manifest('app_20260101_120000', 0), manifest('app_20260101_120000_2', 0)],
      retention: 1,
      deleted: ['app_20260101_120000'],
    },
    {
      name: 'a retention below 1 still keeps the newest',
      manifests: [manifest('a1', 1), manifest('a2', 2)],
      retention: 0,
      deleted: ['a1'],
    },
    {
      name: 'the newest verified backup survives even when unverified ones are newer',
      manifests: [
        manifest('a1', 1),
        manifest('a2', 2, { verified: false as unknown as true }),
        manifest('a3', 3, { verified: false as unknown as true }),
      ],
      retention: 2,
      deleted: [],
    },
    { name: 'no backups', manifests: [], retention: 10, deleted: [] },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      expect(ids(planRotation(testCase.manifests, testCase.retention))).toEqual([...testCase.deleted].sort());
    });
  }

  it('only ever returns manifests it was given (files without a manifest are out of reach)', () => {
    const given = [manifest('a1', 1), manifest('a2', 2), manifest('a3', 3)];
    for (const doomed of planRotation(given, 1)) expect(given).toContain(doomed);
  });
});

const policy = (overrides: Partial<RetentionPolicy> = {}): RetentionPolicy => ({ keepLast: 2, keepLabelled: null, keepDaily: 0, keepWeekly: 0, ...overrides });
const day = (d: number, hour = 12) => new Date(Date.UTC(2026, 0, d, hour)).toISOString();

describe('planRetention: what is kept besides the newest N', () => {
  const testRuns = (from: number, count: number) => Array.from({ length: count }, (_, n) => manifest(`t${from + n}`, from + n, { commandKind: 'test' }));
  const cases: Array<{ name: string; manifests: Manifest[]; policy: RetentionPolicy; deleted: string[] }> = [
    {
      name: 'the newest backup before a migration survives twelve test runs',
      manifests: [manifest('m1', 1, { commandKind: 'migration' }), ...testRuns(2, 12)],
      policy: policy(),
      deleted: testRuns(2, 10).map((m) => m.id),
    },
    {
      name: 'only the newest before a migration: an older one goes',
      manifests: [manifest('m1', 1, { commandKind: 'migration' }), manifest('m2', 2, { commandKind: 'migration' }), ...testRuns(3, 3)],
      policy: policy(),
      deleted: ['m1', 't3'],
    },
    {
      name: 'a data command (drop, restore, load) keeps its own newest',
      manifests: [manifest('d1', 1, { commandKind: 'data' }), manifest('m1', 2, { commandKind: 'migration' }), ...testRuns(3, 3)],
      policy: policy(),
      deleted: ['t3'],
    },
    {
      name: 'test, client and unknown kinds are not kept beyond N',
      manifests: [manifest('c1', 1, { commandKind: 'client' }), manifest('x1', 2), ...testRuns(3, 2)],
      policy: policy(),
      deleted: ['c1', 'x1'],
    },
    {
      name: 'labelled backups stay until forgotten',
      manifests: [manifest('l1', 1, { label: 'before-damage' }), manifest('l2', 2, { label: 'x' }), ...testRuns(3, 5)],
      policy: policy(),
      deleted: ['t3', 't4', 't5'],
    },
    {
      name: 'keepLabelled keeps only the newest labelled ones',
      manifests: [manifest('l1', 1, { label: 'a' }), manifest('l2', 2, { label: 'b' }), ...testRuns(3, 3)],
      policy: policy({ keepLabelled: 1 }),
      deleted: ['l1', 't3'],
    },
    {
      name: 'keepLabelled 0 treats labelled backups like any other',
      manifests: [manifest('l1', 1, { label: 'a' }), ...testRuns(2, 2)],
      policy: policy({ keepLabelled: 0 }),
      deleted: ['l1'],
    },
    {
      name: 'the kept-before rule is per database',
      manifests: [manifest('m1', 1, { commandKind: 'migration', database: 'blog' }), manifest('m2', 2, { commandKind: 'migration' }), ...testRuns(3, 3)],
      policy: policy({ keepLast: 1 }),
      deleted: ['t3', 't4'],
    },
    {
      name: 'keepDaily keeps the newest of each of the last N days',
      manifests: [
        manifest('d1a', 0, { createdAt: day(1, 9) }),
        manifest('d1b', 0, { createdAt: day(1, 18) }),
        manifest('d2a', 0, { createdAt: day(2, 9) }),
        manifest('d2b', 0, { createdAt: day(2, 18) }),
        manifest('d3a', 0, { createdAt: day(3, 9) }),
        manifest('d3b', 0, { createdAt: day(3, 18) }),
      ],
      policy: policy({ keepLast: 1, keepDaily: 2 }),
      deleted: ['d1a', 'd1b', 'd2a', 'd3a'],
    },
    {
      name: 'keepWeekly keeps the newest of each of the last N ISO weeks',
      manifests: [
        manifest('w1', 0, { createdAt: day(5) }), // Monday of 2026-W02
        manifest('w1b', 0, { createdAt: day(4) }), // Sunday: still 2026-W01
        manifest('w2', 0, { createdAt: day(12) }),
        manifest('w3', 0, { createdAt: day(19) }),
        manifest('w3b', 0, { createdAt: day(20) }),
      ],
      policy: policy({ keepLast: 1, keepWeekly: 3 }),
      deleted: ['w1b', 'w3'],
    },
    {
      name: 'daily and weekly together',
      manifests: [manifest('a', 0, { createdAt: day(5) }), manifest('b', 0, { createdAt: day(12) }), manifest('c', 0, { createdAt: day(13) }), manifest('d', 0, { createdAt: day(14) })],
      policy: policy({ keepLast: 1, keepDaily: 2, keepWeekly: 2 }),
      deleted: ['b'],
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      expect(ids(planRetention(testCase.manifests, testCase.policy).deleted)).toEqual([...testCase.deleted].sort());
    });
  }

  it('says why each kept backup is kept', () => {
    const plan = planRetention([manifest('m1', 1, { commandKind: 'migration', label: 'pre' }), ...testRuns(2, 3)], policy({ keepDaily: 1 }));
    expect(plan.kept.get('m1')).toEqual([{ why: 'before', kind: 'migration' }, { why: 'labelled', label: 'pre' }]);
    expect(plan.kept.get('t4')).toEqual([{ why: 'newest', count: 2 }, { why: 'newest-good' }, { why: 'daily', day: '2026-01-01' }]);
    expect(plan.kept.get('t3')).toEqual([{ why: 'newest', count: 2 }]);
    expect(plan.kept.has('t2')).toBe(false);
  });

  it('never deletes the newest good backup, whatever the policy', () => {
    const unverified = { verified: false as unknown as true };
    const plan = planRetention([manifest('good', 1), manifest('u1', 2, unverified), manifest('u2', 3, unverified)], policy({ keepLast: 1, keepLabelled: 0 }));
    expect(ids(plan.deleted)).toEqual(['u1']);
    expect(plan.kept.get('good')).toEqual([{ why: 'newest-good' }]);
  });
});

describe('backupKindOf', () => {
  const cases: Array<[Array<'test' | 'migration' | 'data' | 'client' | undefined>, string | null]> = [
    [['migration'], 'migration'],
    [['test', 'migration'], 'migration'],
    [['test', 'data'], 'data'],
    [['test'], 'test'],
    [[undefined, 'client'], 'client'],
    [[undefined], null],
    [[], null],
  ];
  for (const [kinds, expected] of cases) {
    it(`${JSON.stringify(kinds)} → ${expected}`, () => expect(backupKindOf(kinds)).toBe(expected));
  }
});
