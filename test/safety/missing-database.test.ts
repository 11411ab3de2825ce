import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type DbsafeConfig } from '../../src/config/schema.js';
import { mergeEnvironment } from '../../src/safety/environment.js';
import { judgeTargets } from '../../src/safety/judge.js';
import { judgeMissingDatabases, MISSING_DATABASE_CODE } from '../../src/safety/missing-database.js';
import type { LiveResult, ProjectFacts } from '../../src/safety/types.js';
import { resolveTargets } from '../../src/target/resolve.js';
import type { Target } from '../../src/target/types.js';

const missing: LiveResult = { ok: false, code: MISSING_DATABASE_CODE, message: 'The database does not exist. Create it.' };
const unreachable: LiveResult = { ok: false, code: 'live-unreachable', message: 'Cannot reach the server. Start it.' };
const present: LiveResult = { ok: true, facts: { serverVersion: 'PostgreSQL 15.20', standby: false, readOnly: false, marker: null } };

interface Case {
  env: Record<string, string>;
  config?: Partial<DbsafeConfig>;
  compose?: string[];
  /** Live result per database name; absent: not connected (refused offline). */
  live: Record<string, LiveResult>;
  answer: ReturnType<typeof judgeMissingDatabases>;
}

function answer(c: Case) {
  const resolved = resolveTargets({ env: c.env, dotenv: [], cwd: '/project', osUser: 'dev' });
  const project: ProjectFacts = { projectRoot: '/project', configFile: null, composeFiles: [], composeServices: (c.compose ?? []).map((name) => ({ name, file: '/project/compose.yaml' })), composeProblems: [] };
  const live = new Map<Target, LiveResult>(resolved.all.filter((t) => c.live[t.database.split('/').pop()!]).map((t) => [t, c.live[t.database.split('/').pop()!]!]));
  const verdict = judgeTargets({ targets: resolved.all, problems: resolved.problems, variables: mergeEnvironment(c.env, []), config: { ...DEFAULT_CONFIG, ...c.config }, project, live });
  return judgeMissingDatabases(verdict, resolved.primary, project);
}

const notApplicable = { kind: 'not-applicable' } as const;
const cases: Array<[string, Case]> = [
  ['missing on loopback', { env: { DATABASE_URL: 'postgres://u@127.0.0.1/app_dev' }, live: { app_dev: missing }, answer: { kind: 'may-create', primaryMissing: true } }],
  ['missing on localhost (MariaDB)', { env: { DATABASE_URL: 'mysql://root@localhost/app_dev' }, live: { app_dev: missing }, answer: { kind: 'may-create', primaryMissing: true } }],
  ['missing on a unix socket', { env: { DATABASE_URL: 'postgres:///app_dev?host=/var/run/postgresql' }, live: { app_dev: missing }, answer: { kind: 'may-create', primaryMissing: true } }],
  ['missing on a compose service', { env: { DATABASE_URL: 'postgres://u@db/app_dev' }, compose: ['db'], live: { app_dev: missing }, answer: { kind: 'may-create', primaryMissing: true } }],
  ['a missing SQLite file', { env: { DATABASE_URL: 'sqlite:./dev.db' }, live: { 'dev.db': missing }, answer: { kind: 'may-create', primaryMissing: true } }],
  ['present: nothing to decide', { env: { DATABASE_URL: 'postgres://u@127.0.0.1/app_dev' }, live: { app_dev: present }, answer: notApplicable }],
  ['unreachable is not missing', { env: { DATABASE_URL: 'postgres://u@127.0.0.1/app_dev' }, live: { app_dev: unreachable }, answer: notApplicable }],
  ['missing on an allowed host: not this machine', { env: { DATABASE_URL: 'postgres://u@db.internal/app_dev' }, config: { allowedHosts: ['db.internal'] }, live: { app_dev: missing }, answer: notApplicable }],
  ['a production name, even missing', { env: { DATABASE_URL: 'postgres://u@127.0.0.1/orders_production' }, live: { orders_production: missing }, answer: notApplicable }],
  ['an app environment saying production', { env: { DATABASE_URL: 'postgres://u@127.0.0.1/app_dev', APP_ENV: 'production' }, live: { app_dev: missing }, answer: notApplicable }],
  ['a remote host', { env: { DATABASE_URL: 'postgres://u@db.example.com/app_dev' }, live: { app_dev: missing }, answer: notApplicable }],
];

describe('judgeMissingDatabases', () => {
  for (const [name, c] of cases) {
    it(name, () => expect(answer(c)).toEqual(c.answer));
  }
});
