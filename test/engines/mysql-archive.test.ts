import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { archive } from '../../src/engines/mysql/archive.js';
import { dumpArguments, dumpToolOrder, parseClientVersion, parseServerVersion, withoutSandboxLine, type ClientProgram } from '../../src/engines/mysql/clients.js';
import { clientOptionFile } from '../../src/engines/mysql/option-file.js';
import { swapStatements } from '../../src/engines/mysql/swap.js';
import { DbsafeError } from '../../src/errors.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import type { Target } from '../../src/target/types.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { fileOutput } from '../fixtures/backup-output.js';
import { createMariaDatabase, mariadb as mariadbDefaultCharset, uniqueName, type TestDatabase } from '../helpers/databases.js';

/** The shared helper's client talks latin1/utf8mb3 by default; emoji need utf8mb4 both ways. */
function mariadb(sql: string, database?: string): string {
  return mariadbDefaultCharset(`SET NAMES utf8mb4; ${sql}`, database);
}

const SCHEMA = `
SET SESSION max_recursive_iterations = 100000;
CREATE TABLE customers (
  id INT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  status ENUM('new','active','gone') NOT NULL,
  tags SET('a','b','c'),
  note TEXT,
  avatar BLOB
) ENGINE=InnoDB;
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2), FOREIGN KEY (customer_id) REFERENCES customers(id)) ENGINE=InnoDB;
CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, message VARCHAR(200)) ENGINE=InnoDB;
CREATE VIEW active_customers AS SELECT id, name FROM customers WHERE status = 'active';
CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW INSERT INTO audit(message) VALUES (CONCAT('order ', NEW.id));
CREATE PROCEDURE add_order(IN c INT, IN t DECIMAL(10,2)) INSERT INTO orders(customer_id, total) VALUES (c, t);
CREATE FUNCTION order_total(c INT) RETURNS DECIMAL(10,2) READS SQL DATA RETURN (SELECT COALESCE(SUM(total), 0) FROM orders WHERE customer_id = c);
CREATE EVENT purge_audit ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit;
INSERT INTO customers (name, status, tags, note, avatar)
  WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 3000)
  SELECT CONCAT('顧客 ', n, ' 🎉 '), ELT(1 + n % 3, 'new', 'active', 'gone'), ELT(1 + n % 4, 'a', 'b', 'a,c', ''),
         CONCAT(REPEAT('ü', n % 50), ' 中文 ''quoted'' \\\\ back'), CONCAT(0x000A0D5C27, UNHEX(SHA2(n, 256))) FROM seq;
INSERT INTO orders (customer_id, total) SELECT id, id * 1.25 FROM customers WHERE id <= 2000;
DELETE FROM customers WHERE id = 3000;
`;

function targetFor(url: string): Target {
  return parseDatabaseUrl(url, { kind: 'env', name: 'DATABASE_URL' }, '/');
}

/** Everything that makes up the database, comparable across two databases of different names. */
function snapshot(db: string): Record<string, string> {
  const q = (sql: string) => mariadb(sql, db).replaceAll(db, '<db>');
  const tables = q(`SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1`).split('\n').filter(Boolean);
  const result: Record<string, string> = {
    tables: tables.join(','),
    views: q(`SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1`),
    routines: q(`SELECT ROUTINE_TYPE, ROUTINE_NAME, ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY 2`),
    triggers: q(`SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY 1`),
    events: q(`SELECT EVENT_NAME, EVENT_DEFINITION, STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() ORDER BY 1`),
  };
  for (const table of tables) {
    result[`create ${table}`] = q(`SHOW CREATE TABLE \`${table}\``);
    result[`checksum ${table}`] = q(`CHECKSUM TABLE \`${table}\` EXTENDED`).split('\t')[1] ?? '';
    result[`md5 ${table}`] = q(`SET SESSION group_concat_max_len = 1073741824; SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', ${columnsOf(db, table)}) ORDER BY id SEPARATOR '\\n')) FROM \`${table}\``);
  }
  return result;
}

