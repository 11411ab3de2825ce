import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/log.js';
import { createPostgresDatabase, psql, type TestDatabase } from '../helpers/databases.js';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.js';
import { start } from '../run/spawned.js';
import { makeProject, type TestProject } from '../run/project.js';

let database: TestDatabase;
let project: TestProject;
beforeAll(() => {
  database = createPostgresDatabase();
  psql('CREATE TABLE customers (id int primary key, name text); INSERT INTO customers VALUES (1, $$Ada$$), (2, $$Grace$$);', database.name);
});
afterAll(() => database.drop());
beforeEach(() => {
  project = makeProject({ env: {} });
  project.env.DATABASE_URL = database.url;
});
afterEach(() => project.cleanup());

const PTY_RUN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../consent/fixtures/pty-run.py');
const audit = () => readAuditLog(path.join(project.dir, 'backups/audit.log'));

describe('dbsafe run on a development database', () => {
  it('takes a snapshot (the default, auto), prints one line, runs the command with its stdio and leaves with its exit code', async () => {
    const result = await project.run(['run', '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(result.code).toBe(7);
    expect(result.stdout).toBe('out\n');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^dbsafe: snapshot of ${database.name} → ${database.name}_\\d{8}_\\d{6} \\(on the server, \\d+\\.\\d s; dbsafe undo or dbsafe restore ${database.name}_\\d{8}_\\d{6} brings it back\\)$`));
    expect(lines[1]).toBe('err');
    expect(project.backups()).toHaveLength(1);
    const [entry] = audit().entries;
    expect(entry).toMatchObject({ operation: 'run', decision: 'allowed', command: `sh -c 'echo out; echo err >&2; exit 7'`, exitCode: 7, agent: null });
    expect(entry?.backupId).toMatch(new RegExp(`^${database.name}_\\d{8}_\\d{6}$`));
  });

  it('--mode dump: a file backup, in one line', async () => {
    const result = await project.run(['run', '--mode', 'dump', '--', 'true']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^dbsafe: backed up ${database.name} → backups/${database.name}_\\d{8}_\\d{6}\\.dump \\([\\d.]+ [KM]?B, \\d+\\.\\d s\\)\\n$`));
    expect(project.backups()).toEqual([expect.stringMatching(/\.dump$/)]);
  });

  it('gives the command the terminal itself, so its prompts work', async () => {
    const script = '[ -t 0 ] && [ -t 1 ] && printf "name? "; read -r name; echo "hello $name"';
    const run = start('python3', [PTY_RUN, 'name?', 'Ada', '--', process.execPath, CLI, 'run', '--', 'sh', '-c', script], { cwd: project.dir, env: { ...project.env, TERM: 'dumb' } });
    const done = await run.finished;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('name? ');
    expect(done.stdout).toContain('hello Ada');
  });

  it('treats options after the command word as the command’s own', async () => {
    const result = await project.run(['run', 'sh', '-c', 'echo "$0 $1"', '--force', '--label']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('--force --label\n');
  });

  it('--no-backup checks only', async () => {
    const result = await project.run(['run', '--no-backup', '--', 'true']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('checked, not backed up');
    expect(project.backups()).toEqual([]);
    expect(audit().entries[0]).toMatchObject({ decision: 'checked-only', backupId: null, exitCode: 0 });
  });

  it('--restore-after puts the database back whatever the command did', async () => {
    const result = await project.run(['run', '--restore-after', '--', 'psql', '-q', '-h', '127.0.0.1', '-U', 'postgres', '-d', database.name, '-c', 'DELETE FROM customers']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/--restore-after: restored .* from /);
    expect(psql('SELECT count(*) FROM customers', database.name)).toBe('2');
  });

  it('a guarded command that does not exist exits 127 with a clear message before anything is checked or backed up', async () => {
    // php is guarded (`php artisan migrate`) but cannot be found on this PATH, as on a machine without PHP.
    const result = await project.run(['run', '--', 'php', 'artisan', 'migrate'], { PATH: path.join(project.dir, 'no-such-dir') });
    expect(result.code).toBe(127);
    expect(result.stderr).toBe('dbsafe: php: command not found. Nothing was checked, backed up or run: install php, or check the spelling (dbsafe looked on PATH, as your shell does).\n');
    expect(project.backups()).toEqual([]);
    expect(existsSync(path.join(project.dir, 'backups/audit.log'))).toBe(false);
  });

  it('a guarded command given by a path that does not exist exits 127 before any backup', async () => {
    const result = await project.run(['run', '--', './bin/touch', 'x']);
    expect(result.code).toBe(127);
    expect(result.stderr).toContain('./bin/touch: No such file or directory');
    expect(project.backups()).toEqual([]);
  });

  it('forwards SIGINT to the command and exits 130', async () => {
    const run = start(process.execPath, [CLI, 'run', '--', process.execPath, '-e', 'console.log("ready"); setTimeout(() => {}, 30000)'], { cwd: project.dir, env: project.env });
    await run.waitFor('ready');
    run.child.kill('SIGINT');
    const done = await run.finished;
    expect(done.code).toBe(130);
    expect(audit().entries[0]?.exitCode).toBe(130);
  });

  it('needs a command: usage error, exit 2', async () => {
    const result = await project.run(['run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('dbsafe run needs a command');
  });

  it('stops with exit 4 and never starts the command when the backup fails', async () => {
    writeFileSync(path.join(project.dir, 'blocked'), 'a file where the backup directory should be');
    const config = JSON.parse(readFileSync(path.join(project.dir, 'package.json'), 'utf8'));
    config.dbsafe = { ...config.dbsafe, backupDir: 'blocked/backups' };
    writeFileSync(path.join(project.dir, 'package.json'), JSON.stringify(config));
    const marker = path.join(project.dir, 'ran');
    const result = await project.run(['run', '--', 'touch', marker]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('backup failed, so the command was not run');
    expect(existsSync(marker)).toBe(false);
  });

  it('fails closed with exit 3 when the configuration cannot be read', async () => {
    writeFileSync(path.join(project.dir, 'dbsafe.config.json'), '{ "backupDir": "backups", }');
    const marker = path.join(project.dir, 'ran');
    const result = await project.run(['run', '--', 'touch', marker]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('is not valid JSON');
    expect(result.stderr).toContain('fail closed');
    expect(existsSync(marker)).toBe(false);
  });

  it('fails closed with exit 3 when no database is found', async () => {
    const marker = path.join(project.dir, 'ran');
    const result = await project.run(['run', '--', 'touch', marker], { DATABASE_URL: '' });
    expect(result.code).toBe(3);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('dbsafe run on a production database', () => {
  const PROD_URL = 'postgres://app:s3cret-pw@db.example.com:5432/shop';

  it('refuses with exit 3, never starts the command, backs nothing up, and logs it without the password', async () => {
    const marker = path.join(project.dir, 'ran');
    const result = await project.run(['run', '--', 'touch', marker], { DATABASE_URL: PROD_URL });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('refused: touch');
    expect(result.stderr).toMatch(/dbsafe allow [A-Z0-9]{6}/);
    expect(result.stderr).not.toContain('s3cret-pw');
    expect(existsSync(marker)).toBe(false);
    expect(project.backups()).toEqual([]);
    const [entry] = audit().entries;
    expect(entry).toMatchObject({ operation: 'run', decision: 'refused', exitCode: 3, backupId: null });
    expect(JSON.stringify(entry)).not.toContain('s3cret-pw');
  });

  const BYPASS_VARIABLES: Array<Record<string, string>> = [
    { DBSAFE: '0' },
    { DBSAFE_SKIP: '1' },
    { DBSAFE_FORCE: '1' },
    { DISABLE_DATABASE_ENVIRONMENT_CHECK: '1' },
    { DISABLE_DATABASE_ENVIRONMENT_CHECK: '0' },
    { CI: 'true' },
    { PRISMA_USER_CONSENT_FOR_DANGEROUS_AI_ACTION: 'yes' },
    { FORCE: '1' },
    { YES: '1' },
    { NODE_ENV: 'development', APP_ENV: 'local' },
  ];
  it.each(BYPASS_VARIABLES)('no variable turns the refusal into a pass: %j', async (bypass) => {
    const marker = path.join(project.dir, 'ran');
    const result = await project.run(['run', '--', 'touch', marker], { DATABASE_URL: PROD_URL, ...bypass });
    expect(result.code).toBe(3);
    expect(existsSync(marker)).toBe(false);
  });

  it.each([['--force'], ['--yes'], ['-y'], ['--no-verify'], ['--allow'], ['--skip-check']])('no flag for dbsafe turns the refusal into a pass: %s', async (flag) => {
    const marker = path.join(project.dir, 'ran');
    const before = await project.run(['run', flag, '--', 'touch', marker], { DATABASE_URL: PROD_URL });
    expect([2, 3]).toContain(before.code);
    const after = await project.run(['run', '--', 'sh', '-c', `touch ${marker}`, flag], { DATABASE_URL: PROD_URL });
    expect(after.code).toBe(3);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('dbsafe run of a command the rules call safe (as dbsafe explain says)', () => {
  const PROD_URL = 'postgres://app@db.example.com:5432/shop';

  it('runs it at once, even with a production DATABASE_URL: no check, no backup, no output of its own, no audit line', async () => {
    writeFileSync(path.join(project.dir, 'server.js'), 'console.log("out"); console.error("err"); process.exit(7);\n');
    const explained = await project.run(['explain', '--json', '--', 'node', 'server.js']);
    expect(JSON.parse(explained.stdout)).toMatchObject({ guarded: false });
    const result = await project.run(['run', '--', 'node', 'server.js'], { DATABASE_URL: PROD_URL });
    expect(result).toMatchObject({ code: 7, stdout: 'out\n', stderr: 'err\n' });
    expect(project.backups()).toEqual([]);
    expect(existsSync(path.join(project.dir, 'backups'))).toBe(false);
  });

  it('passes signals on to it and leaves with 128+N', async () => {
    writeFileSync(path.join(project.dir, 'server.js'), 'console.log("ready"); setTimeout(() => {}, 30000);\n');
    const run = start(process.execPath, [CLI, 'run', '--', 'node', 'server.js'], { cwd: project.dir, env: project.env });
    await run.waitFor('ready');
    run.child.kill('SIGINT');
    expect((await run.finished).code).toBe(130);
    expect(project.backups()).toEqual([]);
  });

  it('a command that does not exist gets the shell’s 127, nothing else', async () => {
    const result = await project.run(['run', '--', 'npmx-not-a-command', 'test']);
    expect(result).toMatchObject({ code: 127, stdout: '', stderr: 'dbsafe: npmx-not-a-command: command not found\n' });
    expect(project.backups()).toEqual([]);
  });

  it('--label and --restore-after ask for a backup by name: the command is guarded whatever the rules say', async () => {
    writeFileSync(path.join(project.dir, 'server.js'), 'process.exit(0);\n');
    const labelled = await project.run(['run', '--label', 'before-experiment', '--', 'node', 'server.js']);
    expect(labelled.code).toBe(0);
    expect(labelled.stderr).toMatch(/^dbsafe: snapshot of /);
    expect(project.backups()).toHaveLength(1);
    const refused = await project.run(['run', '--restore-after', '--', 'node', 'server.js'], { DATABASE_URL: PROD_URL });
    expect(refused.code).toBe(3);
  });
});
