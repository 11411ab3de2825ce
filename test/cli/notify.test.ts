import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from '../helpers/databases.js';
import { backupProject, type BackupProject } from './backup-project.js';

/** A real webhook receiver on 127.0.0.1: answers 200, a chosen status, or never. */
interface Receiver {
  url: string;
  port: number;
  requests: Array<{ method: string; path: string; contentType: string | undefined; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

const TOKEN = 'T0KEN-s3cr3t-9f8e7d';

async function startReceiver(answer: number | 'never' = 200): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', path: request.url ?? '', contentType: request.headers['content-type'], body: JSON.parse(body) as Record<string, unknown> });
      if (answer !== 'never') response.writeHead(answer).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/services/hook/${TOKEN}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const receiver = await startReceiver();
  await receiver.close();
  return receiver.port;
}

let project: BackupProject | undefined;
let receiver: Receiver | undefined;
let db: TestDatabase | undefined;
afterEach(async () => {
  project?.cleanup();
  project = undefined;
  await receiver?.close();
  receiver = undefined;
  db?.drop();
  db = undefined;
});

/** A project whose SQLite database sits in a directory that does not exist: every backup of it fails. */
function failingSqliteProject(config: Record<string, unknown> = {}, dbDir = 'missing-dir'): BackupProject {
  const base = backupProject('sqlite:placeholder', config);
  return { ...base, cli: (args, env = {}) => base.cli(args, { DATABASE_URL: `sqlite:${path.join(base.dir, dbDir, 'app.db')}`, ...env }) };
}

function auditLog(p: BackupProject): string {
  const file = path.join(p.backups, 'audit.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function auditEntries(p: BackupProject): Array<Record<string, unknown>> {
  return auditLog(p)
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('notifications: backup-failed', () => {
  it('POSTs the failure of a scheduled PostgreSQL backup to the webhook; the address and the password appear nowhere', async () => {
    receiver = await startReceiver();
    db = createPostgresDatabase();
    const missing = `${db.name}_missing`;
    project = backupProject(`postgres://postgres:hunter2-secret@127.0.0.1:5432/${missing}`, { notify: { events: ['backup-failed'] } });
    const result = await project.cli(['backup', '--scheduled'], { DBSAFE_NOTIFY_URL: receiver.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The database "${missing}" does not exist on 127.0.0.1:5432`);
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request).toMatchObject({ method: 'POST', path: `/services/hook/${TOKEN}`, contentType: 'application/json' });
    expect(Object.keys(request!.body).sort()).toEqual(['database', 'dbsafeVersion', 'event', 'host', 'message', 'project', 'text', 'time']);
    expect(request!.body).toMatchObject({
      event: 'backup-failed',
      project: path.basename(project.dir),
      database: `PostgreSQL ${missing} on 127.0.0.1:5432 (DATABASE_URL)`,
      dbsafeVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(request!.body.message).toContain(`The database "${missing}" does not exist`);
    expect(request!.body.text).toMatch(new RegExp(`^dbsafe on .+: scheduled backup FAILED for PostgreSQL ${missing} on 127\\.0\\.0\\.1:5432 \\(DATABASE_URL\\) \\(project .+\\): `));
    expect(Date.now() - Date.parse(request!.body.time as string)).toBeLessThan(60_000);
    for (const text of [result.stdout, result.stderr, auditLog(project), JSON.stringify(request!.body)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('hunter2-secret');
    }
    expect(auditEntries(project)).toContainEqual(expect.objectContaining({ operation: 'notify', decision: 'notified', rule: `backup-failed → webhook 127.0.0.1:${receiver.port}` }));
  });

  it('reads DBSAFE_NOTIFY_URL from the project .env, and notifies a refused scheduled backup too (exit 3 kept)', async () => {
    receiver = await startReceiver();
    project = backupProject('postgres://postgres@127.0.0.1:5432/shop_production');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(project.dir, '.env'), `DBSAFE_NOTIFY_URL=${receiver.url}\n`);
    const result = await project.cli(['backup', '--scheduled']);
    expect(result.code).toBe(3);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.body).toMatchObject({ event: 'backup-failed', database: 'PostgreSQL shop_production on 127.0.0.1:5432 (DATABASE_URL)' });
    expect(receiver.requests[0]!.body.message).toMatch(/production/i);
    expect(result.stderr + result.stdout).not.toContain(TOKEN);
  });

  it('runs the command with the details in DBSAFE_* variables only: shell syntax in the message stays data', async () => {
    const evil = `x $(touch PWNED1) \`touch PWNED2\` ; touch PWNED3 '" && touch PWNED4`;
    const dump = `${JSON.stringify(process.execPath)} -e 'const fs = require("fs"); fs.writeFileSync("notify-env.json", JSON.stringify(process.env))'`;
    project = failingSqliteProject({ notify: { command: dump, events: ['backup-failed'] } }, evil);
    const result = await project.cli(['backup', '--scheduled'], { DBSAFE_NOTIFY_URL: `http://127.0.0.1:${await closedPort()}/${TOKEN}` });
    expect(result.code).toBe(1);
    const env = JSON.parse(readFileSync(path.join(project.dir, 'notify-env.json'), 'utf8')) as Record<string, string>;
    expect(env.DBSAFE_EVENT).toBe('backup-failed');
    expect(env.DBSAFE_PROJECT).toBe(path.basename(project.dir));
    expect(env.DBSAFE_DATABASE).toBe(`SQLite file ${path.join(project.dir, evil, 'app.db')} (DATABASE_URL)`);
    expect(env.DBSAFE_MESSAGE).toContain(evil);
    expect(env.DBSAFE_TEXT).toMatch(/^dbsafe on .+: scheduled backup FAILED/);
    expect(env.DBSAFE_NOTIFY_URL).toBeUndefined();
    const everywhere = [project.dir, path.join(project.dir, evil)].flatMap((dir) => (existsSync(dir) ? readdirSync(dir) : []));
    expect(everywhere.filter((name) => name.startsWith('PWNED'))).toEqual([]);
    expect(auditEntries(project)).toContainEqual(expect.objectContaining({ decision: 'notified', rule: 'backup-failed → command' }));
  });

  it('an unreachable webhook and a failing command: the exit code and the error stay, a warning names the webhook by host only', async () => {
    const port = await closedPort();
    project = failingSqliteProject({ notify: { command: 'echo from-the-command >&2; exit 7' } });
    const plain = await project.cli(['backup', '--scheduled']);
    const result = await project.cli(['backup', '--scheduled'], { DBSAFE_NOTIFY_URL: `http://127.0.0.1:${port}/${TOKEN}` });
    expect(result.code).toBe(plain.code);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('does not exist. Create it');
    expect(result.stderr).toContain(`warning: the backup-failed notification could not be delivered to the webhook (127.0.0.1:${port}): the connection was refused`);
    expect(result.stderr).toContain('from-the-command');
    expect(result.stderr).toContain('warning: the backup-failed notification command ("notify.command" in the dbsafe configuration) failed: it exited with code 7');
    expect(result.stderr + result.stdout + auditLog(project)).not.toContain(TOKEN);
    const failed = auditEntries(project).filter((entry) => entry.decision === 'notify-failed');
    expect(failed.map((entry) => entry.rule)).toEqual(
      expect.arrayContaining([`backup-failed → webhook 127.0.0.1:${port}: the connection was refused (nothing listens at that address)`, 'backup-failed → command: it exited with code 7']),
    );
  });

  it('a webhook that never answers is given up after 5 s; the exit code is kept', async () => {
    receiver = await startReceiver('never');
    project = failingSqliteProject();
    const started = Date.now();
    const result = await project.cli(['backup', '--scheduled'], { DBSAFE_NOTIFY_URL: receiver.url });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.code).toBe(1);
    expect(receiver.requests).toHaveLength(1);
    expect(result.stderr).toContain(`the webhook (127.0.0.1:${receiver.port}): no answer within 5 s`);
    expect(result.stderr).toContain('does not exist. Create it');
    expect(result.stderr).not.toContain(TOKEN);
  }, 30_000);

  it('a webhook answering HTTP 500 is a warning, not a change of exit code', async () => {
    receiver = await startReceiver(500);
    project = failingSqliteProject();
    const result = await project.cli(['backup', '--scheduled'], { DBSAFE_NOTIFY_URL: receiver.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('could not be delivered to the webhook (127.0.0.1:');
    expect(result.stderr).toContain('it answered HTTP 500');
  });

  it('sends nothing for an event not listed, nor for a backup run by hand', async () => {
    receiver = await startReceiver();
    project = failingSqliteProject({ notify: { events: ['unhealthy'] } });
    expect((await project.cli(['backup', '--scheduled'], { DBSAFE_NOTIFY_URL: receiver.url })).code).toBe(1);
    project.cleanup();
    project = failingSqliteProject({ notify: { events: ['backup-failed'] } });
    expect((await project.cli(['backup'], { DBSAFE_NOTIFY_URL: receiver.url })).code).toBe(1);
    expect(receiver.requests).toEqual([]);
  });
});

describe('notifications: unhealthy', () => {
  function sqliteProject(config: Record<string, unknown> = {}): BackupProject {
    const base = failingSqliteProject(config, 'data');
    mkdirSync(path.join(base.dir, 'data'));
    return base;
  }

  it('health --notify POSTs "unhealthy" when there is no backup; exit 1 and the JSON output unchanged', async () => {
    receiver = await startReceiver();
    project = sqliteProject({ notify: { events: ['unhealthy'] } });
    const result = await project.cli(['health', '--notify', '--json'], { DBSAFE_NOTIFY_URL: receiver.url });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ healthy: false, newest: null });
    expect(receiver.requests).toHaveLength(1);
    const body = receiver.requests[0]!.body;
    expect(body).toMatchObject({ event: 'unhealthy', database: `SQLite file ${path.join(project.dir, 'data', 'app.db')} (DATABASE_URL)` });
    expect(body.message).toBe(`backups in ${project.backups}: exists: there is no backup of app in backups.`);
    expect(body.text).toMatch(/backups NOT healthy for SQLite file .*: backups in .*: exists: there is no backup of app/);
    expect(result.stderr + result.stdout + auditLog(project)).not.toContain(TOKEN);
  });

  it('health without --notify sends nothing', async () => {
    receiver = await startReceiver();
    project = sqliteProject();
    const result = await project.cli(['health'], { DBSAFE_NOTIFY_URL: receiver.url });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('NOT healthy');
    expect(receiver.requests).toEqual([]);
  });
});

describe('notifications: refused', () => {
  const production = 'postgres://postgres:pw-not-for-logs@127.0.0.1:5432/shop_production';

  it('a command aimed at production is refused (exit 3, never run) and the webhook hears of it', async () => {
    receiver = await startReceiver();
    // `node -e` stands in for a database command: the project's rules guard it.
    project = backupProject(production, { commands: { guard: ['node -e'] } });
    const result = await project.cli(['run', '--', process.execPath, '-e', 'require("fs").writeFileSync("ran", "")'], { DBSAFE_NOTIFY_URL: receiver.url });
    expect(result.code).toBe(3);
    expect(existsSync(path.join(project.dir, 'ran'))).toBe(false);
    expect(receiver.requests).toHaveLength(1);
    const body = receiver.requests[0]!.body;
    expect(body).toMatchObject({ event: 'refused', database: 'PostgreSQL shop_production on 127.0.0.1:5432 (DATABASE_URL)' });
    expect(body.message).toMatch(/^refused: .* was not run\. .*production/);
    expect(String(body.text)).toContain('command REFUSED');
    expect(JSON.stringify(body) + result.stdout + result.stderr + auditLog(project)).not.toContain('pw-not-for-logs');
    expect(auditEntries(project)).toContainEqual(expect.objectContaining({ decision: 'notified', rule: `refused → webhook 127.0.0.1:${receiver.port}` }));
  });

  it('is not sent when the events leave it out, nor for a configuration dbsafe cannot judge', async () => {
    receiver = await startReceiver();
    project = backupProject(production, { notify: { events: ['backup-failed'] } });
    expect((await project.cli(['guard'], { DBSAFE_NOTIFY_URL: receiver.url })).code).toBe(3);
    project.cleanup();
    project = backupProject('postgres://postgres@127.0.0.1:5432/app_dev');
    expect((await project.cli(['guard'], { DATABASE_URL: 'not a url', DBSAFE_NOTIFY_URL: receiver.url })).code).toBe(3);
    expect(receiver.requests).toEqual([]);
  });
});

describe('notifications: configuration and doctor', () => {
  it('an unknown event in the config is a configuration error (exit 2) listing the known events', async () => {
    project = failingSqliteProject({ notify: { events: ['backup-failed', 'disk-full'] } });
    const result = await project.cli(['health']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"notify" .events has unknown event "disk-full" (known events: backup-failed, unhealthy, refused, override, unmarked)');
  });

  it('a webhook address in the config is refused, pointing to DBSAFE_NOTIFY_URL, without repeating it', async () => {
    project = failingSqliteProject({ notify: { url: `https://hooks.slack.com/services/${TOKEN}` } });
    const result = await project.cli(['backup']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('set DBSAFE_NOTIFY_URL in the project\'s .env');
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('doctor says what is configured, with the host of the webhook only', async () => {
    project = failingSqliteProject({ notify: { command: 'notify-send dbsafe "$DBSAFE_TEXT"', events: ['unhealthy'] } });
    const env = { DBSAFE_NOTIFY_URL: `https://hooks.example.com/services/${TOKEN}` };
    const plain = await project.cli(['doctor'], env);
    expect(plain.stdout).toMatch(/Notifications\n {2}webhook {2}✓ set \(host hooks\.example\.com\)\n {2}command {2}set\n {2}events {3}unhealthy\n/);
    const json = await project.cli(['doctor', '--json'], env);
    expect(JSON.parse(json.stdout).notifications).toEqual({ webhook: { set: true, host: 'hooks.example.com' }, command: true, events: ['unhealthy'] });
    expect(plain.stdout + plain.stderr + json.stdout + json.stderr).not.toContain(TOKEN);

    const unconfigured = failingSqliteProject();
    const nothing = await unconfigured.cli(['doctor']);
    unconfigured.cleanup();
    expect(nothing.stdout).toContain('Notifications\n  not configured: nobody is told when a scheduled backup fails');

    const none = await project.cli(['doctor', '--json']);
    expect(JSON.parse(none.stdout).notifications).toEqual({ webhook: { set: false }, command: true, events: ['unhealthy'] });
    const bad = await project.cli(['doctor'], { DBSAFE_NOTIFY_URL: `hooks.example.com/${TOKEN}` });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('✗ notifications: DBSAFE_NOTIFY_URL is not a URL: notifications cannot reach the webhook.');
    expect(bad.stdout).not.toContain(TOKEN);
  });
});
