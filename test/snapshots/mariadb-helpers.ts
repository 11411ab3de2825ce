import { onTestFinished } from 'vitest';
import { backupProject, type BackupProject } from '../cli/backup-project.js';
import { createMariaDatabase, mariadb } from '../helpers/databases.js';

/**
 * Per table: its columns, row count, an md5 of all its rows, and `CHECKSUM
 * TABLE`; then the views, triggers, routines and events by name. Equal text
 * means equal data and equal shape. CHECKSUM TABLE is left out for tables
 * with generated columns: on MariaDB 10.11 it changes for the very same
 * unchanged table after FLUSH TABLES (measured), so only the md5 speaks there.
 */
export function tableChecksums(database: string): string {
  const tables = mariadb(`SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${database}' AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`)
    .split('\n')
    .filter(Boolean);
  const lines = tables.map((table) => {
    const where = `TABLE_SCHEMA = '${database}' AND TABLE_NAME = '${table}'`;
    const columns = mariadb(`SELECT GROUP_CONCAT(CONCAT(COLUMN_NAME, ' ', COLUMN_TYPE) ORDER BY ORDINAL_POSITION) FROM information_schema.COLUMNS WHERE ${where}`);
    const names = mariadb(`SELECT GROUP_CONCAT(CONCAT('IFNULL(\`', COLUMN_NAME, '\`, ''<null>'')') ORDER BY ORDINAL_POSITION) FROM information_schema.COLUMNS WHERE ${where}`);
    const row = `CONCAT_WS(',', ${names})`;
    const md5 = mariadb(`SET SESSION group_concat_max_len = 1073741824; SELECT COUNT(*), MD5(IFNULL(GROUP_CONCAT(${row} ORDER BY ${row} SEPARATOR '|'), '')) FROM \`${database}\`.\`${table}\``);
    const generated = mariadb(`SELECT COUNT(*) FROM information_schema.COLUMNS WHERE ${where} AND IS_GENERATED <> 'NEVER'`) !== '0';
    const checksum = generated ? 'n/a (generated columns)' : mariadb(`CHECKSUM TABLE \`${database}\`.\`${table}\``).split('\t')[1];
    return `${table}(${columns}) rows+md5 ${md5.replace('\t', ' ')}, checksum ${checksum}`;
  });
  return [...lines, `objects: ${programObjects(database)}`].join('\n');
}

export function programObjects(database: string): string {
  return mariadb(
    `SELECT GROUP_CONCAT(o ORDER BY o) FROM (
       SELECT CONCAT('view ', TABLE_NAME) o FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '${database}'
       UNION ALL SELECT CONCAT('trigger ', TRIGGER_NAME) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '${database}'
       UNION ALL SELECT CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '${database}'
       UNION ALL SELECT CONCAT('event ', EVENT_NAME, ' ', STATUS) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '${database}') x`,
  );
}

/** Two tables joined by a foreign key, a generated column, a view, a trigger, a procedure, a function and an event. */
export function fillShop(database: string, rows = 2000): void {
  mariadb(
    `CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, email VARCHAR(80), name_length INT AS (CHAR_LENGTH(name)) VIRTUAL, KEY (email)) ENGINE=InnoDB;
     CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT, total DECIMAL(10,2), FOREIGN KEY (customer_id) REFERENCES customers(id)) ENGINE=InnoDB;
     CREATE TABLE audit_log (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(80)) ENGINE=InnoDB;
     INSERT INTO customers (name, email) SELECT CONCAT('c', seq), CONCAT('c', seq, '@example.test') FROM seq_1_to_${rows};
     INSERT INTO orders (customer_id, total) SELECT 1 + seq % ${rows}, seq * 1.5 FROM seq_1_to_${rows * 2};
     CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
     CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW INSERT INTO audit_log (note) VALUES (CONCAT('order ', NEW.id));
     CREATE PROCEDURE order_count(OUT n INT) SELECT COUNT(*) INTO n FROM orders;
     CREATE FUNCTION doubled(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;
     CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit_log;`,
    database,
  );
}

/** What an agent's bad migration does: rows deleted, a table added, a column dropped, a trigger and a view gone. */
export function damage(database: string): void {
  mariadb(
    'DELETE FROM orders WHERE id % 3 = 0; CREATE TABLE junk (x INT); INSERT INTO junk VALUES (1); ALTER TABLE customers DROP COLUMN email; DROP TRIGGER orders_audit; DROP VIEW big_orders',
    database,
  );
}

/** The snapshot databases a project's manifests name. */
export function snapshotDatabasesOf(project: BackupProject): string[] {
  return project.manifests().flatMap((m) => {
    const snapshot = m.snapshot as { database?: string } | undefined;
    return snapshot?.database ? [snapshot.database] : [];
  });
}

export function serverDatabasesLike(prefix: string): string[] {
  return mariadb(`SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '${prefix.replace(/_/g, '\\_')}%'`)
    .split('\n')
    .filter(Boolean);
}

/** Snapshot databases whose comment names `database` (safety copies and standbys included). */
export function snapshotsOfDatabase(database: string): string[] {
  return mariadb(`SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dbsafe\\_snap\\_%' AND SCHEMA_COMMENT LIKE '% of ${database},%'`)
    .split('\n')
    .filter(Boolean);
}

/**
 * Drop the snapshot databases of `names` (with their standbys) and every one
 * that copies `database`, waiting for background copies still being made:
 * until none has been seen for a while, bounded.
 */
export async function dropSnapshotDatabases(database: string, names: readonly string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  let quietSince = Date.now();
  while (Date.now() < deadline && Date.now() - quietSince < 3000) {
    const present = [...new Set([...names.flatMap((name) => serverDatabasesLike(name)), ...snapshotsOfDatabase(database)])];
    for (const name of present) {
      try {
        mariadb(`SET FOREIGN_KEY_CHECKS = 0; DROP DATABASE IF EXISTS \`${name}\``);
      } catch {
        // A background copy still at work in it: the next round.
      }
    }
    if (present.length > 0) quietSince = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A filled MariaDB test database and a project backing it up: both, and the snapshots dbsafe made of it, are removed when the test finishes. */
export function mariaShopProject(config: Record<string, unknown> = {}): { db: ReturnType<typeof createMariaDatabase>; project: BackupProject } {
  const db = createMariaDatabase();
  const project = backupProject(db.url, config);
  onTestFinished(async () => {
    await dropSnapshotDatabases(db.name, snapshotDatabasesOf(project));
    project.cleanup();
    db.drop();
  });
  fillShop(db.name);
  return { db, project };
}
