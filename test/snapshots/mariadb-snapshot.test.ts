import { chmodSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { describe, expect, it, onTestFinished } from 'vitest';
import { backupProject } from '../cli/backup-project.js';
import { CLI, runCollecting, testDir } from '../helpers/cli.js';
import { MARIA, mariadb, uniqueName } from '../helpers/databases.js';
import { damage, mariaShopProject, programObjects, tableChecksums } from './mariadb-helpers.js';

const COPY_METHODS = [
  { name: 'tablespace files', env: {} as Record<string, string>, method: /transportable tablespaces/ },
  { name: 'rows (INSERT … SELECT)', env: { DBSAFE_MYSQL_SNAPSHOT_COPY: 'logical' }, method: /INSERT … SELECT/ },
];

describe('MariaDB snapshots', () => {
  it.each(COPY_METHODS)('copied as $name: snapshot, damage, restore, restore again, undo: identical tables and programs', async ({ env, method }) => {
    const { db, project } = mariaShopProject();
    const before = tableChecksums(db.name);
    expect(programObjects(db.name)).toBe('event nightly DISABLED,function doubled,procedure order_count,trigger orders_audit,view big_orders');
    const taken = await project.cli(['backup', '--mode', 'snapshot', '--json'], env);
    expect(taken.code, taken.stderr).toBe(0);
    const manifest = JSON.parse(taken.stdout) as { id: string; clientTool: string; snapshot: { database: string; method: string } };
    expect(manifest.snapshot.database).toMatch(/^dbsafe_snap_[0-9a-f]{8}$/);
    expect(manifest.clientTool).toMatch(method);
    // Marked; no trigger or event lives in it (they would fire there): their SQL waits in dbsafe's own table.
    expect(mariadb(`SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${manifest.snapshot.database}'`)).toContain(`dbsafe snapshot ${manifest.id} of ${db.name}`);
    expect(programObjects(manifest.snapshot.database)).toBe('NULL');

    damage(db.name);
    const damaged = tableChecksums(db.name);
    expect(damaged).not.toBe(before);

    const restored = await project.cli(['restore', manifest.id, '--yes', '--json'], env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(tableChecksums(db.name)).toBe(before);
    // The trigger works again on the restored tables.
    mariadb('INSERT INTO orders (customer_id, total) VALUES (1, 5)', db.name);
    expect(mariadb("SELECT COUNT(*) FROM audit_log WHERE note LIKE 'order %'", db.name)).toBe('1');

    damage(db.name);
    const damagedAgain = tableChecksums(db.name);
    const again = await project.cli(['restore', manifest.id, '--yes'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(tableChecksums(db.name)).toBe(before);

    // Undo puts back what the last restore replaced (the second damage), undoing the undo puts the snapshot back.
    const undone = await project.cli(['undo', '--yes'], env);
    expect(undone.code, undone.stderr).toBe(0);
    expect(tableChecksums(db.name)).toBe(damagedAgain);
    const redone = await project.cli(['undo', '--yes'], env);
    expect(redone.code, redone.stderr).toBe(0);
    expect(tableChecksums(db.name)).toBe(before);

    const verified = await project.cli(['verify', manifest.id]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`its database ${manifest.snapshot.database} is on`);
  });

  it("where dbsafe cannot write the server's data directory: auto takes a file backup saying why; --mode snapshot copies rows, saying it is the slow way", async () => {
    const { db, project } = mariaShopProject();
    // The real condition: dbsafe run by a user who is neither root nor the server's (as root, by nobody; otherwise as this user).
    const home = testDir('dbsafe-nobody-home-');
    chmodSync(home, 0o777);
    chmodSync(project.dir, 0o777);
    const asUser = (args: string[]) =>
      process.getuid?.() === 0
        ? runCollecting('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, ...args], {
            cwd: project.dir,
            env: { PATH: process.env.PATH, HOME: home, XDG_STATE_HOME: path.join(home, 'state'), NO_COLOR: '1', DATABASE_URL: db.url },
          })
        : project.cli(args);
    const auto = await asUser(['backup', '--mode', 'auto', '--json']);
    expect(auto.code, auto.stderr).toBe(0);
    expect((JSON.parse(auto.stdout) as { snapshot?: unknown }).snapshot).toBeUndefined();
    expect(auto.stderr).toMatch(/file backup instead of a snapshot: dbsafe runs as \S+, which cannot write the server's data directory .*so a snapshot would copy the rows/);

    const asked = await asUser(['backup', '--mode', 'snapshot', '--json']);
    expect(asked.code, asked.stderr).toBe(0);
    expect((JSON.parse(asked.stdout) as { clientTool: string }).clientTool).toMatch(/INSERT … SELECT/);
    expect(asked.stderr).toMatch(/snapshot taken the slow way, as --mode snapshot asks: dbsafe runs as \S+, which cannot write/);
  });

  it('snapshot export writes a file backup that restores the same tables and programs', async () => {
    const { db, project } = mariaShopProject();
    const before = tableChecksums(db.name);
    const taken = await project.cli(['backup', '--mode', 'snapshot', '--json']);
    expect(taken.code, taken.stderr).toBe(0);
    const id = (JSON.parse(taken.stdout) as { id: string }).id;
    damage(db.name);
    const exported = await project.cli(['snapshot', 'export', id, '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    const manifest = JSON.parse(exported.stdout) as { id: string; file: string };
    expect(manifest.file).toMatch(/\.sql$/);
    const restored = await project.cli(['restore', manifest.id, '--yes', '--mode', 'dump']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(tableChecksums(db.name)).toBe(before);
  });

  it('a file restore outside dump mode keeps the replaced database as a snapshot, programs included, and undo brings it back', async () => {
    const { db, project } = mariaShopProject({ mode: 'auto' });
    const before = tableChecksums(db.name);
    const dumped = await project.cli(['backup', '--mode', 'dump', '--json']);
    expect(dumped.code, dumped.stderr).toBe(0);
    const id = (JSON.parse(dumped.stdout) as { id: string }).id;
    damage(db.name);
    const damaged = tableChecksums(db.name);
    const restored = await project.cli(['restore', id, '--yes', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    // Kept, so nothing on stderr (only a fall-back to a dump says why there).
    expect(restored.stderr).toBe('');
    expect(tableChecksums(db.name)).toBe(before);
    const safety = (JSON.parse(restored.stdout) as { safetyBackup: { snapshot: { database: string } } }).safetyBackup;
    expect(safety.snapshot.database).toMatch(/^dbsafe_snap_/);
    const back = await project.cli(['undo', '--yes']);
    expect(back.code, back.stderr).toBe(0);
    expect(tableChecksums(db.name)).toBe(damaged);
  });

  it('a session on the database: named, no snapshot without consent (file backup instead, saying why); ended with --terminate-connections', async () => {
    const { db, project } = mariaShopProject();
    const connection = await mysql.createConnection({ host: MARIA.host, port: MARIA.port, user: MARIA.user, database: db.name });
    connection.on('error', () => undefined);
    onTestFinished(() => connection.end().catch(() => undefined));
    const [[{ id }]] = (await connection.query('SELECT CONNECTION_ID() AS id')) as unknown as [[{ id: number }]];

    const refused = await project.cli(['backup', '--mode', 'snapshot', '--json']);
    expect(refused.code, refused.stderr).toBe(0);
    expect(refused.stderr).toContain('file backup instead of a snapshot');
    expect(refused.stderr).toContain(`session ${id}: `);
    expect(refused.stderr).toContain('user root');
    expect(refused.stderr).toContain('--terminate-connections');
    const dump = JSON.parse(refused.stdout) as { file: string; snapshot?: unknown };
    expect(dump.snapshot).toBeUndefined();
    expect(dump.file).toMatch(/\.sql$/);
    await expect(connection.query('SELECT 1')).resolves.toBeDefined();

    const consented = await project.cli(['backup', '--mode', 'snapshot', '--terminate-connections', '--json']);
    expect(consented.code, consented.stderr).toBe(0);
    expect(consented.stderr).toContain('ending 1 session(s)');
    expect((JSON.parse(consented.stdout) as { snapshot?: unknown }).snapshot).toBeDefined();
    await expect(connection.query('SELECT 1')).rejects.toThrow();
  });

  it('a user with privileges on its own database only: a file backup instead, naming the missing privileges and the GRANT', async () => {
    const { db } = mariaShopProject();
    const user = uniqueName('dbsafe_test_u');
    mariadb(`CREATE USER '${user}'@'%'; GRANT ALL ON \`${db.name}\`.* TO '${user}'@'%'`);
    onTestFinished(() => void mariadb(`DROP USER IF EXISTS '${user}'@'%'`));
    const limited = backupProject(`mysql://${user}@${MARIA.host}:${MARIA.port}/${db.name}`);
    onTestFinished(limited.cleanup);
    // Whether the file backup itself succeeds for this user is the dump's business (it may lack what mariadb-dump needs): no snapshot is made.
    const taken = await limited.cli(['backup', '--mode', 'snapshot', '--json']);
    expect(taken.stderr).toContain('file backup instead of a snapshot');
    expect(taken.stderr).toContain(`user '${user}'@'%' lacks the global privileges`);
    expect(taken.stderr).toMatch(/grant them with GRANT SELECT, INSERT, CREATE, DROP, .* ON \*\.\* TO '/);
    expect(limited.manifests().filter((m) => m.snapshot !== undefined)).toEqual([]);
    expect(mariadb(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_COMMENT LIKE '% of ${db.name},%'`)).toBe('0');
  });

  it('forget drops the snapshot database', async () => {
    const { project } = mariaShopProject();
    const taken = await project.cli(['backup', '--mode', 'snapshot', '--json']);
    expect(taken.code, taken.stderr).toBe(0);
    const { id, snapshot } = JSON.parse(taken.stdout) as { id: string; snapshot: { database: string } };
    const second = await project.cli(['backup', '--mode', 'snapshot']);
    expect(second.code, second.stderr).toBe(0);
    const forgot = await project.cli(['forget', id]);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(mariadb(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${snapshot.database}'`)).toBe('0');
  });
});
