import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/entry.js';
import { copyModeOf, decideCopy, fallbackIsSaid, shouldAskToTerminate } from '../../src/store/copy-mode.js';
import { compareTableRows } from '../../src/store/snapshot-rows.js';
import { isStandbyName, restoreCopyName, standbyName } from '../../src/store/snapshot-naming.js';
import { mayAskPerson } from '../../src/cli/session-prompt.js';
import type { Manifest } from '../../src/store/manifest.js';
import { pickUndoStep, undoSteps } from '../../src/store/undo.js';

const session = { id: '42', application: 'rails', client: '10.0.0.5', since: null };

describe('decideCopy', () => {
  const cases: Array<[string, Parameters<typeof decideCopy>[0], ReturnType<typeof decideCopy>['kind'], string | null]> = [
    ['engine without snapshots', { unsupported: 'MongoDB has none', unavailable: null, blockers: [], mayTerminate: true }, 'dump', 'unsupported'],
    ['no privilege', { unsupported: null, unavailable: 'not the owner', blockers: [], mayTerminate: false }, 'dump', 'unavailable'],
    ['a session, no consent', { unsupported: null, unavailable: null, blockers: [session], mayTerminate: false }, 'dump', 'blocked'],
    ['a session, consent', { unsupported: null, unavailable: null, blockers: [session], mayTerminate: true }, 'snapshot', null],
    ['free', { unsupported: null, unavailable: null, blockers: [], mayTerminate: false }, 'snapshot', null],
    ['only the slow way, auto', { unsupported: null, unavailable: null, blockers: [], mayTerminate: false, slow: 'rows copied', mode: 'auto' }, 'dump', 'slow'],
    ['only the slow way, snapshot asked for', { unsupported: null, unavailable: null, blockers: [], mayTerminate: false, slow: 'rows copied', mode: 'snapshot' }, 'snapshot', null],
  ];
  it.each(cases)('%s', (_name, conditions, kind, reason) => {
    const decision = decideCopy(conditions);
    expect(decision.kind).toBe(kind);
    if (decision.kind === 'dump') expect(decision.reason).toBe(reason);
    else {
      expect(decision.terminate).toEqual(conditions.blockers);
      expect(decision.slow).toBe(conditions.slow ?? undefined);
    }
  });
});

describe('copyModeOf', () => {
  it('guarded commands and restore safety copies default to auto; backups to files; a configured mode applies to all', () => {
    expect(copyModeOf({}, 'guarded')).toBe('auto');
    expect(copyModeOf({}, 'backup')).toBe('dump');
    expect(copyModeOf({}, 'restore')).toBe('auto');
    expect(copyModeOf({ mode: 'dump' }, 'restore')).toBe('dump');
    expect(copyModeOf({ mode: 'dump' }, 'guarded')).toBe('dump');
    expect(copyModeOf({ mode: 'snapshot' }, 'backup')).toBe('snapshot');
  });
});

describe('fallbackIsSaid', () => {
  it('auto keeps quiet about an engine without snapshots, never about a reason that can change', () => {
    expect(fallbackIsSaid('auto', { kind: 'dump', reason: 'unsupported', why: 'MongoDB' })).toBe(false);
    expect(fallbackIsSaid('snapshot', { kind: 'dump', reason: 'unsupported', why: 'MongoDB' })).toBe(true);
    expect(fallbackIsSaid('auto', { kind: 'dump', reason: 'unavailable', why: 'no privilege' })).toBe(true);
    expect(fallbackIsSaid('auto', { kind: 'dump', reason: 'blocked', blockers: [session] })).toBe(true);
  });
});

describe('shouldAskToTerminate', () => {
  const base = { unsupported: null, unavailable: null, blockers: [session], mayTerminate: false, mayAsk: true };
  it.each([
    ['sessions in the way, a person can be asked', base, true],
    ['nobody to ask (no terminal, an agent)', { ...base, mayAsk: false }, false],
    ['consent given already', { ...base, mayTerminate: true }, false],
    ['no sessions', { ...base, blockers: [] }, false],
    ['no snapshot possible anyway', { ...base, unavailable: 'no privilege' }, false],
  ])('%s', (_name, conditions, ask) => expect(shouldAskToTerminate(conditions)).toBe(ask));
});

describe('mayAskPerson', () => {
  it('only with a terminal at both ends and no agent', () => {
    expect(mayAskPerson({ stdinIsTerminal: true, stdoutIsTerminal: true, agent: false })).toBe(true);
    expect(mayAskPerson({ stdinIsTerminal: true, stdoutIsTerminal: true, agent: true })).toBe(false);
    expect(mayAskPerson({ stdinIsTerminal: false, stdoutIsTerminal: true, agent: false })).toBe(false);
    expect(mayAskPerson({ stdinIsTerminal: true, stdoutIsTerminal: false, agent: false })).toBe(false);
  });
});

