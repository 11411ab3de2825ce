import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEntry } from '../../src/audit/log.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { sampleEntry } from '../audit/sample.js';

let project: ReturnType<typeof tempDir>;
beforeEach(() => {
  project = tempDir('dbsafe-audit-cli-');
  writeFileSync(path.join(project.dir, 'package.json'), JSON.stringify({ name: 'app', dbsafe: { backupDir: 'var/backups' } }));
});
afterEach(() => project.cleanup());
const logFile = () => path.join(project.dir, 'var/backups/audit.log');

describe('dbsafe audit', () => {
  it('shows the newest N entries as a table, from the configured backup directory', async () => {
    for (let i = 1; i <= 5; i++) appendAuditEntry(logFile(), sampleEntry({ command: `npm run step${i}`, exitCode: i }));
    const result = await runCli(['audit', '-n', '2'], { cwd: path.join(project.dir) });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('npm run step4');
    expect(lines[2]).toContain('npm run step5');
  });

  it('prints JSON with --json', async () => {
    appendAuditEntry(logFile(), sampleEntry());
    const result = await runCli(['audit', '--json'], { cwd: project.dir });
    expect(JSON.parse(result.stdout)).toEqual([sampleEntry()]);
  });

  it('warns about a corrupt line and still shows the others', async () => {
    appendAuditEntry(logFile(), sampleEntry({ command: 'first' }));
    appendFileSync(logFile(), 'garbage\n');
    appendAuditEntry(logFile(), sampleEntry({ command: 'second' }));
    const result = await runCli(['audit'], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('audit.log line 2 is not an audit entry (not valid JSON); skipped');
    expect(result.stdout).toContain('first');
    expect(result.stdout).toContain('second');
  });

  it('says where the log will be when there is none yet', async () => {
    const result = await runCli(['audit'], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`No audit log yet at ${logFile()}`);
  });

  it('rejects a bad -n with a usage error', async () => {
    const result = await runCli(['audit', '-n', 'lots'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('-n expects a whole number');
  });
});
