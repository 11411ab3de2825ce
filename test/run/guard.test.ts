import { mkdirSync, writeFileSync } from 'node:fs';
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

describe('guardOperation judges the command line it is given (commandLine)', () => {
  it('a shell line naming a production database stops with exit 3, for guard as for run', async () => {
    const line = 'DATABASE_URL=postgres://u@prod.db.example.com/app npm test';
    expect(await guardOperation({ ...request, operation: 'guard', argv: ['dbsafe', 'guard'], commandLine: line }, realGuardSteps)).toEqual({ kind: 'stopped', exitCode: 3 });
    expect(await guardOperation({ ...request, commandLine: line }, realGuardSteps)).toEqual({ kind: 'stopped', exitCode: 3 });
  });

  it('an argv commandLine is words, as exec receives them', async () => {
    const argv = ['env', 'NODE_ENV=production', 'npm', 'test'];
    expect(await guardOperation({ ...request, commandLine: argv }, realGuardSteps)).toEqual({ kind: 'stopped', exitCode: 3 });
  });

  it('without commandLine, run judges its argv and guard only the project', async () => {
    writeFileSync(path.join(work.dir, 'dev.db'), '');
    const argv = ['env', 'NODE_ENV=production', 'npm', 'test'];
    expect(await guardOperation({ ...request, argv }, realGuardSteps)).toEqual({ kind: 'stopped', exitCode: 3 });
    const guarded = await guardOperation({ ...request, operation: 'guard', argv }, realGuardSteps);
    expect(guarded.kind).toBe('ready');
    if (guarded.kind === 'ready') guarded.finish({ exitCode: 0 });
  });

  it('cd X && …: the project, database and backup of X', async () => {
    const other = path.join(work.dir, 'other');
    mkdirSync(other);
    writeFileSync(path.join(other, 'package.json'), JSON.stringify({ name: 'other', dbsafe: {}, scripts: { test: 'vitest' } }));
    writeFileSync(path.join(other, '.env'), 'DATABASE_URL=sqlite:./other.db\n');
    writeFileSync(path.join(other, 'other.db'), '');
    const env = { ...request.env, DATABASE_URL: undefined };
    const result = await guardOperation({ ...request, env, operation: 'guard', argv: ['dbsafe', 'guard'], commandLine: 'cd other && npm test' }, realGuardSteps);
    expect(result.kind).toBe('ready');
    if (result.kind !== 'ready') return;
    result.finish({ exitCode: 0 });
    expect(result.target.database).toBe(path.join(other, 'other.db'));
    expect(result.guarded).toHaveLength(1);
    expect(result.backup?.file.startsWith(path.join(other, 'backups'))).toBe(true);
  });
});
