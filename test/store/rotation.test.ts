import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/store/manifest.js';
import { planRotation } from '../../src/store/rotation.js';

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
