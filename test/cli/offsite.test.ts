import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { createPostgresDatabase, psql } from '../helpers/databases.js';
import { backupProject, type BackupProject } from './backup-project.js';

/**
 * Offsite copies with the real rclone (a local-backend remote, and a WebDAV
 * server rclone itself serves on 127.0.0.1, stopped mid-way) and a real
 * local restic repository.
 */

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const SECRET = `offsite-row-${randomBytes(6).toString('hex')}`;

function dir(prefix: string): string {
  const temp = tempDir(prefix);
  cleanups.push(temp.cleanup);
  return temp.dir;
}

function project(url: string, config: Record<string, unknown>): BackupProject {
  const p = backupProject(url, config);
  cleanups.push(() => p.cleanup());
  return p;
}

const sqlite = (file: string, sql: string) => execFileSync('sqlite3', ['-batch', file, sql], { encoding: 'utf8' }).trim();

function sqliteDatabase(): { file: string; url: string } {
  const file = path.join(dir('dbsafe-offsite-db-'), 'app.sqlite');
  sqlite(file, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('${SECRET}'), ('two')`);
  return { file, url: `sqlite:${file}` };
}

async function ok(p: BackupProject, args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await p.cli(args, env);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

/** Remove every local backup, as a dead disk would. */
function loseLocalBackups(p: BackupProject): void {
  for (const name of readdirSync(p.backups)) if (name.endsWith('.json') || /\.(sqlite|dump|sql)(\.age)?$/.test(name)) rmSync(path.join(p.backups, name));
  expect(p.manifests()).toEqual([]);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntilListening(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`rclone serve never listened on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `rclone serve webdav DIR` on 127.0.0.1:PORT; returns the function that stops it (and waits for it). */
async function serveWebdav(root: string, port: number): Promise<() => Promise<void>> {
  const child: ChildProcess = spawn('rclone', ['serve', 'webdav', root, '--addr', `127.0.0.1:${port}`], { stdio: 'ignore', env: { ...process.env, RCLONE_CONFIG: '/dev/null' } });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  cleanups.push(() => void stop());
  await waitUntilListening(port);
  return stop;
}

describe('offsite with rclone', () => {
  it('local-backend remote: uploads each backup and its manifest, lists them, keeps offsite.keep, restores from offsite with the local backups gone', async () => {
    const db = createPostgresDatabase();
    cleanups.push(() => db.drop());
    psql(`CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items(name) SELECT 'item ' || g FROM generate_series(1, 2000) g; INSERT INTO items(name) VALUES ('${SECRET}')`, db.name);
    const checksum = () => psql("SELECT md5(string_agg(x::text, ',' ORDER BY x.id)) FROM items x", db.name);
    const before = checksum();
    const remoteDir = dir('dbsafe-remote-');
    // A remote defined the way rclone reads it from the environment: type "local".
    const env = { RCLONE_CONFIG: '/dev/null', RCLONE_CONFIG_OFFSITEDISK_TYPE: 'local' };
    const p = project(db.url, { offsite: { rclone: `offsitedisk:${remoteDir}/team`, keep: 2 } });

    const first = JSON.parse(await ok(p, ['backup', '--json', '--label', 'first'], env)) as { id: string; file: string };
    expect(readdirSync(path.join(remoteDir, 'team')).sort()).toEqual([`${first.id}.json`, first.file].sort());
    expect(readFileSync(path.join(remoteDir, 'team', first.file)).equals(readFileSync(path.join(p.backups, first.file)))).toBe(true);

    psql("INSERT INTO items(name) VALUES ('later')", db.name);
    const second = JSON.parse(await ok(p, ['backup', '--json'], env)) as { id: string };
    const third = JSON.parse(await ok(p, ['backup', '--json'], env)) as { id: string };
    // keep 2 offsite: the labelled first stays (labelled backups are kept), and the newest two unlabelled ones.
    const listed = JSON.parse(await ok(p, ['list', '--offsite', '--json'], env)) as Array<{ id: string; remote: string }>;
    expect(listed.map((b) => b.id).sort()).toEqual([first.id, second.id, third.id].sort());
    const table = await ok(p, ['offsite', 'status'], env);
    expect(table).toContain(`rclone offsitedisk:${remoteDir}/team: 3 backups; last upload`);
    expect(table).toContain(third.id);
    // A fourth backup pushes the second out offsite (it stays locally: the local retention is 10).
    const fourth = JSON.parse(await ok(p, ['backup', '--json'], env)) as { id: string };
    const kept = JSON.parse(await ok(p, ['list', '--offsite', '--json'], env)) as Array<{ id: string }>;
    expect(kept.map((b) => b.id).sort()).toEqual([first.id, third.id, fourth.id].sort());
    expect(p.manifests().map((m) => m.id)).toContain(second.id);
    const audit = readFileSync(path.join(p.backups, 'audit.log'), 'utf8');
    expect(audit).toContain('"decision":"offsite-uploaded"');
    expect(audit).toContain(`"backupId":"${third.id}"`);
    expect(audit).toContain(`removed ${second.id} (offsite.keep)`);

    // Disaster: the local backups are gone. The first (labelled) backup comes back from offsite, checksum verified.
    loseLocalBackups(p);
    psql("DELETE FROM items; CREATE TABLE made_later (x int)", db.name);
    const restored = await p.cli(['restore', '--yes', '--from-offsite', first.id], env);
    expect(restored.code).toBe(0);
    expect(restored.stderr).toContain(`Fetched ${first.id} from rclone offsitedisk:${remoteDir}/team (sha256 verified).`);
    expect(checksum()).toBe(before);

    // A damaged offsite copy (same size, one byte changed) is refused before the database is touched.
    loseLocalBackups(p);
    const remoteFile = path.join(remoteDir, 'team', `${third.id}.dump`);
    const bytes = readFileSync(remoteFile);
    bytes[bytes.length - 100]! ^= 0xff;
    writeFileSync(remoteFile, bytes);
    psql('CREATE TABLE made_after (x int)', db.name);
    const damaged = await p.cli(['restore', '--yes', '--from-offsite', third.id], env);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toContain(`The copy of ${third.id} fetched from rclone`);
    expect(damaged.stderr).toContain('does not match its manifest');
    expect(psql("SELECT count(*) FROM pg_tables WHERE tablename = 'made_after'", db.name)).toBe('1');
    expect(p.files().filter((f) => f.includes(third.id))).toEqual([]);
  });

  it('nothing half-uploaded is listed as good: a file without its manifest is ignored, a manifest with a cut-short file is incomplete and re-uploaded', async () => {
    const db = sqliteDatabase();
    const remoteDir = dir('dbsafe-remote-');
    const p = project(db.url, { offsite: { rclone: remoteDir } });
    const env = { RCLONE_CONFIG: '/dev/null' };
    const taken = JSON.parse(await ok(p, ['backup', '--json'], env)) as { id: string; file: string };
    writeFileSync(path.join(remoteDir, 'app_20200101_000000.sqlite'), 'half an upload');
    const full = readFileSync(path.join(remoteDir, taken.file));
    writeFileSync(path.join(remoteDir, taken.file), full.subarray(0, full.length - 10));

    const status = JSON.parse((await p.cli(['offsite', 'status', '--json'], env)).stdout) as Array<{ backups: Array<{ id: string }>; incomplete: string[]; missing: string[] }>;
    expect(status[0]!.backups).toEqual([]);
    expect(status[0]!.incomplete).toEqual([taken.id]);
    expect(status[0]!.missing).toEqual([taken.id]);
    loseLocalBackups(p);
    const refused = await p.cli(['restore', '--yes', '--from-offsite'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('holds no complete backup of app');

    sqlite(db.file, "INSERT INTO notes (body) VALUES ('three')");
    // In the same second as the damaged copy, the new backup gets its id and is renamed before the upload (see the next test); either way the damaged copy stays apart.
    await p.cli(['backup'], env);
    await ok(p, ['offsite', 'sync'], env);
    const after = JSON.parse((await p.cli(['offsite', 'status', '--json'], env)).stdout) as Array<{ backups: Array<{ id: string }>; incomplete: string[] }>;
    expect(after[0]!.backups).toHaveLength(1);
    expect(after[0]!.incomplete).toEqual([taken.id]);
  });

  it('a backup whose id the remote gives to a different backup (the local store was lost, the same second) is renamed before the upload, and the remote copy is kept', async () => {
    const db = sqliteDatabase();
    const remoteDir = dir('dbsafe-remote-');
    const p = project(db.url, { offsite: { rclone: remoteDir } });
    const env = { RCLONE_CONFIG: '/dev/null' };
    const older = JSON.parse(await ok(p, ['backup', '--json'], env)) as { id: string; file: string };
    const olderFile = readFileSync(path.join(remoteDir, older.file));
    const olderManifest = JSON.parse(readFileSync(path.join(remoteDir, `${older.id}.json`), 'utf8')) as { id: string; file: string; sha256: string };
    loseLocalBackups(p);
    sqlite(db.file, "INSERT INTO notes (body) VALUES ('after the loss')");
    // Made in the same second as the older one, it is already renamed here (said on stderr); the set-up below makes the collision certain.
    expect((await p.cli(['backup'], env)).code).toBe(0);
    const newer = p.manifests()[0] as { id: string; file: string; sha256: string };
    // The remote holds the older backup under the newer one's id, as it would had both been made in the same second.
    for (const name of readdirSync(remoteDir)) rmSync(path.join(remoteDir, name));
    writeFileSync(path.join(remoteDir, newer.file), olderFile);
    writeFileSync(path.join(remoteDir, `${newer.id}.json`), JSON.stringify({ ...olderManifest, id: newer.id, file: newer.file }));

    const synced = await ok(p, ['offsite', 'sync'], env);
    expect(synced).toContain(`backup ${newer.id} was renamed ${newer.id}_2`);
    expect(synced).toContain(`already holds a different backup named ${newer.id}`);
    const renamed = p.manifests().map((m) => m as { id: string; sha256: string });
    expect(renamed).toEqual([expect.objectContaining({ id: `${newer.id}_2`, sha256: newer.sha256 })]);
    expect(JSON.parse(readFileSync(path.join(remoteDir, `${newer.id}.json`), 'utf8')).sha256).toBe(olderManifest.sha256);
    expect(readFileSync(path.join(remoteDir, newer.file)).equals(olderFile)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(remoteDir, `${newer.id}_2.json`), 'utf8')).sha256).toBe(newer.sha256);
    // Both come back: the older from its kept remote copy, the newer under its new id.
    expect(JSON.parse(await ok(p, ['verify', `${newer.id}_2`, '--json'])) as { checksum: string }).toMatchObject({ checksum: 'ok' });
    loseLocalBackups(p);
    expect((await p.cli(['restore', '--yes', '--from-offsite', newer.id], env)).code).toBe(0);
    expect(sqlite(db.file, "SELECT count(*) FROM notes WHERE body = 'after the loss'")).toBe('0');
    expect((await p.cli(['restore', '--yes', '--from-offsite', `${newer.id}_2`], env)).code).toBe(0);
    expect(sqlite(db.file, "SELECT count(*) FROM notes WHERE body = 'after the loss'")).toBe('1');
  });

  it('a WebDAV server (rclone serve) unreachable mid-way: the backup and the guarded command still succeed, the failure is reported, audited, shown by health and doctor, and retried', async () => {
    const db = sqliteDatabase();
    const served = dir('dbsafe-webdav-');
    const port = await freePort();
    let stop = await serveWebdav(served, port);
    const env = { RCLONE_CONFIG: '/dev/null', RCLONE_CONFIG_DAV_TYPE: 'webdav', RCLONE_CONFIG_DAV_URL: `http://127.0.0.1:${port}`, RCLONE_CONFIG_DAV_VENDOR: 'other' };
    // Files, not snapshots, for the guarded run: only files are copied offsite.
    const p = project(db.url, { offsite: { rclone: 'dav:backups' }, mode: 'dump' });
    const first = JSON.parse(await ok(p, ['backup', '--json'], env)) as { id: string; file: string };
    expect(existsSync(path.join(served, 'backups', `${first.id}.json`))).toBe(true);

    await stop();
    const guarded = await p.cli(['run', '--label', 'guarded', '--', 'sh', '-c', 'exit 0'], env);
    expect(guarded.code).toBe(0);
    expect(guarded.stderr).toContain('offsite copy to rclone dav:backups failed');
    expect(guarded.stderr).toContain('the backup itself is fine and kept locally. The next backup tries again');
    const missingId = (p.manifests().map((m) => m.id as string).sort().at(-1))!;
    expect(missingId).not.toBe(first.id);
    expect(readFileSync(path.join(p.backups, 'audit.log'), 'utf8')).toContain('"decision":"offsite-failed"');

    const health = await p.cli(['health', '--json'], env);
    expect(health.code).toBe(1);
    const offsiteCheck = (JSON.parse(health.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string; fix?: string }> }).checks.find((c) => c.name === 'offsite');
    expect(offsiteCheck).toEqual(expect.objectContaining({ ok: false }));
    expect(offsiteCheck!.detail).toContain(`Missing there: ${missingId}`);
    const doctor = await p.cli(['doctor'], env);
    expect(doctor.stdout).toContain('last upload');
    expect(doctor.stdout + doctor.stderr).toContain('the last upload to rclone dav:backups');
    const status = await p.cli(['offsite', 'status'], env);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('unreachable');

    stop = await serveWebdav(served, port);
    await ok(p, ['backup'], env);
    const names = readdirSync(path.join(served, 'backups'));
    expect(names).toContain(`${missingId}.json`);
    expect(names.filter((n) => n.endsWith('.json'))).toHaveLength(3);
    const healthy = JSON.parse((await p.cli(['health', '--json'], env)).stdout) as { checks: Array<{ name: string; ok: boolean }> };
    expect(healthy.checks.find((c) => c.name === 'offsite')).toEqual(expect.objectContaining({ ok: true }));
    await stop();
  });

  it('rclone or restic not installed: the backup succeeds and the warning names the Debian package', async () => {
    const db = sqliteDatabase();
    const bin = dir('dbsafe-bin-');
    symlinkSync(process.execPath, path.join(bin, 'node'));
    for (const [config, tool] of [[{ rclone: 'remote:x' }, 'rclone'], [{ restic: '/tmp/none' }, 'restic']] as const) {
      const p = project(db.url, { offsite: config });
      const result = await p.cli(['backup'], { PATH: bin, RESTIC_PASSWORD: 'x' });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`sudo apt-get install ${tool}`);
      expect(p.manifests()).toHaveLength(1);
    }
  });
});

