import { describe, expect, it } from 'vitest';
import { chooseCopyMethod, copyScript, isCompleteSnapshot, plainLiteral, type CopyPlan, type TableFacts } from '../../src/engines/mysql/snapshot-copy.js';

const innodb = (name: string, extra: Partial<TableFacts> = {}): TableFacts => ({ name, type: 'BASE TABLE', engine: 'InnoDB', createOptions: '', hasFulltext: false, ...extra });
const files = { dataDirectoryWritable: true, tableFileExists: () => true };

describe('chooseCopyMethod', () => {
  it.each([
    ['plain InnoDB tables, data directory ours', [innodb('a'), innodb('b')], files, 'tablespace'],
    ['the data directory is not ours', [innodb('a')], { ...files, dataDirectoryWritable: false }, 'logical'],
    ['a table file not where expected (encoded name, shared tablespace)', [innodb('a')], { ...files, tableFileExists: (t: string) => t !== 'a' }, 'logical'],
    ['one MyISAM table: every table by rows, under one lock', [innodb('a'), innodb('b', { engine: 'MyISAM' })], files, 'logical'],
    ['a partitioned table', [innodb('a', { createOptions: 'partitioned' })], files, 'logical'],
    ['a full-text index', [innodb('a', { hasFulltext: true })], files, 'logical'],
    ['a sequence', [innodb('s', { type: 'SEQUENCE' })], files, 'logical'],
    ['no tables', [], files, 'logical'],
  ] as const)('%s → %s', (_case, tables, where, method) => {
    expect(chooseCopyMethod(tables, where)).toBe(method);
  });
});

const plan = (overrides: Partial<CopyPlan> = {}): CopyPlan => ({
  from: 'shop',
  to: 'dbsafe_snap_0a1b2c3d',
  tables: [
    { name: 'orders', createStatement: 'CREATE TABLE `orders` (id INT)', columns: ['`id`'] },
    { name: 'customers', createStatement: 'CREATE TABLE `customers` (id INT, n INT AS (id) VIRTUAL)', columns: ['`id`'] },
  ],
  method: 'logical',
  charset: 'utf8mb4',
  collation: 'utf8mb4_general_ci',
  comment: "dbsafe snapshot x of shop's",
  snapshotRow: { programs: 'CREATE VIEW v AS SELECT 1' },
  ...overrides,
});

describe('copyScript', () => {
  it('rows: tables created, then filled under one lock of every source table, the snapshot row last', () => {
    const script = copyScript(plan());
    const lines = script.trim().split('\n');
    expect(lines).toContain("CREATE DATABASE `dbsafe_snap_0a1b2c3d` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci COMMENT 'dbsafe snapshot x of shop''s';");
    expect(lines).toContain('LOCK TABLES `shop`.`orders` READ, `shop`.`customers` READ, `dbsafe_snap_0a1b2c3d`.`orders` WRITE, `dbsafe_snap_0a1b2c3d`.`customers` WRITE;');
    // Generated columns are computed again, not copied.
    expect(lines).toContain('INSERT INTO `dbsafe_snap_0a1b2c3d`.`customers` (`id`) SELECT `id` FROM `shop`.`customers`;');
    expect(lines.indexOf('UNLOCK TABLES;')).toBeLessThan(lines.findIndex((line) => line.startsWith('CREATE TABLE `dbsafe_snap_0a1b2c3d`.`__dbsafe_snapshot`')));
    expect(lines.at(-1)).toMatch(/^INSERT INTO `dbsafe_snap_0a1b2c3d`.`__dbsafe_snapshot` VALUES \(2, CONVERT\(0x/);
    expect(script).not.toContain('system ');
  });

  it('tablespace files: discard, export lock, file copies (.cfg first), unlock, import', () => {
    const lines = copyScript(plan({ method: 'tablespace', dataDirectory: '/var/lib/mysql/', snapshotRow: { fromSnapshot: true } })).trim().split('\n');
    const at = (prefix: string) => lines.findIndex((line) => line.startsWith(prefix));
    expect(at('ALTER TABLE `dbsafe_snap_0a1b2c3d`.`orders` DISCARD TABLESPACE;')).toBeLessThan(at('FLUSH TABLES `shop`.`orders`, `shop`.`customers` FOR EXPORT;'));
    expect(lines[at('FLUSH TABLES') + 1]).toBe(
      "system cp '/var/lib/mysql/shop/orders.cfg' '/var/lib/mysql/dbsafe_snap_0a1b2c3d/orders.cfg' && cp --reflink=auto '/var/lib/mysql/shop/orders.ibd' '/var/lib/mysql/dbsafe_snap_0a1b2c3d/orders.ibd' && chown --reference='/var/lib/mysql/dbsafe_snap_0a1b2c3d' '/var/lib/mysql/dbsafe_snap_0a1b2c3d/orders.cfg' '/var/lib/mysql/dbsafe_snap_0a1b2c3d/orders.ibd' || rm -f '/var/lib/mysql/dbsafe_snap_0a1b2c3d/orders.cfg' '/var/lib/mysql/dbsafe_snap_0a1b2c3d/orders.ibd'",
    );
    expect(at('UNLOCK TABLES;')).toBeLessThan(at('ALTER TABLE `dbsafe_snap_0a1b2c3d`.`orders` IMPORT TABLESPACE;'));
    expect(lines.at(-1)).toBe('INSERT INTO `dbsafe_snap_0a1b2c3d`.`__dbsafe_snapshot` SELECT tables, programs FROM `shop`.`__dbsafe_snapshot`;');
  });

  it('a standby copy replacing an emptied or cut-off one drops it first, with foreign key checks off; a new copy drops nothing', () => {
    const lines = copyScript(plan({ replacing: true })).trim().split('\n');
    const drop = lines.indexOf('DROP DATABASE IF EXISTS `dbsafe_snap_0a1b2c3d`;');
    expect(drop).toBeGreaterThan(lines.indexOf('SET SESSION foreign_key_checks = 0;'));
    expect(drop).toBeLessThan(lines.findIndex((line) => line.startsWith('CREATE DATABASE `dbsafe_snap_0a1b2c3d`')));
    expect(copyScript(plan())).not.toContain('DROP DATABASE');
  });
});

describe('isCompleteSnapshot', () => {
  it.each([
    [{ row: null, tableCount: 3 }, false],
    [{ row: { tables: 3 }, tableCount: 0 }, false],
    [{ row: { tables: 3 }, tableCount: 3 }, true],
    [{ row: { tables: 0 }, tableCount: 0 }, true],
  ])('%j → %s', (facts, complete) => expect(isCompleteSnapshot(facts)).toBe(complete));
});

describe('plainLiteral', () => {
  it('doubles quotes and backslashes', () => expect(plainLiteral("a'b\\c")).toBe("'a''b\\\\c'"));
});
