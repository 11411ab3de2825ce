import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readAuditLog } from '../../src/audit/log.js';
import { guardOperation, type GuardRequest } from '../../src/run/guard.js';
import { realGuardSteps } from '../../src/run/real-steps.js';
import type { GuardSteps } from '../../src/run/steps.js';
import { tempDir } from '../helpers/cli.js';

// Failure injection: the real check and store, with one step replaced by a
// stand-in that fails the way a bug or a crashed tool would.
let work: ReturnType<typeof tempDir>;
let request: GuardRequest;
beforeEach(() => {
  work = tempDir('dbsafe-guard-');
  writeFileSync(path.join(work.dir, 'package.json'), JSON.stringify({ name: 'app', dbsafe: {} }));
  request = {
    operation: 'run',
    argv: ['touch', 'ran'],
    cwd: work.dir,
    env: { DATABASE_URL: 'sqlite:./dev.db', XDG_STATE_HOME: path.join(work.dir, 'state'), HOME: work.dir },
    backup: 'unless-nested',
  };
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  work.cleanup();
});

describe('guardOperation fails closed', () => {
  it('a check that crashes stops the command with exit 3, audited', async () => {
    const steps: GuardSteps = { ...realGuardSteps, judge: () => Promise.reject(new TypeError('cannot read properties of undefined')) };
    expect(await guardOperation(request, steps)).toEqual({ kind: 'stopped', exitCode: 3 });
    expect(readAuditLog(path.join(work.dir, 'backups/audit.log')).entries[0]).toMatchObject({ decision: 'refused', rule: 'check-failed', exitCode: 3 });
  });

  it('any backup error, not only an expected one, stops the command with exit 4', async () => {
    writeFileSync(path.join(work.dir, 'dev.db'), '');
    const steps: GuardSteps = { ...realGuardSteps, backup: () => Promise.reject(new RangeError('unexpected')) };
    expect(await guardOperation(request, steps)).toEqual({ kind: 'stopped', exitCode: 4 });
    expect(readAuditLog(path.join(work.dir, 'backups/audit.log')).entries[0]).toMatchObject({ decision: 'backup-failed', rule: 'backup-error', exitCode: 4 });
  });
});
