import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/log.js';
import { createPostgresDatabase, uniqueName, type TestDatabase } from '../helpers/databases.js';
import { makeProject, type TestProject } from '../run/project.js';
import { CLI, installBuiltDbsafe, runCollecting, type CliResult } from '../helpers/cli.js';
import { allowOnTerminal, DETACHED } from './terminal.js';

// A real local database whose name says production: refused by name, without connecting.
let database: TestDatabase;
let project: TestProject;
beforeAll(() => (database = createPostgresDatabase(`${uniqueName()}_prod`)));
afterAll(() => database.drop());
beforeEach(() => {
  project = makeProject();
  project.env.DATABASE_URL = database.url;
});
afterEach(() => project.cleanup());

/**
 * `dbsafe ARGS` in the project, started outside the test runner's process
 * tree: whether an agent runs the suite does not change what dbsafe sees.
 */
const dbsafe = (p: TestProject, args: string[], extra: Record<string, string> = {}): Promise<CliResult> =>
  runCollecting('python3', [DETACHED, process.execPath, CLI, ...args], { cwd: p.dir, env: { ...p.env, ...extra } });

const codeIn = (stderr: string): string => {
  const match = /dbsafe allow ([A-Z0-9]{6})/.exec(stderr);
  if (!match) throw new Error(`no consent code in: ${stderr}`);
  return match[1]!;
};
const terminal = (code: string | null, answer: string, extra: Record<string, string> = {}) =>
  allowOnTerminal(code, answer, { cwd: project.dir, env: { ...project.env, TERM: 'dumb', ...extra } });

