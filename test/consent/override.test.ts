import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/log.js';
import { createPostgresDatabase, uniqueName, type TestDatabase } from '../helpers/databases.js';
import { makeProject, type TestProject } from '../run/project.js';
import { allowOnTerminal } from './terminal.js';

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

const codeIn = (stderr: string): string => {
  const match = /dbsafe allow ([A-Z0-9]{6})/.exec(stderr);
  if (!match) throw new Error(`no consent code in: ${stderr}`);
  return match[1]!;
};
const terminal = (code: string, answer: string, extra: Record<string, string> = {}) =>
  allowOnTerminal(code, answer, { cwd: project.dir, env: { ...project.env, TERM: 'dumb', ...extra } });

describe('one-off consent, end to end', () => {
  it('a human allows the exact command once; reuse and other commands are refused', async () => {
    const marker = path.join(project.dir, 'ran');
    const refused = await project.run(['run', '--', 'touch', marker]);
    expect(refused.code).toBe(3);
    expect(existsSync(marker)).toBe(false);

    const allowed = await terminal(codeIn(refused.stderr), database.name);
    expect(allowed.code).toBe(0);

    const different = await project.run(['run', '--', 'touch', `${marker}-other`]);
    expect(different.code).toBe(3);
    expect(existsSync(`${marker}-other`)).toBe(false);

    const once = await project.run(['run', '--', 'touch', marker]);
    expect(once.code).toBe(0);
    expect(once.stderr).toContain('running once under the consent');
    expect(existsSync(marker)).toBe(true);
    expect(project.backups()).toHaveLength(1);

    rmSync(marker);
    const reuse = await project.run(['run', '--', 'touch', marker]);
    expect(reuse.code).toBe(3);
    expect(existsSync(marker)).toBe(false);

    const decisions = readAuditLog(path.join(project.dir, 'backups/audit.log')).entries.map((e) => `${e.operation}:${e.decision}`);
    expect(decisions).toEqual(['run:refused', 'allow:consent-granted', 'run:refused', 'run:override', 'run:refused']);
  });

  it('an allowed npm test carries the consent to its own pretest guard, once', async () => {
    const app = makeProject({ scripts: { pretest: 'dbsafe guard', test: 'echo tests-ran' } });
    try {
      app.env.DATABASE_URL = database.url;
      const refused = await app.run(['run', '--', 'npm', 'test']);
      expect(refused.code).toBe(3);
      expect((await allowOnTerminal(codeIn(refused.stderr), database.name, { cwd: app.dir, env: { ...app.env, TERM: 'dumb' } })).code).toBe(0);
      const once = await app.run(['run', '--', 'npm', 'test']);
      expect(once.code).toBe(0);
      expect(once.stdout).toContain('tests-ran');
      expect(once.stderr).toContain('which runs under a one-off consent');
      expect(app.backups()).toHaveLength(1);
      const plain = await app.run(['run', '--', 'npm', 'test']);
      expect(plain.code).toBe(3);
    } finally {
      app.cleanup();
    }
  });

  it('an expired allowance is refused', async () => {
    const marker = path.join(project.dir, 'ran');
    const refused = await project.run(['run', '--', 'touch', marker]);
    expect((await terminal(codeIn(refused.stderr), database.name)).code).toBe(0);
    const consentDir = path.join(project.state, 'dbsafe/consent');
    const [allowance] = readdirSync(consentDir).filter((name) => name.startsWith('allowed-'));
    const file = path.join(consentDir, allowance!);
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), usableUntil: new Date(Date.now() - 1000).toISOString() }));
    const late = await project.run(['run', '--', 'touch', marker]);
    expect(late.code).toBe(3);
    expect(existsSync(marker)).toBe(false);
  });

  it('tells an agent to ask its human, and accepts no consent from the agent’s session', async () => {
    const marker = path.join(project.dir, 'ran');
    const refused = await project.run(['run', '--', 'touch', marker], { CLAUDECODE: '1' });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('you are Claude Code (CLAUDECODE)');
    expect(refused.stderr).toContain('ask your human');
    const code = codeIn(refused.stderr);
    const byAgent = await terminal(code, database.name, { CLAUDECODE: '1' });
    expect(byAgent.code).toBe(3);
    const again = await project.run(['run', '--', 'touch', marker], { CLAUDECODE: '1' });
    expect(again.code).toBe(3);
    expect(existsSync(marker)).toBe(false);
    const entries = readAuditLog(path.join(project.dir, 'backups/audit.log')).entries;
    expect(entries.map((e) => e.agent)).toEqual(['Claude Code (CLAUDECODE)', 'Claude Code (CLAUDECODE)', 'Claude Code (CLAUDECODE)']);
  });
});
