import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatAuditTable } from '../../src/audit/format.js';
import { appendAuditEntry, readAuditLog } from '../../src/audit/log.js';
import { commandForDisplay } from '../../src/run/command-text.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { sampleEntry } from './sample.js';

let work: ReturnType<typeof tempDir>;
beforeEach(() => (work = tempDir('dbsafe-audit-')));
afterEach(() => work.cleanup());


describe('commandForDisplay', () => {
  it('quotes like a shell and masks secrets', () => {
    expect(commandForDisplay(['npm', 'test'])).toBe('npm test');
    expect(commandForDisplay(['sh', '-c', "echo it's"])).toBe(`sh -c 'echo it'\\''s'`);
    expect(commandForDisplay(['psql', 'postgres://app:hunter2@db/app'])).toBe('psql postgres://app:********@db/app');
    expect(commandForDisplay(['env', 'DB_PASSWORD=hunter2', 'npm', 'test'])).toBe('env DB_PASSWORD=******** npm test');
    expect(commandForDisplay(['mysql', '--password', 'hunter2', '--password=hunter3'])).not.toMatch(/hunter/);
  });
});

describe('the audit log file', () => {
  it('appends one JSON line per entry, 0600 in a 0700 directory', () => {
    const file = path.join(work.dir, 'backups/audit.log');
    appendAuditEntry(file, sampleEntry());
    appendAuditEntry(file, sampleEntry({ decision: 'refused', exitCode: 3 }));
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!)).toMatchObject({ decision: 'refused', exitCode: 3 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it('never interleaves lines written by many processes at once', async () => {
    const file = path.join(work.dir, 'audit.log');
    const script = `
      const { appendAuditEntry } = await import(${JSON.stringify(path.join(REPO_ROOT, 'dist/src/audit/log.js'))});
      for (let i = 0; i < 200; i++) appendAuditEntry(process.argv[1], { time: new Date().toISOString(), operation: 'run', decision: 'allowed', rule: null, target: null, command: 'x'.repeat(3000) + process.pid, backupId: null, exitCode: i, durationMs: 0, user: null, host: 'h', cwd: '/' });`;
    await Promise.all(
      Array.from({ length: 4 }, () => new Promise((resolve, reject) => spawn(process.execPath, ['--input-type=module', '-e', script, file], { stdio: 'inherit' }).on('close', resolve).on('error', reject))),
    );
    const reading = readAuditLog(file);
    expect(reading.skipped).toEqual([]);
    expect(reading.entries).toHaveLength(800);
  });

  it('skips a corrupt line, reports where it was, and keeps the rest', () => {
    const file = path.join(work.dir, 'audit.log');
    appendAuditEntry(file, sampleEntry({ exitCode: 1 }));
    appendFileSync(file, '{"time": "2026-11-24T10:16:00Z", "operat\n');
    appendFileSync(file, '{"time": "yesterday", "operation": "run", "decision": "allowed", "host": "h", "cwd": "/"}\n');
    appendAuditEntry(file, sampleEntry({ exitCode: 2 }));
    const reading = readAuditLog(file);
    expect(reading.entries.map((e) => e.exitCode)).toEqual([1, 2]);
    expect(reading.skipped).toEqual([
      { line: 2, problem: 'not valid JSON' },
      { line: 3, problem: '"time" is not a date' },
    ]);
  });

  it('reads a missing log as empty', () => {
    expect(readAuditLog(path.join(work.dir, 'none.log'))).toEqual({ entries: [], skipped: [], exists: false });
  });
});

describe('formatAuditTable', () => {
  it('aligns columns and shows the rule under a refusal', () => {
    const table = formatAuditTable([sampleEntry(), sampleEntry({ decision: 'refused', rule: 'production word in the database name', backupId: null, exitCode: 3, agent: 'Claude Code (CLAUDECODE)' })]);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+OPERATION\s+DECISION\s+EXIT\s+BACKUP\s+AGENT\s+DATABASE\s+COMMAND$/);
    expect(lines[1]).toContain('app_dev_20261124_101500');
    expect(lines[2]).toContain('refused');
    expect(lines[2]).toContain('Claude Code (CLAUDECODE)');
    expect(lines[3]).toBe('  ↳ production word in the database name');
    expect(lines[1]!.indexOf('npm test')).toBe(lines[2]!.indexOf('npm test'));
  });
});
