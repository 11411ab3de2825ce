import type { AuditEntry } from '../../src/audit/entry.js';

/** A complete audit entry for tests, with any field replaced. */
export function sampleEntry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: '2026-11-24T10:15:00.000Z',
    operation: 'run',
    decision: 'allowed',
    rule: null,
    target: 'PostgreSQL app_dev on 127.0.0.1:5432 (DATABASE_URL)',
    command: 'npm test',
    backupId: 'app_dev_20261124_101500',
    exitCode: 0,
    durationMs: 1234,
    user: 'dev',
    host: 'laptop',
    cwd: '/project',
    agent: null,
    ...over,
  };
}
