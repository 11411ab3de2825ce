import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, psql, type TestDatabase } from '../helpers/databases.js';
import { backupProject, type BackupProject } from './backup-project.js';

let db: TestDatabase;
let project: BackupProject;

beforeEach(() => {
  db = createPostgresDatabase();
  psql("CREATE TABLE notes (id serial PRIMARY KEY, body text); INSERT INTO notes(body) SELECT 'note ' || g FROM generate_series(1, 200) g", db.name);
});
afterEach(() => {
  project?.cleanup();
  db.drop();
});

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('dbsafe backup', () => {
  it('writes a verified backup and its manifest, private and ignored by git, with no password anywhere', async () => {
    const url = db.url.replace('postgres@', 'postgres:hunter2-secret@');
    project = backupProject(url);
    const result = await project.cli(['backup', '--label', 'before upgrade']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Backed up PostgreSQL ${db.name} on 127\\.0\\.0\\.1:5432 \\(DATABASE_URL\\) to backups/${db.name}_\\d{8}_\\d{6}\\.dump \\(.+, verified, .+ s\\)\\.\\n$`));
    const [manifest] = project.manifests();
    expect(manifest).toMatchObject({
      engine: 'postgres',
      database: db.name,
      location: '127.0.0.1:5432',
      user: 'postgres',
      trigger: 'manual',
      label: 'before upgrade',
      verified: true,
      clientTool: expect.stringMatching(/^pg_dump 15\.\d+$/),
      serverVersion: expect.stringMatching(/^PostgreSQL 15\.\d+$/),
      compression: 'zstd -1',
      git: { branch: expect.any(String), commit: null },
    });
    const file = path.join(project.backups, manifest!.file as string);
    // An uncompressed custom-format archive (PGDMP…) compressed in the stream by zstd, the default where it is installed.
    expect(readFileSync(file).subarray(0, 4).toString('hex')).toBe('28b52ffd');
    expect(execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]).toBe(manifest!.sha256);
    expect(statSync(file).size).toBe(manifest!.size);
    expect(mode(project.backups)).toBe('700');
    expect(mode(file)).toBe('600');
    expect(mode(path.join(project.backups, `${manifest!.id as string}.json`))).toBe('600');
    expect(readFileSync(path.join(project.dir, '.gitignore'), 'utf8')).toBe('# dbsafe backups\n/backups/\n');
    expect(project.files().filter((f) => f.startsWith('.'))).toEqual([]);
    expect(JSON.stringify(manifest) + result.stdout).not.toContain('hunter2');
  });

  it('prints the manifest with --json and keeps two backups of the same second apart', async () => {
    project = backupProject(db.url);
    const first = await project.cli(['backup', '--json']);
    const second = await project.cli(['backup', '--json']);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const a = JSON.parse(first.stdout) as { id: string; path: string };
    const b = JSON.parse(second.stdout) as { id: string; path: string };
    expect(a.id).not.toBe(b.id);
    expect(a.path).toBe(path.join(project.backups, `${a.id}.dump`));
    expect(project.manifests()).toHaveLength(2);
  });

  it('rotates to the newest N and never touches files it did not write', async () => {
    project = backupProject(db.url, { retention: 2 });
    mkdirSync(project.backups, { recursive: true });
    writeFileSync(path.join(project.backups, 'audit.log'), 'audit\n');
    writeFileSync(path.join(project.backups, 'handmade.dump'), 'PGDMP by hand');
    writeFileSync(path.join(project.backups, 'notes.json'), '{"keep": true}');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await project.cli(['backup', '--json']);
      expect(result.code).toBe(0);
      ids.push((JSON.parse(result.stdout) as { id: string }).id);
    }
    expect(project.manifests().map((m) => m.id).sort()).toEqual(ids.slice(2).sort());
    expect(project.files()).toEqual(
      ['audit.log', 'handmade.dump', 'notes.json', ...ids.slice(2).flatMap((id) => [`${id}.dump`, `${id}.json`])].sort(),
    );
  });

  it('names the package to install when pg_dump cannot be found, and leaves nothing behind', async () => {
    project = backupProject(db.url);
    const empty = path.join(project.dir, 'no-tools');
    mkdirSync(empty);
    const result = await project.cli(['backup'], { DBSAFE_PG_BIN: empty, PATH: '/nonexistent' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('there is no pg_dump in it');
    expect(result.stderr).toContain('apt-get install postgresql-client-15');
    expect(project.files()).toEqual([]);
  });

  it('refuses a pg_dump older than the server, naming both versions', async () => {
    project = backupProject(db.url);
    const old = path.join(project.dir, 'old-client');
    mkdirSync(old);
    // Stand-in for an old client: answers --version like pg_dump 12 and fails loudly if ever used to dump.
    writeFileSync(path.join(old, 'pg_dump'), '#!/bin/sh\n[ "$1" = --version ] && { echo "pg_dump (PostgreSQL) 12.22"; exit 0; }\necho "stand-in must not dump" >&2; exit 99\n');
    chmodSync(path.join(old, 'pg_dump'), 0o755);
    const result = await project.cli(['backup'], { DBSAFE_PG_BIN: old });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('pg_dump 12.22');
    expect(result.stderr).toContain('PostgreSQL 15.');
    expect(result.stderr).toContain('apt-get install postgresql-client-15');
    expect(result.stderr).not.toContain('stand-in must not dump');
    expect(project.manifests()).toEqual([]);
  });

  it('says the database does not exist, without leaving a partial file', async () => {
    project = backupProject(db.url.replace(db.name, `${db.name}_missing`));
    const result = await project.cli(['backup']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Backup of ${db.name}_missing did not start`);
    expect(result.stderr).toContain(`The database "${db.name}_missing" does not exist on 127.0.0.1:5432`);
    expect(project.files()).toEqual([]);
  });

  it('fails with a usage error when no database is configured', async () => {
    project = backupProject(db.url);
    const result = await project.cli(['backup'], { DATABASE_URL: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Set DATABASE_URL');
  });
});