describe('isStandbyName', () => {
  // A restore leaves the standby it renamed into place empty, for the next standby copy to drop; any other copy it drops itself.
  it('is the standby of a snapshot, not a restore\'s own copy nor a snapshot', () => {
    expect(isStandbyName(standbyName('dbsafe_snap_0a1b2c3d'))).toBe(true);
    expect(isStandbyName(restoreCopyName('dbsafe_snap_0a1b2c3d'))).toBe(false);
    expect(isStandbyName('dbsafe_snap_0a1b2c3d')).toBe(false);
    expect(isStandbyName('shop_r')).toBe(false);
  });
});

describe('compareTableRows', () => {
  it('names each table whose rows differ, was added or is gone', () => {
    expect(compareTableRows({ a: 1, b: 2 }, { a: 1, b: 2 })).toEqual([]);
    expect(compareTableRows({ a: 1, b: 2, gone: 5 }, { a: 0, b: 2, added: 0 })).toEqual([
      { table: 'a', recorded: 1, now: 0 },
      { table: 'added', recorded: null, now: 0 },
      { table: 'gone', recorded: 5, now: null },
    ]);
  });
});

function manifest(id: string, trigger: string, createdAt: string, extra: Partial<Manifest> = {}): Manifest {
  return {
    manifestVersion: 1, id, file: `${id}.dump`, engine: 'postgres', database: 'app', location: '127.0.0.1:5432', user: null, size: 1, sha256: '0'.repeat(64),
    clientTool: 'pg_dump', serverVersion: '15', trigger, label: null, git: null, createdAt, finishedAt: createdAt, verified: true, dbsafeVersion: '0', ...extra,
  };
}

describe('undoSteps', () => {
  const where = { engine: 'postgres' as const, location: '127.0.0.1:5432', database: 'app' };
  const manifests = [
    manifest('a1', 'manual', '2026-01-01T10:00:00Z'),
    manifest('a2', 'agent Claude Code: npx prisma migrate reset', '2026-01-01T11:00:00Z'),
    manifest('a3', 'dbsafe run: npm test', '2026-01-01T12:00:00Z'),
    manifest('a4', 'pre-restore', '2026-01-01T13:00:00Z', { label: 'before restoring a3' }),
    manifest('b1', 'dbsafe run: npm test', '2026-01-01T14:00:00Z', { database: 'other' }),
  ];
  const audit: AuditEntry[] = [
    { time: '2026-01-01T11:00:00Z', operation: 'agent Claude Code', decision: 'allowed', rule: null, target: 'x', command: 'npx prisma migrate reset --force', backupId: 'a2', exitCode: 0, durationMs: 1, user: 'alice', host: 'h', cwd: '/p', agent: 'Claude Code (CLAUDECODE)' },
  ];
  const steps = undoSteps(manifests, audit, where);

  it('lists guarded commands and restores of this database, newest first; manual backups are not steps', () => {
    expect(steps.map((s) => s.manifest.id)).toEqual(['a4', 'a3', 'a2']);
    expect(steps[0]!.what).toBe('the restore of a3');
  });

  it('takes what ran and who from the audit log, the trigger otherwise', () => {
    expect(steps[2]).toMatchObject({ what: 'npx prisma migrate reset --force', who: 'agent Claude Code (CLAUDECODE), as alice', exitCode: 0 });
    expect(steps[1]).toMatchObject({ what: 'npm test', who: 'unknown (no audit line)' });
  });

  it('picks the newest, or the one named; null when there is none', () => {
    expect(pickUndoStep(steps, undefined)?.manifest.id).toBe('a4');
    expect(pickUndoStep(steps, 'a2')?.manifest.id).toBe('a2');
    expect(pickUndoStep(steps, 'zz')).toBeNull();
    expect(pickUndoStep([], undefined)).toBeNull();
  });
});

describe('chooseSafetyCopy', () => {
  it.each([
    [{ freeBytes: 10_000, databaseBytes: 1000 }, null, 'keep'],
    [{ freeBytes: 1100, databaseBytes: 1000 }, null, /free and keeping both copies needs about/],
    [{ freeBytes: null, databaseBytes: 1000 }, null, /cannot be seen/],
    [null, null, /could not be asked/],
    [{ freeBytes: 10_000, databaseBytes: 1 }, 'no privilege', 'no privilege'],
  ] as const)('%j, %s → %s', async (room, without, expected) => {
    const { chooseSafetyCopy } = await import('../../src/store/restore-keeping.js');
    const choice = chooseSafetyCopy(room, without);
    if (typeof expected === 'string') expect(choice).toBe(expected);
    else expect(choice).toMatch(expected);
  });
});
