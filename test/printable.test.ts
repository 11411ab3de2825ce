import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatAuditTable } from '../src/audit/format.js';
import { printable } from '../src/printable.js';
import { sampleEntry } from './audit/sample.js';
import { backupProject } from './cli/backup-project.js';
import { testDir } from './helpers/cli.js';

const ESC = '\x1b';
/** Raw control characters in output, other than newline: what a terminal would act on. */
const RAW_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('printable', () => {
  it.each([
    [`${ESC}[2J${ESC}[31mred`, '\\x1b[2J\\x1b[31mred'],
    [`${ESC}]0;owned${'\x07'}`, '\\x1b]0;owned\\x07'],
    [`${ESC}]8;;https://evil.example/${ESC}\\link`, '\\x1b]8;;https://evil.example/\\x1b\\link'],
    ['\x9b31m', '\\x9b31m'],
    ['\x9d0;title\x9c', '\\x9d0;title\\x9c'],
    ['a\nb\r\tc\x00\x7f', 'a\\nb\\r\\tc\\x00\\x7f'],
    ['invoice\u202egnp.exe', 'invoice\\u202egnp.exe'],
    ['x\u2028y\u2066z', 'x\\u2028y\\u2066z'],
    ['app_dev_20261124_101500', 'app_dev_20261124_101500'],
    ['café ünïcode ✓ 数据库', 'café ünïcode ✓ 数据库'],
  ])('%j is shown as %s', (text, shown) => {
    expect(printable(text)).toBe(shown);
  });

  it('keeps line breaks and tabs of a whole message when asked, and nothing else', () => {
    expect(printable(`line one\n\tline two ${ESC}[1m`, { lineBreaks: true })).toBe('line one\n\tline two \\x1b[1m');
  });

  it('the audit table shows a command\'s escapes instead of running them', () => {
    const table = formatAuditTable([sampleEntry({ decision: 'refused', command: `npm test ${ESC}]0;x${'\x07'}`, rule: `r${ESC}[2J` })]);
    expect(table).not.toMatch(RAW_CONTROLS);
    expect(table).toContain('npm test \\x1b]0;x\\x07');
    expect(table).toContain('r\\x1b[2J');
  });
});

describe('user text echoed by the CLI is escaped', () => {
  function sqliteProject() {
    const dir = testDir('dbsafe-printable-');
    const file = path.join(dir, 'app_dev.sqlite');
    execFileSync('sqlite3', [file, 'CREATE TABLE notes (id INTEGER PRIMARY KEY); INSERT INTO notes DEFAULT VALUES;']);
    const project = backupProject(`sqlite:${file}`);
    return project;
  }

  it('a backup selector with terminal escapes is echoed escaped by restore and verify', async () => {
    const p = sqliteProject();
    try {
      const selector = `${ESC}]0;pwned${'\x07'}${ESC}[2J\x9b1m`;
      for (const args of [['restore', selector, '--yes'], ['verify', selector]]) {
        const result = await p.cli(args);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('No backup matches "\\x1b]0;pwned\\x07\\x1b[2J\\x9b1m"');
        expect(result.stderr).not.toMatch(RAW_CONTROLS);
      }
      const byPath = await p.cli(['restore', `./x${ESC}[8m.dump`, '--yes']);
      writeFileSync(path.join(p.dir, `y${ESC}[8m.dump`), 'not a backup');
      const existing = await p.cli(['restore', `./y${ESC}[8m.dump`, '--yes']);
      expect(byPath.stderr).toContain('x\\x1b[8m.dump');
      expect(existing.stderr).toContain('y\\x1b[8m.dump has no valid dbsafe manifest');
      expect(byPath.stderr + existing.stderr).not.toMatch(RAW_CONTROLS);
    } finally {
      p.cleanup();
    }
  });

  it('a label with terminal escapes is listed escaped', async () => {
    const p = sqliteProject();
    try {
      const backup = await p.cli(['backup', '--label', `before ${ESC}[31mmigration${ESC}]0;t${'\x07'}`]);
      expect(backup.code).toBe(0);
      const list = await p.cli(['list']);
      expect(list.code).toBe(0);
      expect(list.stdout).toContain('manual (before \\x1b[31mmigration\\x1b]0;t\\x07)');
      expect(list.stdout).not.toMatch(RAW_CONTROLS);
    } finally {
      p.cleanup();
    }
  });
});

describe('dbsafe check shows values from the environment escaped', () => {
  it('a database name and an app-environment value carrying escapes cannot drive the terminal', async () => {
    const { runCli } = await import('./helpers/cli.js');
    const dir = testDir('dbsafe-printable-check-');
    writeFileSync(path.join(dir, '.env'), `DB_CONNECTION=pgsql\nDB_DATABASE="app_dev${ESC}[2J"\nAPP_ENV="local${ESC}]0;t${'\x07'}"\n`);
    writeFileSync(path.join(dir, 'dbsafe.config.json'), '{}');
    const result = await runCli(['check', '--offline'], { cwd: dir });
    expect(result.stdout).toContain('app_dev\\x1b[2J');
    expect(result.stdout).toContain('APP_ENV=local\\x1b]0;t\\x07');
    expect(result.stdout).not.toMatch(RAW_CONTROLS);
  });
});

describe('dbsafe explain shows the command escaped', () => {
  it('a command line carrying escapes is echoed escaped', async () => {
    const { runCli } = await import('./helpers/cli.js');
    const dir = testDir('dbsafe-printable-explain-');
    const result = await runCli(['explain', '--', `echo ${ESC}]0;title${'\x07'}${ESC}[2J`], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('echo \\x1b]0;title\\x07\\x1b[2J');
    expect(result.stdout).not.toMatch(RAW_CONTROLS);
  });
});
