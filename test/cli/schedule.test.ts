import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { createPostgresDatabase, psql } from '../helpers/databases.js';
import { createSystemUser, type SystemUser } from '../helpers/system-user.js';
import { commandAsCronRunsIt, commandOfLine } from '../schedule/cron-stand-in.js';
import type { ScheduleView } from '../../src/schedule/schedule.js';
import type { IntegrationStatus } from '../../src/integrations/status.js';

let user: SystemUser;
let cleanups: Array<() => void> = [];

beforeAll(() => {
  user = createSystemUser();
});
afterAll(() => user?.remove());
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  // Each test starts from a user without a crontab.
  execFileSync('sh', ['-c', `crontab -r -u ${user.name} 2>/dev/null || true`]);
});

const FOREIGN = '# my jobs\nMAILTO=""\n\n*/10 * * * * /usr/bin/true   # spacing kept\n@reboot /bin/echo up\n';

/** A project owned by the test user, in a directory whose name needs quoting for the shell and escaping for cron. */
function project(files: Record<string, string>, name = "my app's 100% db"): string {
  const { dir, cleanup } = tempDir('dbsafe-schedule-');
  cleanups.push(cleanup);
  chmodSync(dir, 0o755);
  const root = path.join(dir, name);
  mkdirSync(root);
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, file), text);
  user.own(dir);
  return root;
}

function sqliteProject(name?: string, file = 'app.db'): string {
  const root = project({ '.env': `DATABASE_URL=sqlite:./${file}\n`, 'dbsafe.config.json': '{}\n' }, name);
  execFileSync('runuser', ['-u', user.name, '--', 'sqlite3', path.join(root, file), "CREATE TABLE notes(body text); INSERT INTO notes VALUES ('kept');"]);
  return root;
}

const schedule = (root: string, args: string[] = [], env?: Record<string, string>) => user.cli(['schedule', ...args], { cwd: root, env });

function dbsafeLines(crontab: string | null): string[] {
  return (crontab ?? '').split('\n').filter((line) => line !== '' && !line.startsWith('#') && !line.includes('/usr/bin/true') && !line.startsWith('@reboot') && !line.startsWith('MAILTO'));
}

