import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/log.js';
import { createPostgresDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, type TestProject } from '../run/project.js';

let database: TestDatabase;
let other: TestDatabase;
let project: TestProject;
beforeAll(() => {
  database = createPostgresDatabase();
  other = createPostgresDatabase();
});
afterAll(() => {
  database.drop();
  other.drop();
});
beforeEach(() => {
  project = makeProject({ scripts: { pretest: 'dbsafe guard', test: `node -p "'tests-ran'"` } });
  project.env.DATABASE_URL = database.url;
});
afterEach(() => project.cleanup());

const backupsOf = (name: string) => project.backups().filter((file) => file.startsWith(`${name}_`));

describe('dbsafe guard', () => {
  it('checks and backs up without running anything: exit 0, audited', async () => {
    const result = await project.run(['guard', '--label', 'before-hook']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^dbsafe: snapshot of dbsafe_test_\w+ → dbsafe_test_\w+ \(on the server/);
    expect(backupsOf(database.name)).toHaveLength(1);
    expect(readAuditLog(path.join(project.dir, 'backups/audit.log')).entries[0]).toMatchObject({ operation: 'guard', decision: 'allowed', exitCode: 0 });
  });

  it('refuses a production database with exit 3 and backs nothing up', async () => {
    const result = await project.run(['guard'], { DATABASE_URL: 'postgres://app@db.example.com/shop' });
    expect(result.code).toBe(3);
    expect(project.backups()).toEqual([]);
  });

  it('backs up once when npm test runs its pretest guard on its own', async () => {
    const { spawnSync } = await import('node:child_process');
    const npm = spawnSync('npm', ['test'], { cwd: project.dir, env: project.env, encoding: 'utf8' });
    expect(npm.status).toBe(0);
    expect(npm.stdout).toContain('tests-ran');
    expect(backupsOf(database.name)).toHaveLength(1);
  });
});

describe('dbsafe guard from an npm pre-script', () => {
  it('decides as dbsafe explain does for the script it protects: prelint of `npm run lint` backs nothing up and says nothing; pretest of `npm test` backs up, audited as npm run test', async () => {
    const { spawnSync } = await import('node:child_process');
    const app = makeProject({ scripts: { prelint: 'dbsafe guard', lint: 'echo lint-ran', pretest: 'dbsafe guard', test: `node -p "'tests-ran'"` } });
    try {
      const env = { ...app.env, DATABASE_URL: database.url };
      const explain = async (line: string) => JSON.parse((await app.run(['explain', '--json', '--', line])).stdout) as { guarded: boolean };
      expect(await explain('npm run lint')).toMatchObject({ guarded: false });
      expect(await explain('npm test')).toMatchObject({ guarded: true });

      const lint = spawnSync('npm', ['run', 'lint'], { cwd: app.dir, env, encoding: 'utf8' });
      expect(lint.status).toBe(0);
      expect(lint.stdout).toContain('lint-ran');
      expect(lint.stderr).not.toContain('dbsafe');
      expect(app.backups()).toEqual([]);

      const test = spawnSync('npm', ['test'], { cwd: app.dir, env, encoding: 'utf8' });
      expect(test.status).toBe(0);
      expect(app.backups()).toHaveLength(1);
      const entries = readAuditLog(path.join(app.dir, 'backups/audit.log')).entries;
      expect(entries.map((e) => `${e.operation}: ${e.command}`)).toEqual(['guard: npm run test']);
    } finally {
      app.cleanup();
    }
  });

  it('a pre-script still refuses production, and a configuration it cannot read fails closed (exit 3)', async () => {
    const { spawnSync } = await import('node:child_process');
    const refused = spawnSync('npm', ['test'], { cwd: project.dir, env: { ...project.env, DATABASE_URL: 'postgres://app@db.example.com/shop' }, encoding: 'utf8' });
    expect(refused.status).toBe(3);
    expect(refused.stdout).not.toContain('tests-ran');
    writeFileSync(path.join(project.dir, 'dbsafe.config.json'), '{ "backupDir": "backups", }');
    const unreadable = spawnSync('npm', ['test'], { cwd: project.dir, env: project.env, encoding: 'utf8' });
    expect(unreadable.status).toBe(3);
    expect(unreadable.stderr).toContain('fail closed');
    expect(project.backups()).toEqual([]);
  });
});

describe('nested guards', () => {
  it('dbsafe run -- npm test with a pretest guard backs up once', async () => {
    const result = await project.run(['run', '--', 'npm', 'test']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('tests-ran');
    expect(result.stderr).toContain('already backed up by the enclosing dbsafe run');
    expect(backupsOf(database.name)).toHaveLength(1);
    const entries = readAuditLog(path.join(project.dir, 'backups/audit.log')).entries;
    expect(entries.map((e) => `${e.operation}:${e.decision}`)).toEqual(['guard:checked-only', 'run:allowed']);
  });

  it('a run inside a run of the same database checks again but does not back up again', async () => {
    const result = await project.run(['run', '--', 'dbsafe', 'run', '--', 'true']);
    expect(result.code).toBe(0);
    expect(backupsOf(database.name)).toHaveLength(1);
  });

  it('the inner guard still refuses production', async () => {
    const result = await project.run(['run', '--', 'sh', '-c', 'DATABASE_URL=postgres://app@db.example.com/shop dbsafe guard']);
    expect(result.code).toBe(3);
  });

  it('a guard of a different database is not suppressed by the marker', async () => {
    // In a script file: a DATABASE_URL written in the run's own command line would make the run guard that database itself.
    writeFileSync(path.join(project.dir, 'inner.sh'), `DATABASE_URL=${other.url} dbsafe guard\n`);
    const result = await project.run(['run', '--', 'sh', '-c', 'sh inner.sh']);
    expect(result.code).toBe(0);
    expect(backupsOf(database.name)).toHaveLength(1);
    expect(backupsOf(other.name)).toHaveLength(1);
  });

  it('clears the records of guards that were killed', async () => {
    const { spawnSync } = await import('node:child_process');
    const deadPid = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim();
    const guards = path.join(project.state, 'dbsafe/guards');
    mkdirSync(guards, { recursive: true });
    writeFileSync(path.join(guards, `${deadPid}-0123456789abcdef.json`), '{"fingerprint":"x","override":false}');
    expect((await project.run(['run', '--no-backup', '--', 'true'])).code).toBe(0);
    expect(readdirSync(guards)).toEqual([]);
  });

  it('a copied or forged marker does not skip the backup', async () => {
    const printed = await project.run(['run', '--no-backup', '--', 'sh', '-c', 'echo "$DBSAFE_GUARD_ACTIVE"']);
    const marker = printed.stdout.trim();
    expect(marker).toMatch(/^\d+:[0-9a-f]{16}:[0-9a-f]{16}$/);
    const copied = await project.run(['guard'], { DBSAFE_GUARD_ACTIVE: marker });
    expect(copied.code).toBe(0);
    const [, fingerprint] = marker.split(':');
    const forged = await project.run(['guard'], { DBSAFE_GUARD_ACTIVE: `${process.pid}:${fingerprint}:0123456789abcdef` });
    expect(forged.code).toBe(0);
    expect(backupsOf(database.name)).toHaveLength(2);
  });
});
