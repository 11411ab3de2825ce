import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, psql, type TestDatabase } from '../helpers/databases.js';
import { backupProject, type BackupProject } from './backup-project.js';

interface HealthJson {
  healthy: boolean;
  database: string;
  engine: string;
  newest: { id: string; ageSeconds: number; size: number; recordedSize: number; path: string } | null;
  checks: Array<{ name: string; ok: boolean; detail: string; fix?: string }>;
}

let project: BackupProject | undefined;
let db: TestDatabase | undefined;
afterEach(() => {
  project?.cleanup();
  project = undefined;
  db?.drop();
  db = undefined;
});

/** A project whose DATABASE_URL is a real SQLite file holding about 200 KB of rows. */
function sqliteProject(config: Record<string, unknown> = {}): BackupProject & { sql(statements: string): void } {
  const base = backupProject('sqlite:placeholder', config);
  const file = path.join(base.dir, 'app.db');
  const sql = (statements: string) => execFileSync('sqlite3', [file, statements]);
  sql('CREATE TABLE t (x BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO t SELECT randomblob(1000) FROM n;');
  return { ...base, sql, cli: (args, env = {}) => base.cli(args, { DATABASE_URL: `sqlite:${file}`, ...env }) };
}

async function backUp(p: BackupProject): Promise<{ id: string; file: string }> {
  const result = await p.cli(['backup', '--json']);
  expect(result.code, result.stderr).toBe(0);
  const manifest = JSON.parse(result.stdout) as { id: string; path: string };
  return { id: manifest.id, file: manifest.path };
}

async function health(p: BackupProject, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; json: HealthJson }> {
  const result = await p.cli(['health', '--json', ...args], env);
  expect(result.stderr).toBe('');
  return { code: result.code, json: JSON.parse(result.stdout) as HealthJson };
}

const check = (json: HealthJson, name: string) => json.checks.find((c) => c.name === name);

function flipBytes(file: string, offset: number): void {
  const fd = openSync(file, 'r+');
  const byte = Buffer.alloc(16);
  readSync(fd, byte, 0, 16, offset);
  writeSync(fd, Buffer.from(byte.map((b) => b ^ 0xff)), 0, 16, offset);
  closeSync(fd);
}