function columnsOf(db: string, table: string): string {
  return mariadb(`SELECT GROUP_CONCAT(CONCAT('HEX(\`', COLUMN_NAME, '\`)') ORDER BY ORDINAL_POSITION) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = '${table}'`);
}

/**
 * Scratch and trash databases left behind by THIS test: other suites on the
 * shared server make dbsafe_verify_ databases of their own, so ours are
 * recognised by the marker table named after the test database.
 */
function markerTable(db: string): string {
  return `marker_${db.slice('dbsafe_test_'.length)}`;
}

function scratchDatabases(db: string): string[] {
  return mariadb(
    `SELECT TABLE_SCHEMA FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE 'dbsafe\\_verify\\_%' AND TABLE_NAME = '${markerTable(db)}'`,
  ).split('\n').filter(Boolean);
}

describe('MySQL/MariaDB archive (real MariaDB server)', () => {
  let db: TestDatabase;
  let dir: { dir: string; cleanup: () => void };
  const users: string[] = [];
  const children: ChildProcess[] = [];

  beforeEach(() => {
    db = createMariaDatabase();
    mariadb(SCHEMA, db.name);
    mariadb(`CREATE TABLE \`${markerTable(db.name)}\` (id INT PRIMARY KEY)`, db.name);
    dir = tempDir();
  });

  afterEach(() => {
    // A session still holding a lock would make the DROP DATABASE below wait for ever.
    for (const child of children.splice(0)) child.kill();
    db.drop();
    dir.cleanup();
    for (const user of users.splice(0)) mariadb(`DROP USER IF EXISTS '${user}'@'%'`);
  });

  it('round trip: backup, damage, restore gives back every table, row, view, routine, trigger and event, and nothing made after', async () => {
    const target = targetFor(db.url);
    const before = snapshot(db.name);
    const autoIncrement = () => mariadb(`SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db.name}' AND TABLE_NAME = 'customers'`);
    const nextIdBefore = autoIncrement();
    const file = path.join(dir.dir, 'backup.sql.tmp');
    const output = fileOutput(file);
    const started = performance.now();
    const facts = await archive.backup(target, output);
    const backupMs = performance.now() - started;

    expect(facts.clientTool).toMatch(/^mariadb-dump 10\.11\.\d+$/);
    expect(facts.serverVersion).toMatch(/^MariaDB 10\.11\.\d+$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(output.streamedBytes()).toBe(statSync(file).size);
    await archive.checkArchive(file);

    mariadb(
      `DROP TABLE audit; UPDATE customers SET name = 'changed', avatar = NULL WHERE id < 100;
       CREATE TABLE after_backup (id INT PRIMARY KEY); CREATE PROCEDURE after_backup_proc() SELECT 2;
       CREATE VIEW after_backup_view AS SELECT 1 AS one; DROP TRIGGER orders_audit; INSERT INTO customers (name, status) VALUES ('late', 'new');`,
      db.name,
    );
    expect(snapshot(db.name)).not.toEqual(before);

    const restoreStarted = performance.now();
    await archive.restore(target, file);
    const restoreMs = performance.now() - restoreStarted;

    expect(snapshot(db.name)).toEqual(before);
    expect(mariadb(`SHOW TABLES LIKE 'after_backup%'`, db.name)).toBe('');
    expect(mariadb(`SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '${db.name}' AND ROUTINE_NAME = 'after_backup_proc'`)).toBe('0');
    expect(autoIncrement()).toBe(nextIdBefore);
    expect(mariadb(`SELECT order_total(10)`, db.name)).toBe('12.50');
    expect(mariadb(`SELECT name FROM customers WHERE id = 7`, db.name)).toBe('顧客 7 🎉');
    expect(scratchDatabases(db.name)).toEqual([]);
    console.log(`MariaDB round trip (${output.streamedBytes()} bytes, 3 tables, ~7000 rows): backup ${backupMs.toFixed(0)} ms, restore ${restoreMs.toFixed(0)} ms`);
  });

  it('restores a database that was dropped after the backup', async () => {
    const before = snapshot(db.name);
    const file = path.join(dir.dir, 'b.sql');
    await archive.backup(targetFor(db.url), fileOutput(file));
    mariadb(`DROP DATABASE \`${db.name}\``);
    await archive.restore(targetFor(db.url), file);
    expect(snapshot(db.name)).toEqual(before);
  });

  it('waits for another session that holds a table in an open transaction, then swaps', async () => {
    const file = path.join(dir.dir, 'b.sql');
    await archive.backup(targetFor(db.url), fileOutput(file));
    mariadb(`UPDATE customers SET name = 'changed' WHERE id = 1`, db.name);
    // --unbuffered: the client answers each statement at once instead of at exit.
    const holder = spawn('mariadb', ['-h', '127.0.0.1', '-u', 'root', '--batch', '--unbuffered', db.name], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(holder);
    const holderExit = new Promise((resolve) => holder.on('close', resolve));
    const held = new Promise<void>((resolve, reject) => {
      holder.stdout.once('data', () => resolve());
      setTimeout(() => reject(new Error('the holding session never answered')), 5000);
    });
    holder.stdin.write('BEGIN; SELECT COUNT(*) FROM customers;\n');
    await held;
    const release = setTimeout(() => holder.stdin.end('COMMIT;\n'), 1500);
    try {
      await archive.restore(targetFor(db.url), file);
    } finally {
      clearTimeout(release);
      holder.stdin.end();
    }
    expect(mariadb('SELECT name FROM customers WHERE id = 1', db.name)).toBe('顧客 1 🎉');
    // The session's transaction ended normally: the restore waited for it instead of breaking it.
    expect(await holderExit).toBe(0);
    expect(scratchDatabases(db.name)).toEqual([]);
  });

  it('scratchRestore counts every table and row in a throw-away database and drops it', async () => {
    const file = path.join(dir.dir, 'b.sql');
    await archive.backup(targetFor(db.url), fileOutput(file));
    const counts = await archive.scratchRestore(targetFor(db.url), file);
    expect(counts.tables).toEqual([
      { name: 'audit', rows: 2000 },
      { name: 'customers', rows: 2999 },
      { name: markerTable(db.name), rows: 0 },
      { name: 'orders', rows: 2000 },
    ]);
    expect(scratchDatabases(db.name)).toEqual([]);
  });

  it('takes the password from a 0600 option file only, even one full of quotes, backslashes and #', async () => {
    const user = uniqueName('dbsafe_test_u');
    users.push(user);
    const password = `p a"ss#w\\o'rd\\ ü`;
    mariadb(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password.replaceAll('\\', '\\\\').replaceAll("'", "''")}'; GRANT ALL ON \`${db.name}\`.* TO '${user}'@'%'; GRANT ALL ON \`dbsafe\\_verify\\_%\`.* TO '${user}'@'%';`);
    // Reading routine bodies written by another definer, and loading objects whose DEFINER is root.
    mariadb(`GRANT SELECT ON mysql.proc TO '${user}'@'%'; GRANT SET USER ON *.* TO '${user}'@'%';`);
    const url = `mysql://${user}:${encodeURIComponent(password)}@127.0.0.1:3306/${db.name}`;
    const file = path.join(dir.dir, 'b.sql');
    const secretDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('dbsafe-secret-'));
    const secretsBefore = new Set(secretDirs());

    await archive.backup(targetFor(url), fileOutput(file));
    await archive.restore(targetFor(url), file);
    expect(mariadb('SELECT COUNT(*) FROM customers', db.name)).toBe('2999');
    // Option files are removed once the client is done.
    const leftOver = secretDirs().filter((name) => !secretsBefore.has(name));
    for (const name of leftOver) {
      for (const entry of readdirSync(path.join(tmpdir(), name))) expect(readFileSync(path.join(tmpdir(), name, entry), 'utf8')).not.toContain('ss#w');
    }

    const wrong = targetFor(`mysql://${user}:not-the-password@127.0.0.1:3306/${db.name}`);
    const error = await archive.backup(wrong, fileOutput(path.join(dir.dir, 'wrong.sql'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbsafeError);
    expect((error as DbsafeError).code).toBe('mysql-access-denied');
    expect((error as DbsafeError).message).toContain('Check the user name and password in DATABASE_URL');
    expect((error as DbsafeError).message).not.toContain('not-the-password');
  });

  it('checkArchive refuses a truncated dump and a file that is no dump at all', async () => {
    const file = path.join(dir.dir, 'b.sql');
    await archive.backup(targetFor(db.url), fileOutput(file));
    truncateSync(file, Math.floor(statSync(file).size / 2));
    await expect(archive.checkArchive(file)).rejects.toThrow(/cut short.*dbsafe list/s);
    writeFileSync(file, 'PGDMP\u0001custom format');
    await expect(archive.checkArchive(file)).rejects.toThrow(/"-- MariaDB dump" or "-- MySQL dump" header/);
    writeFileSync(file, '');
    await expect(archive.checkArchive(file)).rejects.toThrow(/is empty/);
  });

  it('a dump that fails part-way leaves the target exactly as it was', async () => {
    const file = path.join(dir.dir, 'b.sql');
    await archive.backup(targetFor(db.url), fileOutput(file));
    const text = readFileSync(file, 'utf8');
    const middle = text.indexOf('INSERT INTO `orders`');
    writeFileSync(file, `${text.slice(0, middle)}INSERT INTO no_such_table VALUES (1);\n${text.slice(middle)}`);
    mariadb(`CREATE TABLE after_backup (id INT PRIMARY KEY); UPDATE customers SET name = 'kept' WHERE id = 1`, db.name);
    const before = snapshot(db.name);

    const error = await archive.restore(targetFor(db.url), file).catch((e: unknown) => e);
    expect((error as DbsafeError).code).toBe('mysql-restore-refused');
    expect((error as DbsafeError).message).toMatch(/no_such_table.*was not touched/s);
    expect(snapshot(db.name)).toEqual(before);
    expect(scratchDatabases(db.name)).toEqual([]);
  });

  it('names the package to install when no dump tool is on the machine', () => {
    // A private mount namespace hides the real binaries from this one child process only.
    const script = `import('${path.join(REPO_ROOT, 'dist/src/engines/mysql/archive.js')}').then(({ archive }) => archive.backup(${JSON.stringify(targetFor(db.url))}, { path: '${path.join(dir.dir, 'x.sql')}', stream: () => process.stdout })).then(() => console.log('no error'), (e) => console.log(e.code + ': ' + e.message))`;
    const run = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind /dev/null /usr/bin/mariadb-dump && exec "$0" --input-type=module -e "$1"', process.execPath, script], {
      encoding: 'utf8',
      env: { ...process.env, PATH: '/usr/bin:/bin' },
    });
    expect(run.stdout).toContain('tool-missing: mariadb-dump or mysqldump was not found on PATH');
    expect(run.stdout).toContain('apt-get install mariadb-client');
    expect(existsSync(path.join(dir.dir, 'x.sql'))).toBe(false);
  });

  it('lists its client tools with path and version for doctor', async () => {
    const tools = await archive.clientTools();
    expect(tools.map((tool) => tool.name)).toEqual(['mariadb-dump', 'mysqldump', 'mariadb', 'mysql']);
    expect(tools[0]).toMatchObject({ path: '/usr/bin/mariadb-dump', version: expect.stringContaining('10.11') });
    expect(execFileSync('mariadb-dump', ['--version'], { encoding: 'utf8' })).toContain(tools[0]!.version!);
  });
});

describe('MySQL/MariaDB archive: decisions', () => {
  it('swaps tables in one RENAME after dropping the triggers that block it, and the old routines after', () => {
    const sql = swapStatements(
      { target: 'app', scratch: 'dbsafe_verify_s', trash: 'dbsafe_verify_t' },
      [
        { kind: 'BASE TABLE', name: 'users' },
        { kind: 'VIEW', name: 'orders' },
        { kind: 'TRIGGER', name: 'users_audit' },
        { kind: 'PROCEDURE', name: 'late`proc' },
        { kind: 'SEQUENCE', name: 'ids' },
      ],
      [
        { kind: 'BASE TABLE', name: 'users' },
        { kind: 'BASE TABLE', name: 'orders' },
        { kind: 'TRIGGER', name: 'orders_audit' },
        { kind: 'VIEW', name: 'active' },
      ],
    );
    expect(sql.split('\n')).toEqual([
      'SET SESSION lock_wait_timeout = 60;',
      'SET FOREIGN_KEY_CHECKS = 0;',
      'DROP TRIGGER IF EXISTS `dbsafe_verify_s`.`orders_audit`;',
      'DROP VIEW IF EXISTS `app`.`orders`;',
      'DROP TRIGGER IF EXISTS `app`.`users_audit`;',
      'RENAME TABLE `app`.`users` TO `dbsafe_verify_t`.`users`, `app`.`ids` TO `dbsafe_verify_t`.`ids`, `dbsafe_verify_s`.`users` TO `app`.`users`, `dbsafe_verify_s`.`orders` TO `app`.`orders`;',
      'DROP PROCEDURE IF EXISTS `app`.`late``proc`;',
    ]);
  });

  it('asks for the dump tool of the server\'s own flavour first (mariadb-dump for MariaDB, mysqldump for MySQL)', () => {
    expect(dumpToolOrder(parseServerVersion('10.11.19-MariaDB-0+deb12u1'))).toEqual(['mariadb-dump', 'mysqldump']);
    expect(dumpToolOrder(parseServerVersion('8.0.36'))).toEqual(['mysqldump', 'mariadb-dump']);
  });

  it('the option file quotes values so the client reads them back exactly', () => {
    const text = clientOptionFile(targetFor('mysql://u%22x:a%5C%22b%23c@127.0.0.1:3307/app?ssl-mode=required'));
    expect(text).toBe(['[client]', 'user="u\\"x"', 'password="a\\\\\\"b#c"', 'host="127.0.0.1"', 'port=3307', 'loose-ssl', 'loose-ssl-mode=REQUIRED', ''].join('\n'));
    expect(() => clientOptionFile(targetFor('mysql://u@h/app?ssl-mode=sometimes'))).toThrow(/ssl-mode=required/);
  });

  it('builds the dump command with the option file first and --column-statistics=0 only for MySQL 8 mysqldump against older servers', () => {
    const mysql8: ClientProgram = { name: 'mysqldump', path: '/usr/bin/mysqldump', ...parseClientVersion('mysqldump  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)')! };
    const maria: ClientProgram = { name: 'mariadb-dump', path: '/usr/bin/mariadb-dump', ...parseClientVersion('mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)')! };
    const help = '--column-statistics  --set-gtid-purged[=name]';
    const args = (dump: ClientProgram, server: string) =>
      dumpArguments({ optionFile: '/tmp/x/client.cnf', dump, server: { ...parseClientVersion(`Ver ${server}`)!, flavour: server.includes('Maria') ? 'mariadb' : 'mysql' }, dumpHelp: dump === mysql8 ? help : '', database: 'app' });
    expect(args(maria, '10.11.19-MariaDB')).toEqual([
      '--defaults-extra-file=/tmp/x/client.cnf', '--single-transaction', '--routines', '--triggers', '--events', '--hex-blob', '--default-character-set=utf8mb4', '--no-tablespaces', 'app',
    ]);
    expect(args(mysql8, '5.7.44')).toContain('--column-statistics=0');
    expect(args(mysql8, '10.6.1-MariaDB')).toContain('--column-statistics=0');
    expect(args(mysql8, '8.0.36')).not.toContain('--column-statistics=0');
    expect(args(mysql8, '8.0.36')).toContain('--set-gtid-purged=OFF');
  });

  it('streams the dump into the client without the mariadb-dump sandbox line that older clients reject', async () => {
    const chunks: Buffer[] = [];
    const strip = withoutSandboxLine();
    strip.on('data', (chunk: Buffer) => chunks.push(chunk));
    strip.write('/*M!999999\\- enable the sandbox mode */ \n-- MariaDB');
    strip.end(' dump 10.19\n');
    await new Promise((resolve) => strip.on('end', resolve));
    expect(Buffer.concat(chunks).toString()).toBe('-- MariaDB dump 10.19\n');
  });

});