/** What cron would run for the project's entry, run the way cron runs it: /bin/sh, empty environment, as the user. */
function runEntryAsCron(root: string) {
  const entry = dbsafeLines(user.crontab()).find((line) => line.includes(`cd '${root.replace(/'/g, `'\\''`).replace(/%/g, '\\%')}'`));
  expect(entry).toBeDefined();
  return user.shEmptyEnv(commandAsCronRunsIt(commandOfLine(entry!)));
}

async function manifests(root: string): Promise<Array<{ trigger: string; label: string | null; database: string; verified: boolean }>> {
  const listed = await user.cli(['list', '--json'], { cwd: root });
  expect(listed.code).toBe(0);
  return JSON.parse(listed.stdout) as Array<{ trigger: string; label: string | null; database: string; verified: boolean }>;
}

describe('dbsafe schedule (real crontab of a throw-away user)', () => {
  it('installs one entry, keeps foreign lines byte for byte, is idempotent, and the entry backs up under an empty environment', async () => {
    const root = sqliteProject();
    user.setCrontab(FOREIGN);

    const none = await schedule(root);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe(`No scheduled backups for ${root}. Set them up with \`dbsafe schedule --every 6h\`.\n`);

    const first = await schedule(root, ['--every', '6h']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Scheduled: a backup of ${root} every 6h.`);
    const crontab = user.crontab()!;
    expect(crontab.startsWith(FOREIGN)).toBe(true);
    const [line, ...more] = dbsafeLines(crontab);
    expect(more).toEqual([]);
    expect(line).toMatch(/^\d{1,2} (\*\/6|[1-5]-23\/6) \* \* \* cd '.+' && umask 077 && mkdir -p backups && exec >> backups\/schedule\.log 2>&1 && PATH=\S+ \S+ \S+ backup --scheduled$/);
    expect(line).toContain(`cd '${root.replace(/'/g, `'\\''`).replace('%', '\\%')}'`);
    expect(line).toContain(` ${process.execPath} `);
    expect(line).not.toMatch(/sqlite:|DATABASE_URL/);

    const again = await schedule(root, ['--every', '6h']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Already scheduled');
    expect(user.crontab()).toBe(crontab);

    const daily = await schedule(root, ['--every', '1d', '--json']);
    expect(daily.code).toBe(0);
    const view = JSON.parse(daily.stdout) as ScheduleView & { change: string };
    expect(view).toMatchObject({ change: 'updated', project: root, scheduled: true, every: '1d', upToDate: true, logFile: path.join(root, 'backups', 'schedule.log'), otherProjects: 0 });
    expect(view.cron).toMatch(/^\d{1,2} 1[0-6] \* \* \*$/);
    expect(new Date(view.nextRun!).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(view.nextRun!).getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    const updated = user.crontab()!;
    expect(updated.startsWith(FOREIGN)).toBe(true);
    expect(dbsafeLines(updated)).toEqual([`${view.cron} ${commandOfLine(line!)}`]);

    const shown = JSON.parse((await schedule(root, ['--json'])).stdout) as ScheduleView;
    expect(shown).toMatchObject({ scheduled: true, every: '1d', cron: view.cron, line: view.line });

    // The entry itself, as cron would start it: no shell environment at all.
    const run = runEntryAsCron(root);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [backup] = await manifests(root);
    expect(backup).toMatchObject({ trigger: 'scheduled', database: 'app', verified: true });
    const log = path.join(root, 'backups', 'schedule.log');
    expect(readFileSync(log, 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z dbsafe scheduled backup in .+\nBacked up SQLite file .+app\.db .+ to backups\/app_\d{8}_\d{6}\.sqlite \(.+, verified, .+\)\.\n$/);
    expect((statSync(log).mode & 0o777).toString(8)).toBe('600');
    expect(statSync(log).uid).toBe(Number(execFileSync('id', ['-u', user.name], { encoding: 'utf8' })));

    const status = await user.cli(['status', '--json'], { cwd: root });
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as IntegrationStatus).schedule).toMatchObject({ available: true, scheduled: true, every: '1d' });
    expect((await user.cli(['status'], { cwd: root })).stdout).toMatch(/scheduled: +every 1d \(\d{1,2} 1[0-6] \* \* \*\), next /);

    const uninstalled = await user.cli(['uninstall'], { cwd: root });
    expect(uninstalled.code).toBe(0);
    expect(uninstalled.stdout).toContain(`updated  crontab of ${user.name}`);
    expect(user.crontab()).toBe(FOREIGN);
  });

  it('keeps several projects apart: each is updated and removed on its own; uninstall removes them all', async () => {
    const a = sqliteProject('a');
    const b = sqliteProject('b b');
    expect((await schedule(a, ['--every', '15m'])).code).toBe(0);
    expect((await schedule(b, ['--every', '12h'])).code).toBe(0);
    const two = dbsafeLines(user.crontab());
    expect(two).toHaveLength(2);
    expect(two[0]).toMatch(/^(\*\/15|\d{1,2}-59\/15) \* \* \* \* cd .*\/a && /);
    expect(two[1]).toContain("/b b' && ");
    expect(JSON.parse((await schedule(a, ['--json'])).stdout)).toMatchObject({ every: '15m', otherProjects: 1 });

    const removed = await schedule(a, ['--remove']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(`Removed the scheduled backups of ${a} from your crontab.\n`);
    expect(dbsafeLines(user.crontab())).toEqual([two[1]]);

    const twice = await schedule(a, ['--remove', '--json']);
    expect(twice.code).toBe(0);
    expect(JSON.parse(twice.stdout)).toEqual({ project: a, removed: false });
    expect((await schedule(a, ['--remove'])).stdout).toBe(`No scheduled backups for ${a}: nothing to remove.\n`);

    expect((await schedule(a, ['--every', '30m'])).code).toBe(0);
    const uninstalled = await user.cli(['uninstall', '--cron', '--json'], { cwd: a });
    expect(uninstalled.code).toBe(0);
    expect(JSON.parse(uninstalled.stdout)).toMatchObject({ changes: [{ file: `crontab of ${user.name}`, action: 'removed' }] });
    // dbsafe created the crontab, so nothing of it is left.
    expect(user.crontab()).toBeNull();
  });

  it('backs up a PostgreSQL database from the cron entry, and no password reaches the crontab or the log', async () => {
    const db = createPostgresDatabase();
    cleanups.push(() => db.drop());
    psql('CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)', db.name);
    const url = db.url.replace('postgres@', 'postgres:Sup3r-secret-pw@');
    const root = project({ '.env': `DATABASE_URL=${url}\n`, 'package.json': '{"devDependencies": {"dbsafe": "*"}}\n' }, 'pg app');
    const result = await schedule(root, ['--every', '1h']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const run = runEntryAsCron(root);
    expect(run.code).toBe(0);
    const [backup] = await manifests(root);
    expect(backup).toMatchObject({ trigger: 'scheduled', database: db.name, verified: true });
    expect(user.crontab()).not.toContain('Sup3r');
    expect(readFileSync(path.join(root, 'backups', 'schedule.log'), 'utf8')).not.toContain('Sup3r');
  });

  it('refuses a database named only in the shell environment, without writing anything', async () => {
    const db = sqliteProject('envonly');
    const root = project({ 'dbsafe.config.json': '{}\n' }, 'shell only');
    const url = `sqlite:${path.join(db, 'app.db')}`;
    const result = await schedule(root, ['--every', '6h'], { DATABASE_URL: url });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("The database comes from your shell's environment (DATABASE_URL)");
    expect(result.stderr).toContain(`${root}/.env`);
    expect(result.stderr).not.toContain(url);
    expect(user.crontab()).toBeNull();
  });

  it('refuses when the shell picks another .env file than cron would (NODE_ENV)', async () => {
    const root = project({ 'dbsafe.config.json': '{}\n', '.env.development': 'DATABASE_URL=sqlite:./dev.db\n' }, 'node env');
    execFileSync('runuser', ['-u', user.name, '--', 'sqlite3', path.join(root, 'dev.db'), 'CREATE TABLE t(a);']);
    const result = await schedule(root, ['--every', '6h'], { NODE_ENV: 'development' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is not the one the project's files name");
    expect(user.crontab()).toBeNull();
  });

  it('refuses a production database as dbsafe check does (exit 3)', async () => {
    const root = sqliteProject('prod', 'shop_production.db');
    const result = await schedule(root, ['--every', '6h']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('Backup of');
    expect(result.stderr).toContain('production');
    expect(user.crontab()).toBeNull();
  });

  it.each([
    [['--every', '5h'], 'cron cannot repeat "5h" evenly', 'Use 4h or 6h instead'],
    [['--every', '90m'], 'cron cannot repeat "90m" evenly', 'Use 1h or 2h instead'],
    [['--every', 'daily'], '"daily" is not an interval dbsafe understands', 'one of: 5m, 10m, 15m, 20m, 30m, 1h, 2h, 3h, 4h, 6h, 8h, 12h, 1d, 7d'],
    [['--every', '6h', '--remove'], '--every and --remove cannot be combined', 'dbsafe schedule --remove'],
  ])('%j is a usage error (exit 2) naming what is accepted', async (args, cause, fix) => {
    const root = sqliteProject('usage');
    const result = await schedule(root, args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(cause);
    expect(result.stderr).toContain(fix);
    expect(user.crontab()).toBeNull();
  });

  it('says so when no database is configured (exit 2)', async () => {
    const root = project({ 'dbsafe.config.json': '{}\n' }, 'no db');
    const result = await schedule(root, ['--every', '6h']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No usable database is configured');
    expect(user.crontab()).toBeNull();
  });
});

describe('dbsafe schedule without cron installed', () => {
  it('names the package to install (exit 1); status says cron is not installed', async () => {
    const { dir, cleanup } = tempDir('dbsafe-schedule-nocron-');
    cleanups.push(cleanup);
    writeFileSync(path.join(dir, 'dbsafe.config.json'), '{}\n');
    // A PATH without crontab (git only, which status needs); node itself is started by its absolute path.
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(), path.join(bin, 'git'));
    const env = { PATH: bin };
    for (const args of [['schedule'], ['schedule', '--remove']]) {
      const result = await runCli(args, { cwd: dir, env });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('The `crontab` program is not installed');
      expect(result.stderr).toContain('apt-get install cron');
    }
    const status = await runCli(['status', '--json'], { cwd: dir, env });
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as IntegrationStatus).schedule).toEqual({ available: false, project: dir, reason: 'cron is not installed (no `crontab` program)' });
  });
});
