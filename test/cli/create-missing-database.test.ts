import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/log.js';
import { dropSnapshotsOf, dropMariaSnapshotsOf, mariadb, psql, uniqueName } from '../helpers/databases.js';
import { makeProject, type TestProject } from '../run/project.js';

const CREATE_MARIADB_DATABASE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/create-mariadb-database.cjs');

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const postgresExists = (name: string) => psql(`SELECT count(*) FROM pg_database WHERE datname = '${name}'`) === '1';
const mariaExists = (name: string) => mariadb(`SELECT count(*) FROM information_schema.schemata WHERE schema_name = '${name}'`) === '1';

/** A project whose `db:create` script is a stand-in for a framework's: it creates the database named in DATABASE_URL. */
function creatingProject(url: string, createCommand: string): TestProject {
  const project = makeProject({ scripts: { 'db:create': createCommand }, env: { DATABASE_URL: url } });
  cleanups.push(project.cleanup);
  return project;
}

const engines = [
  {
    engine: 'PostgreSQL',
    url: (name: string) => `postgres://postgres@127.0.0.1:5432/${name}`,
    create: (name: string) => `createdb -h 127.0.0.1 -p 5432 -U postgres ${name}`,
    exists: postgresExists,
    drop: (name: string) => {
      psql(`DROP DATABASE IF EXISTS ${name}`);
      // A guarded command on PostgreSQL takes a snapshot by default (auto).
      dropSnapshotsOf(name);
    },
  },
  {
    engine: 'MariaDB',
    url: (name: string) => `mysql://root@127.0.0.1:3306/${name}`,
    // A framework's own code, not the mariadb client: a client naming no database is one dbsafe refuses to guess about.
    create: (name: string) => `node ${CREATE_MARIADB_DATABASE} ${name}`,
    exists: mariaExists,
    drop: (name: string) => {
      mariadb(`DROP DATABASE IF EXISTS ${name}`);
      dropMariaSnapshotsOf(name);
    },
  },
];

describe.each(engines)('a guarded db:create against a database that does not exist yet ($engine)', ({ url, create, exists, drop }) => {
  it('runs on a local server with a one-line note, creates it, and audits it as nothing to back up', async () => {
    const name = uniqueName();
    cleanups.push(() => drop(name));
    const project = creatingProject(url(name), create(name));
    expect(exists(name)).toBe(false);

    const result = await project.run(['run', '--', 'npm', 'run', 'db:create']);
    expect(result.code, result.stderr).toBe(0);
    expect(exists(name)).toBe(true);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('dbsafe:'))).toEqual([`dbsafe: nothing to back up: database ${name} does not exist yet`]);
    expect(project.backups()).toEqual([]);
    const [entry] = readAuditLog(path.join(project.dir, 'backups/audit.log')).entries;
    expect(entry).toMatchObject({ operation: 'run', decision: 'nothing-to-back-up', rule: 'database-missing', backupId: null, exitCode: 0 });

    // Once it exists, the next guarded command backs it up as usual: a snapshot where the engine has them (auto), else a file.
    const next = await project.run(['run', '--', 'npm', 'run', 'db:create']);
    expect(next.stderr).toMatch(new RegExp(`dbsafe: (backed up|snapshot of) ${name} → `));
  });

  it('is still refused when the name says production, and nothing is created', async () => {
    const name = uniqueName('dbsafe_test_prod_');
    cleanups.push(() => drop(name));
    const project = creatingProject(url(name), create(name));
    const result = await project.run(['run', '--', 'npm', 'run', 'db:create']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('refused');
    expect(result.stderr).not.toContain('nothing to back up');
    expect(exists(name)).toBe(false);
  });

  it('is still refused when the app environment says production', async () => {
    const name = uniqueName();
    cleanups.push(() => drop(name));
    const project = creatingProject(url(name), create(name));
    const result = await project.run(['run', '--', 'npm', 'run', 'db:create'], { APP_ENV: 'production' });
    expect(result.code).toBe(3);
    expect(exists(name)).toBe(false);
  });
});
