import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { readAuditLog } from '../../src/audit/log.js';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MARKER_IDS } from '../../src/engines/sqlite/live.js';
import { markDatabase, type MarkRequest } from '../../src/safety/mark.js';
import { tempDir } from '../helpers/cli.js';
import { dbsafeErrorOf } from '../helpers/errors.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A project with a real SQLite database already marked production. */
function markedProject(): { dir: string; file: string } {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const file = path.join(dir, 'dev.sqlite3');
  execFileSync('sqlite3', [file, `CREATE TABLE t (id INTEGER); PRAGMA application_id = ${MARKER_IDS.production};`]);
  writeFileSync(path.join(dir, '.env'), 'DATABASE_URL=sqlite:dev.sqlite3\n');
  return { dir, file };
}

const applicationId = (file: string) => Number(execFileSync('sqlite3', [file, 'PRAGMA application_id'], { encoding: 'utf8' }).trim());

const refusal = (request: MarkRequest) => dbsafeErrorOf(markDatabase({ ancestry: noAgent, ...request }));
/** A person's terminal: no agent among the ancestors, whatever runs the tests. */
const noAgent = () => [{ pid: 10, name: 'bash', exe: '/usr/bin/bash', argv: ['-bash'] }];

describe('markDatabase', () => {
  it('lets a person at a terminal replace a production marker after typing the database name', async () => {
    const { dir, file } = markedProject();
    const questions: string[] = [];
    const notices: string[] = [];
    const message = await markDatabase({
      cwd: dir,
      env: {},
      marker: 'development',
      interactive: true,
      ancestry: noAgent,
      confirm: async (question) => {
        questions.push(question);
        return file;
      },
      notifyUnmarked: async (_context, details) => {
        notices.push(details.message);
      },
    });
    expect(questions[0]).toContain('marked PRODUCTION');
    expect(message).toContain('as development');
    expect(applicationId(file)).toBe(MARKER_IDS.development);
    expect(notices).toEqual([expect.stringContaining('the production marker of SQLite file')]);
    expect(readAuditLog(path.join(dir, 'backups/audit.log')).entries).toEqual([
      expect.objectContaining({ operation: 'mark development', decision: 'unmarked', rule: 'production marker replaced by development' }),
    ]);
  });

  it('sends the un-marking to the configured notification command', async () => {
    const { dir, file } = markedProject();
    const sent = path.join(dir, 'sent');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', dbsafe: { notify: { command: `printf '%s|%s' "$DBSAFE_EVENT" "$DBSAFE_DATABASE" > ${sent}` } } }));
    await markDatabase({ cwd: dir, env: {}, marker: 'development', interactive: true, ancestry: noAgent, confirm: async () => file });
    expect(readFileSync(sent, 'utf8')).toMatch(/^unmarked\|SQLite file .*dev\.sqlite3/);
  });

  it('never asks an agent found among the ancestors, with no agent variable set', async () => {
    const { dir, file } = markedProject();
    const error = await refusal({ cwd: dir, env: {}, marker: 'development', interactive: true, confirm: async () => file, ancestry: () => [...noAgent(), { pid: 77, name: 'node', exe: '/usr/bin/node', argv: ['node', '/opt/bin/claude'] }] });
    expect(error.code).toBe('mark-agent');
    expect(error.message).toContain('Claude Code (process claude, pid 77)');
    expect(applicationId(file)).toBe(MARKER_IDS.production);
    expect(readAuditLog(path.join(dir, 'backups/audit.log')).entries[0]).toMatchObject({ decision: 'refused', agent: 'Claude Code (process claude, pid 77)' });
  });

  it('changes nothing when the typed name does not match', async () => {
    const { dir, file } = markedProject();
    const error = await refusal({ cwd: dir, env: {}, marker: 'development', interactive: true, confirm: async () => 'something else' });
    expect(error.code).toBe('mark-not-confirmed');
    expect(error.exitCode).toBe(3);
    expect(applicationId(file)).toBe(MARKER_IDS.production);
  });

  it('never asks an AI agent, even on a terminal', async () => {
    const { dir, file } = markedProject();
    const error = await refusal({ cwd: dir, env: { CODEX_SANDBOX: 'seatbelt' }, marker: 'development', interactive: true, confirm: async () => file });
    expect(error.code).toBe('mark-agent');
    expect(error.message).toContain('CODEX_SANDBOX');
    expect(applicationId(file)).toBe(MARKER_IDS.production);
  });

  it('refuses to mark development a database the rules judge production', async () => {
    const { dir } = markedProject();
    const error = await refusal({ cwd: dir, env: { APP_ENV: 'production' }, marker: 'development', interactive: true, confirm: async () => '' });
    expect(error.code).toBe('mark-refused');
    expect(error.message).toContain('APP_ENV=production');
  });

  it('says what to do when no database is configured', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const error = await refusal({ cwd: dir, env: {}, marker: 'production', interactive: false });
    expect(error.code).toBe('mark-no-database');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('set DATABASE_URL');
  });
});
