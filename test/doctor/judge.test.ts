import { describe, expect, it } from 'vitest';
import { judgeDoctor, type DoctorFacts } from '../../src/doctor/judge.js';
import type { IntegrationStatus } from '../../src/integrations/status.js';

const INTEGRATIONS: IntegrationStatus = {
  disabledByEnvironment: false,
  gitHooks: { gitInstalled: true, repository: true, installed: [], manager: 'none', hooksPath: null, active: false },
  shells: [],
  shims: { dir: '/home/dev/.local/share/dbsafe/shims', installed: 0, onPath: false, activated: false, shadowed: [] },
  npmLifecycle: [],
  agents: [],
  schedule: { available: false, project: '/home/dev/app', reason: 'cron is not installed (no `crontab` program)' },
};

function facts(overrides: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    dbsafe: { version: '0.1.0', node: 'v20.19.0' },
    project: { root: '/work/app', optedIn: true, configFile: '/work/app/package.json' },
    check: { verdict: 'safe', exitCode: 0, reasons: [] },
    databases: [],
    engine: 'postgres',
    tools: [
      { name: 'pg_dump', path: '/usr/bin/pg_dump', version: '15.20' },
      { name: 'pg_restore', path: '/usr/bin/pg_restore', version: '15.20' },
    ],
    server: { state: 'answered', version: 'PostgreSQL 15.20' },
    backups: { dir: '/work/app/backups', exists: true, mode: 0o700, git: 'ignored', count: 2, totalSize: 2048 },
    notifications: { webhook: { set: true, host: 'hooks.slack.com' }, command: false, events: ['backup-failed', 'unhealthy'] },
    encryption: { encryptNewBackups: false, key: null, problem: null },
    integrations: INTEGRATIONS,
    scratchDatabases: [],
    environment: { dbsafeZero: false, integrationsDisabled: false, agent: null },
    ...overrides,
  };
}

const MISSING = 'pg_dump was not found on PATH, and dbsafe needs it to back up. Install it (Debian/Ubuntu: apt-get install postgresql-client) or add its directory to PATH.';

