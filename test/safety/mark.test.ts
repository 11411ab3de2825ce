import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

const refusal = (request: MarkRequest) => dbsafeErrorOf(markDatabase(request));

describe('markDatabase', () => {
  it('lets a person at a terminal replace a production marker after typing the database name', async () => {
    const { dir, file } = markedProject();
    const questions: string[] = [];
    const message = await markDatabase({
      cwd: dir,
      env: {},
      marker: 'development',
      interactive: true,
      confirm: async (question) => {
        questions.push(question);
        return file;
      },
    });
    expect(questions[0]).toContain('marked PRODUCTION');
    expect(message).toContain('as development');
    expect(applicationId(file)).toBe(MARKER_IDS.development);
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