describe('one-off consent, end to end', () => {
  it('a human allows the exact command once; reuse and other commands are refused', async () => {
    const marker = path.join(project.dir, 'ran');
    const refused = await dbsafe(project, ['run', '--', 'touch', marker]);
    expect(refused.code).toBe(3);
    expect(existsSync(marker)).toBe(false);

    const allowed = await terminal(codeIn(refused.stderr), database.name);
    expect(allowed.code).toBe(0);

    const different = await dbsafe(project, ['run', '--', 'touch', `${marker}-other`]);
    expect(different.code).toBe(3);
    expect(existsSync(`${marker}-other`)).toBe(false);

    const once = await dbsafe(project, ['run', '--', 'touch', marker]);
    expect(once.code).toBe(0);
    expect(once.stderr).toContain('running once under the consent');
    expect(existsSync(marker)).toBe(true);
    expect(project.backups()).toHaveLength(1);

    rmSync(marker);
    const reuse = await dbsafe(project, ['run', '--', 'touch', marker]);
    expect(reuse.code).toBe(3);
    expect(existsSync(marker)).toBe(false);

    const decisions = readAuditLog(path.join(project.dir, 'backups/audit.log')).entries.map((e) => `${e.operation}:${e.decision}`);
    expect(decisions).toEqual(['run:refused', 'allow:consent-granted', 'run:refused', 'run:override', 'run:refused']);
  });

  it('an allowed npm test carries the consent to its own pretest guard, once', async () => {
    const app = makeProject({ scripts: { pretest: 'dbsafe guard', test: `node -p "'tests-ran'"` } });
    try {
      app.env.DATABASE_URL = database.url;
      const refused = await dbsafe(app, ['run', '--', 'npm', 'test']);
      expect(refused.code).toBe(3);
      expect((await allowOnTerminal(codeIn(refused.stderr), database.name, { cwd: app.dir, env: { ...app.env, TERM: 'dumb' } })).code).toBe(0);
      const once = await dbsafe(app, ['run', '--', 'npm', 'test']);
      expect(once.code).toBe(0);
      expect(once.stdout).toContain('tests-ran');
      expect(once.stderr).toContain('which runs under a one-off consent');
      expect(app.backups()).toHaveLength(1);
      const plain = await dbsafe(app, ['run', '--', 'npm', 'test']);
      expect(plain.code).toBe(3);
    } finally {
      app.cleanup();
    }
  });

  it('an allowance whose expiry was edited is refused', async () => {
    const marker = path.join(project.dir, 'ran');
    const refused = await dbsafe(project, ['run', '--', 'touch', marker]);
    expect((await terminal(codeIn(refused.stderr), database.name)).code).toBe(0);
    const consentDir = path.join(project.state, 'dbsafe/consent');
    const [allowance] = readdirSync(consentDir).filter((name) => name.startsWith('allowed-'));
    const file = path.join(consentDir, allowance!);
    const sealed = JSON.parse(readFileSync(file, 'utf8')) as { payload: string };
    const payload = { ...JSON.parse(sealed.payload), usableUntil: new Date(Date.now() + 24 * 3600_000).toISOString() };
    writeFileSync(file, JSON.stringify({ ...sealed, payload: JSON.stringify(payload) }));
    const late = await dbsafe(project, ['run', '--', 'touch', marker]);
    expect(late.code).toBe(3);
    expect(existsSync(marker)).toBe(false);
  });

  it('a pending request copied to an allowance is not consent, and the guard says so', async () => {
    const marker = path.join(project.dir, 'ran');
    const refused = await dbsafe(project, ['run', '--', 'touch', marker]);
    const consentDir = path.join(project.state, 'dbsafe/consent');
    const [request] = readdirSync(consentDir).filter((name) => name.startsWith('pending-'));
    const binding = (JSON.parse(JSON.parse(readFileSync(path.join(consentDir, request!), 'utf8')).payload) as { binding: string }).binding;
    writeFileSync(path.join(consentDir, `allowed-${binding}.json`), readFileSync(path.join(consentDir, request!)), { mode: 0o600 });
    const forged = await dbsafe(project, ['run', '--', 'touch', marker]);
    expect(refused.code).toBe(3);
    expect(forged.code).toBe(3);
    expect(forged.stderr).toContain(`ignored ${path.join(consentDir, `allowed-${binding}.json`)}: it is not consent`);
    expect(existsSync(marker)).toBe(false);
  });

  it('an agent sees no code; its human runs dbsafe allow without one, sees the request, and allows it', async () => {
    const marker = path.join(project.dir, 'ran');
    const refused = await dbsafe(project, ['run', '--', 'touch', marker], { CLAUDECODE: '1' });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('you are Claude Code (CLAUDECODE)');
    expect(refused.stderr).toContain('ask your human');
    // What to do when a command of the agent's already did damage: undo exists.
    expect(refused.stderr).toContain('`dbsafe undo --list` shows what `dbsafe undo` can put back');
    expect(refused.stderr).toMatch(/^ {4}dbsafe allow$/m);
    expect(refused.stderr).not.toMatch(/allow [A-Z0-9]{6}/);
    const byAgent = await terminal(null, database.name, { CLAUDECODE: '1' });
    expect(byAgent.code).toBe(3);
    const byHuman = await terminal(null, database.name);
    expect(byHuman.output).toContain('run by Claude Code (CLAUDECODE)');
    expect(byHuman.output).toContain(`touch ${marker}`);
    expect(byHuman.code).toBe(0);
    const entries = readAuditLog(path.join(project.dir, 'backups/audit.log')).entries;
    expect(entries.map((e) => `${e.operation}:${e.decision}:${e.agent}`)).toEqual([
      'run:refused:Claude Code (CLAUDECODE)',
      'allow:consent-refused:Claude Code (CLAUDECODE)',
      'allow:consent-granted:null',
    ]);
  });

  it('HOME pointing away from the account (a test, a sandbox) is a store whose allowances an agent cannot use', async () => {
    const marker = path.join(project.dir, 'ran');
    const refused = await dbsafe(project, ['run', '--', 'touch', marker], { CLAUDECODE: '1' });
    expect((await terminal(null, database.name)).code).toBe(0);
    const byAgent = await dbsafe(project, ['run', '--', 'touch', marker], { CLAUDECODE: '1' });
    expect(refused.code).toBe(3);
    expect(byAgent.code).toBe(3);
    expect(existsSync(marker)).toBe(false);
  });

  it('XDG_STATE_HOME set differently at refusal, allow and run time does not split the store', async () => {
    const marker = path.join(project.dir, 'ran');
    const refused = await dbsafe(project, ['run', '--', 'touch', marker], { XDG_STATE_HOME: path.join(project.dir, 'xdg-a') });
    expect(refused.code).toBe(3);
    const allowed = await allowOnTerminal(codeIn(refused.stderr), database.name, { cwd: project.dir, env: { ...project.env, TERM: 'dumb', XDG_STATE_HOME: path.join(project.dir, 'xdg-b') } });
    expect(allowed.code).toBe(0);
    const once = await dbsafe(project, ['run', '--', 'touch', marker], { XDG_STATE_HOME: path.join(project.dir, 'xdg-c') });
    expect(once.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it('every override is audited and sent to the configured notification', async () => {
    const sent = path.join(project.dir, 'notified');
    const app = makeProject({ config: { notify: { command: `printf '%s|%s\\n' "$DBSAFE_EVENT" "$DBSAFE_MESSAGE" >> ${sent}` } } });
    try {
      app.env.DATABASE_URL = database.url;
      const refused = await dbsafe(app, ['run', '--', 'true']);
      expect((await allowOnTerminal(codeIn(refused.stderr), database.name, { cwd: app.dir, env: { ...app.env, TERM: 'dumb' } })).code).toBe(0);
      expect((await dbsafe(app, ['run', '--', 'true'])).code).toBe(0);
      const lines = readFileSync(sent, 'utf8').trim().split('\n');
      expect(lines[0]).toMatch(/^refused\|/);
      expect(lines[1]).toMatch(/^override\|override: true ran once under a consent given with dbsafe allow. It was refused for:/);
      expect(readAuditLog(path.join(app.dir, 'backups/audit.log')).entries.map((e) => e.decision)).toContain('override');
    } finally {
      app.cleanup();
    }
  });

  it('the refusal names the invocation that works in a project-local install: npx dbsafe allow', async () => {
    const local = makeProject();
    try {
      installBuiltDbsafe(local.dir);
      const path_ = (process.env.PATH ?? '/usr/bin:/bin').split(':').filter((dir) => !existsSync(`${dir}/dbsafe`)).join(':');
      const refused = await dbsafe(local, ['run', '--', 'true'], { DATABASE_URL: database.url, PATH: `${path.join(local.dir, 'node_modules/.bin')}:${path_}` });
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/^ {4}npx dbsafe allow [A-Z0-9]{6}$/m);
      const global = await dbsafe(project, ['run', '--', 'true']);
      expect(global.stderr).toMatch(/^ {4}dbsafe allow [A-Z0-9]{6}$/m);
    } finally {
      local.cleanup();
    }
  });
});