const CASES: Array<{ name: string; facts: DoctorFacts; problems: Array<[string, RegExp]>; notes?: Array<[string, RegExp]> }> = [
  { name: 'everything in order', facts: facts(), problems: [] },
  {
    name: 'a missing client tool, with the package to install',
    facts: facts({ tools: [{ name: 'pg_dump', path: null, version: null, problem: MISSING }, { name: 'pg_restore', path: '/usr/bin/pg_restore', version: '15.20' }] }),
    problems: [['client tools', /pg_dump was not found on PATH.*apt-get install postgresql-client/]],
  },
  {
    name: 'alternatives missing together are one problem',
    facts: facts({ tools: [{ name: 'mariadb-dump', path: null, version: null, problem: 'mariadb-dump or mysqldump was not found. Install it.' }, { name: 'mysqldump', path: null, version: null, problem: 'mariadb-dump or mysqldump was not found. Install it.' }] }),
    problems: [['client tools', /mariadb-dump or mysqldump.*Install it/]],
  },
  { name: 'an absent alternative without a problem is fine', facts: facts({ tools: [{ name: 'mariadb-dump', path: '/usr/bin/mariadb-dump', version: '10.11' }, { name: 'mysqldump', path: null, version: null }] }), problems: [] },
  { name: 'a backup directory others can read', facts: facts({ backups: { dir: '/work/app/backups', exists: true, mode: 0o755, git: 'ignored', count: 0, totalSize: 0 } }), problems: [['backups', /mode 0755.*chmod 700 \/work\/app\/backups/]] },
  { name: 'group-readable only is still not private', facts: facts({ backups: { dir: '/b', exists: true, mode: 0o740, git: 'ignored', count: 0, totalSize: 0 } }), problems: [['backups', /mode 0740/]] },
  { name: 'no notifications configured is fine', facts: facts({ notifications: { webhook: { set: false }, command: false, events: [] } }), problems: [] },
  {
    name: 'a DBSAFE_NOTIFY_URL that is not a URL',
    facts: facts({ notifications: { webhook: { set: true, problem: 'DBSAFE_NOTIFY_URL is not a URL' }, command: false, events: ['unhealthy'] } }),
    problems: [['notifications', /DBSAFE_NOTIFY_URL is not a URL.*https:\/\//]],
  },
  {
    name: 'a scratch database a killed verify left',
    facts: facts({ scratchDatabases: [{ engine: 'postgres', server: '127.0.0.1:5432', database: 'dbsafe_verify_0badf00d', purpose: 'verify', pid: 4242, createdAt: '2026-12-07T14:00:00.000Z' }] }),
    problems: [['scratch databases', /dbsafe_verify_0badf00d.*127\.0\.0\.1:5432.*pid 4242/]],
  },
  { name: 'a backup directory git would commit', facts: facts({ backups: { dir: '/b', exists: true, mode: 0o700, git: 'not-ignored', count: 1, totalSize: 1 } }), problems: [['backups', /not ignored by git.*\.gitignore/]] },
  { name: 'a backup directory not created yet is fine', facts: facts({ backups: { dir: '/b', exists: false, mode: null, git: 'not-ignored', count: 0, totalSize: 0 } }), problems: [] },
  { name: 'outside git, ignoring does not apply', facts: facts({ backups: { dir: '/b', exists: true, mode: 0o700, git: 'not-a-repo', count: 0, totalSize: 0 } }), problems: [] },
  {
    name: 'check refuses: each reason with its fix',
    facts: facts({ check: { verdict: 'refused', exitCode: 3, reasons: [{ rule: 'database-name', message: 'The name says production.', fix: 'Point DATABASE_URL at a development database.' }] } }),
    problems: [['check', /The name says production\..*Point DATABASE_URL/]],
  },
  {
    name: 'no database configured',
    facts: facts({ engine: null, tools: [], server: null, check: { verdict: 'error', exitCode: 2, reasons: [{ rule: 'no-database', message: 'No database is configured.', fix: 'Set DATABASE_URL.' }] } }),
    problems: [['check', /No database is configured.*Set DATABASE_URL/]],
  },
  { name: 'an unreachable server is a note, not a problem', facts: facts({ server: { state: 'unreachable', detail: 'connection refused' } }), problems: [], notes: [['server', /did not answer: connection refused/]] },
  { name: 'DBSAFE=0 is a note', facts: facts({ environment: { dbsafeZero: true, integrationsDisabled: true, agent: null } }), problems: [], notes: [['environment', /DBSAFE=0 is set.*Unset DBSAFE/]] },
  {
    name: 'an agent is a note, and it says DBSAFE=0 is ignored',
    facts: facts({ environment: { dbsafeZero: true, integrationsDisabled: false, agent: { name: 'Claude Code', variable: 'CLAUDECODE' } } }),
    problems: [],
    notes: [['environment', /Claude Code \(CLAUDECODE\).*DBSAFE=0 is ignored/]],
  },
  { name: 'encryption with a key that loads is fine', facts: facts({ encryption: { encryptNewBackups: true, key: { source: '/home/dev/.config/dbsafe/backup.key', keyId: '1a2b3c4d5e6f7a8b' }, problem: null } }), problems: [] },
  {
    name: 'a backup key that cannot be loaded, with its fix',
    facts: facts({
      encryption: {
        encryptNewBackups: true,
        key: null,
        problem: 'The backup encryption key file /k can be read by other users (mode 0644), so dbsafe will not use it. Make it private with `chmod 600 /k` and run the command again.',
      },
    }),
    problems: [['encryption', /can be read by other users.*chmod 600 \/k/]],
  },
  { name: 'outside a dbsafe project is a note', facts: facts({ project: { root: '/tmp', optedIn: false, configFile: null } }), problems: [], notes: [['project', /not in a project that uses dbsafe.*npm install --save-dev <path to a dbsafe-x\.y\.z\.tgz or a dbsafe clone>/]] },
];

describe('judgeDoctor', () => {
  it.each(CASES)('$name', ({ facts: input, problems, notes = [] }) => {
    const verdict = judgeDoctor(input);
    expect(verdict.ok).toBe(problems.length === 0);
    expect(verdict.problems).toHaveLength(problems.length);
    problems.forEach(([area, text], i) => {
      const problem = verdict.problems[i]!;
      expect(problem.area).toBe(area);
      expect(`${problem.message} ${problem.fix ?? ''}`).toMatch(text);
      expect(problem.fix).toBeTruthy();
    });
    expect(verdict.notes).toHaveLength(notes.length);
    notes.forEach(([area, text], i) => {
      expect(verdict.notes[i]!.area).toBe(area);
      expect(`${verdict.notes[i]!.message} ${verdict.notes[i]!.fix ?? ''}`).toMatch(text);
    });
  });
});