describe('offsite with restic', () => {
  it('a local repository: one snapshot per backup, listed, restored with the local backups gone; the password only in RESTIC_PASSWORD_FILE', async () => {
    const db = sqliteDatabase();
    const keys = dir('dbsafe-restic-key-');
    const passwordFile = path.join(keys, 'password');
    writeFileSync(passwordFile, `${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
    const repository = path.join(dir('dbsafe-restic-'), 'repo');
    mkdirSync(path.dirname(repository), { recursive: true });
    execFileSync('restic', ['init', '--quiet'], { env: { ...process.env, RESTIC_REPOSITORY: repository, RESTIC_PASSWORD_FILE: passwordFile }, stdio: 'ignore' });
    const env = { RESTIC_PASSWORD_FILE: passwordFile };
    const p = project(db.url, { offsite: { restic: repository } });

    const noPassword = await p.cli(['backup']);
    expect(noPassword.code).toBe(0);
    expect(noPassword.stderr).toContain('RESTIC_PASSWORD_FILE');

    await ok(p, ['backup'], env);
    const listed = JSON.parse(await ok(p, ['list', '--offsite', '--json'], env)) as Array<{ id: string; remote: string }>;
    // The backup taken without the password is uploaded by the next one.
    expect(listed.map((b) => b.id).sort()).toEqual(p.manifests().map((m) => m.id as string).sort());
    expect(listed[0]!.remote).toBe(`restic ${repository}`);

    // A repository that refuses the credentials: the backup still succeeds, restic's own words are reported.
    const refused = await p.cli(['backup'], { RESTIC_PASSWORD: 'not-the-password' });
    expect(refused.code).toBe(0);
    expect(refused.stderr).toContain(`offsite copy to restic ${repository} failed`);
    expect(refused.stderr).toMatch(/wrong password|no key found/);
    expect(refused.stderr).not.toContain('not-the-password');

    loseLocalBackups(p);
    sqlite(db.file, 'DELETE FROM notes');
    const restored = await p.cli(['restore', '--yes', '--from-offsite'], env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(sqlite(db.file, "SELECT group_concat(body, ',') FROM notes ORDER BY id")).toBe(`${SECRET},two`);
  });
});
