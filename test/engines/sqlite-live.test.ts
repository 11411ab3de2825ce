import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { live, MARKER_IDS } from '../../src/engines/sqlite/live.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { dbsafeErrorOf } from '../helpers/errors.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function workspace(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return dir;
}
function sqliteFile(dir: string, name = 'dev.sqlite3'): string {
  const file = path.join(dir, name);
  execFileSync('sqlite3', [file, 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (\'a\'), (\'b\');']);
  return file;
}
const targetOf = (file: string) => parseDatabaseUrl(`sqlite:${file}`, { kind: 'flag', name: '--url' }, '/tmp');

const failure = dbsafeErrorOf;

describe('SQLite live checks', () => {
  it('reads the version and no marker of a fresh file', async () => {
    const file = sqliteFile(workspace());
    expect(await live.probe(targetOf(file))).toEqual({ serverVersion: expect.stringMatching(/^SQLite 3\.\d+/), standby: false, readOnly: false, marker: null });
  });

  it('stores the marker as the application_id, which .dump does not carry into another file', async () => {
    const dir = workspace();
    const file = sqliteFile(dir);
    await live.writeMarker(targetOf(file), 'production');
    expect(execFileSync('sqlite3', [file, 'PRAGMA application_id'], { encoding: 'utf8' }).trim()).toBe(String(MARKER_IDS.production));
    expect((await live.probe(targetOf(file))).marker).toBe('production');
    const dump = execFileSync('sqlite3', [file, '.dump'], { encoding: 'utf8' });
    expect(dump).toContain('CREATE TABLE notes');
    const copy = path.join(dir, 'copy.sqlite3');
    execFileSync('sqlite3', [copy], { input: dump });
    expect(execFileSync('sqlite3', [copy, 'SELECT count(*) FROM notes'], { encoding: 'utf8' }).trim()).toBe('2');
    expect((await live.probe(targetOf(copy))).marker).toBeNull();
  });

  it('never overwrites an application_id another program set', async () => {
    const file = sqliteFile(workspace());
    execFileSync('sqlite3', [file, 'PRAGMA application_id = 42']);
    const error = await failure(live.writeMarker(targetOf(file), 'production'));
    expect(error.code).toBe('mark-occupied');
    expect(execFileSync('sqlite3', [file, 'PRAGMA application_id'], { encoding: 'utf8' }).trim()).toBe('42');
  });

  it('reports a read-only file as read-only, and check refuses it', async () => {
    const dir = workspace();
    const file = sqliteFile(dir);
    chmodSync(file, 0o444);
    expect((await live.probe(targetOf(file))).readOnly).toBe(true);
    const result = await runCli(['check', '--json'], { cwd: dir, env: { DATABASE_URL: 'sqlite:dev.sqlite3' } });
    expect(result.code).toBe(3);
    expect((JSON.parse(result.stdout) as { reasons: Array<{ rule: string }> }).reasons.map((r) => r.rule)).toEqual(['read-only']);
  });

  it('says a missing file does not exist, without creating it', async () => {
    const file = path.join(workspace(), 'missing.sqlite3');
    const error = await failure(live.probe(targetOf(file)));
    expect(error.code).toBe('live-missing-database');
    expect(error.message).toContain('does not exist');
    expect(existsSync(file)).toBe(false);
  });

  it('says a file that is not SQLite is not a database', async () => {
    const file = path.join(workspace(), 'notes.sqlite3');
    writeFileSync(file, 'this is plain text, not a database, and long enough to have a header'.repeat(3));
    const error = await failure(live.probe(targetOf(file)));
    expect(error.code).toBe('live-not-a-database');
  });

  it('marks through the CLI and check then refuses the marked file', async () => {
    const dir = workspace();
    sqliteFile(dir);
    const env = { DATABASE_URL: 'sqlite:dev.sqlite3' };
    expect((await runCli(['check'], { cwd: dir, env })).code).toBe(0);
    const marked = await runCli(['mark', 'production'], { cwd: dir, env });
    expect(marked.code).toBe(0);
    expect(marked.stdout).toContain('as production');
    const check = await runCli(['check'], { cwd: dir, env });
    expect(check.code).toBe(3);
    expect(check.stdout).toContain('✗ marker inside the database');
    const unmark = await runCli(['mark', 'development'], { cwd: dir, env });
    expect(unmark.code).toBe(3);
    expect(unmark.stderr).toContain('needs a person to confirm in a terminal');
    const agent = await runCli(['mark', 'development'], { cwd: dir, env: { ...env, CLAUDECODE: '1' } });
    expect(agent.code).toBe(3);
    expect(agent.stderr).toContain('an AI agent is running this command: Claude Code (CLAUDECODE)');
  });
});