describe('dbsafe health (SQLite)', () => {
  it('is unhealthy with no backup at all, and says how to take one', async () => {
    project = sqliteProject();
    const plain = await project.cli(['health']);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain('NOT healthy');
    expect(plain.stdout).toMatch(/✗ exists +there is no backup of app in backups/);
    expect(plain.stdout).toContain('fix: Take one now with `dbsafe backup`, and keep them coming with `dbsafe schedule --every 6h`.');
    const { code, json } = await health(project);
    expect(code).toBe(1);
    expect(json).toMatchObject({ healthy: false, database: 'app', engine: 'sqlite', newest: null });
    expect(json.checks).toEqual([{ name: 'exists', ok: false, detail: expect.any(String), fix: expect.stringContaining('dbsafe backup') }]);
  });

  it('is healthy when the newest backup is fresh, in line with the earlier one and intact; plain output ticks every check', async () => {
    project = sqliteProject();
    await backUp(project);
    const newest = await backUp(project);
    const { code, json } = await health(project);
    expect(code).toBe(0);
    expect(json.healthy).toBe(true);
    expect(json.newest).toMatchObject({ id: newest.id, path: newest.file, size: statSync(newest.file).size });
    expect(json.newest!.ageSeconds).toBeLessThan(60);
    expect(json.checks.map((c) => [c.name, c.ok])).toEqual([['exists', true], ['recent', true], ['size', true], ['intact', true]]);
    const plain = await project.cli(['health']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`Backups of SQLite file ${path.join(project.dir, 'app.db')} (DATABASE_URL): healthy`);
    expect(plain.stdout.match(/✓/g)).toHaveLength(4);
    expect(plain.stdout).not.toContain('fix:');
  });

  it('fails intact when bytes of the newest backup were changed after it was written', async () => {
    project = sqliteProject();
    const { file } = await backUp(project);
    flipBytes(file, 50_000);
    const { code, json } = await health(project);
    expect(code).toBe(1);
    expect(check(json, 'intact')).toMatchObject({ ok: false, detail: expect.stringContaining('the manifest recorded'), fix: expect.stringContaining('dbsafe backup') });
    expect(check(json, 'size')!.ok).toBe(true);
  });

  it("fails intact when the checksum matches but the engine's own tool cannot read the file", async () => {
    project = sqliteProject();
    const { id, file } = await backUp(project);
    flipBytes(file, 0);
    // Re-record the damaged file's checksum, as if it had been written damaged: only sqlite3 can tell.
    const manifestFile = path.join(project.backups, `${id}.json`);
    const sha256 = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
    writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(readFileSync(manifestFile, 'utf8')), sha256 }));
    const { code, json } = await health(project);
    expect(code).toBe(1);
    expect(check(json, 'intact')).toMatchObject({ ok: false, detail: expect.stringContaining('"SQLite format 3" header') });
  });

  it('fails size when the newest backup was cut short', async () => {
    project = sqliteProject();
    await backUp(project);
    await backUp(project);
    const newest = await backUp(project);
    truncateSync(newest.file, 16_384);
    const { code, json } = await health(project);
    expect(code).toBe(1);
    expect(check(json, 'size')).toMatchObject({ ok: false, detail: expect.stringMatching(/^16 KB, under half of the median of the previous 2 backups/) });
    expect(check(json, 'size')!.fix).toContain(`dbsafe verify ${newest.id}`);
    expect(check(json, 'intact')!.ok).toBe(false);
    expect(json.newest).toMatchObject({ size: 16_384, recordedSize: expect.any(Number) });
    expect(json.newest!.recordedSize).toBeGreaterThan(100_000);
  });

  it('fails size, and only size, when the database was emptied before the newest backup', async () => {
    const sqlite = sqliteProject();
    project = sqlite;
    const previous = await backUp(project);
    sqlite.sql('DELETE FROM t; VACUUM;');
    await backUp(project);
    const { code, json } = await health(project);
    expect(code).toBe(1);
    expect(json.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['size']);
    expect(check(json, 'size')!.detail).toContain('the database may have been emptied');
    expect(check(json, 'size')!.fix).toContain(`dbsafe restore ${previous.id}`);
  });

  it('fails recent for an old backup; --max-age and "healthMaxAge" set the limit, the flag winning', async () => {
    project = sqliteProject({ healthMaxAge: '2d' });
    const { id } = await backUp(project);
    const manifestFile = path.join(project.backups, `${id}.json`);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, createdAt: new Date(Date.now() - 3 * 86_400_000).toISOString() }));

    const old = await health(project);
    expect(old.code).toBe(1);
    expect(check(old.json, 'recent')).toMatchObject({ ok: false, detail: 'the newest backup is 3d old, older than the limit of 2d.', fix: expect.stringContaining('dbsafe schedule --every 6h') });
    expect(old.json.newest!.ageSeconds).toBeGreaterThanOrEqual(3 * 86_400);
    expect((await health(project, ['--max-age', '4d'])).code).toBe(0);
    expect((await health(project, ['--max-age', '72h'])).code).toBe(1);
    const plain = await project.cli(['health', '--max-age', '30m']);
    expect(plain.stdout).toMatch(/✗ recent +the newest backup is 3d old, older than the limit of 30m\./);
  });

  it('refuses a malformed --max-age with exit 2 and the accepted forms', async () => {
    project = sqliteProject();
    for (const value of ['12', '1.5h', 'soon']) {
      const result = await project.cli(['health', '--max-age', value]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`--max-age "${value}" is not a duration. Use a whole number followed by s, m, h, d or w (30m, 12h, 2d)`);
    }
  });

  it('a malformed "healthMaxAge" in the config is a configuration error (exit 2)', async () => {
    project = sqliteProject({ healthMaxAge: 'daily' });
    const result = await project.cli(['health']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"healthMaxAge" must be a whole number followed by s, m, h, d or w');
  });

  it('reads backups only, so a production-looking environment does not stop it', async () => {
    project = sqliteProject();
    await backUp(project);
    const { code, json } = await health(project, [], { APP_ENV: 'production' });
    expect(code).toBe(0);
    expect(json.healthy).toBe(true);
  });
});

describe('dbsafe health (PostgreSQL)', () => {
  it('judges pg_dump archives with pg_restore, and never prints the password of the URL', async () => {
    db = createPostgresDatabase();
    psql('CREATE TABLE t AS SELECT g, md5(g::text) AS h FROM generate_series(1, 2000) g', db.name);
    const url = db.url.replace('postgres@', 'postgres:Hunter2-secret@');
    project = backupProject(url);
    await backUp(project);
    const newest = await backUp(project);
    const plain = await project.cli(['health']);
    const json = await project.cli(['health', '--json']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`Backups of PostgreSQL ${db.name} on 127.0.0.1:5432 (DATABASE_URL): healthy`);
    expect(JSON.parse(json.stdout)).toMatchObject({ healthy: true, engine: 'postgres', database: db.name, newest: { id: newest.id } });
    for (const output of [plain.stdout, plain.stderr, json.stdout, json.stderr]) expect(output).not.toContain('Hunter2');

    flipBytes(newest.file, 2000);
    const damaged = await project.cli(['health']);
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toMatch(/✗ intact +the file's sha256 is/);
    expect(damaged.stdout + damaged.stderr).not.toContain('Hunter2');
  });
});
