import { randomBytes } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';

/**
 * Databases on the machine's shared servers. Every test database is named
 * dbsafe_test_<random> and dropped by the test that made it; nothing else
 * on these servers is touched.
 */
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
export const MARIA = { host: '127.0.0.1', port: 3306, user: 'root' } as const;

export function uniqueName(prefix = 'dbsafe_test_'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

export function psql(sql: string, database = 'postgres'): string {
  return execFileSync('psql', ['-h', PG.host, '-p', String(PG.port), '-U', PG.user, '-d', database, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], {
    encoding: 'utf8',
  }).trim();
}

export function mariadb(sql: string, database?: string): string {
  const args = ['-h', MARIA.host, '-P', String(MARIA.port), '-u', MARIA.user, '-N', '-B', '-e', sql];
  if (database) args.push(database);
  return execFileSync('mariadb', args, { encoding: 'utf8' }).trim();
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): void;
}

export function createPostgresDatabase(name = uniqueName()): TestDatabase {
  if (!name.startsWith('dbsafe_test_')) throw new Error(`test databases must start with dbsafe_test_: ${name}`);
  psql(`CREATE DATABASE "${name}"`);
  return {
    name,
    url: `postgres://${PG.user}@${PG.host}:${PG.port}/${name}`,
    drop: () => {
      psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      dropSnapshotsOf(name);
    },
  };
}

/**
 * Snapshot databases dbsafe made of `database` (snapshot mode, `run
 * --restore-after` in auto mode, restore's safety copies): their comment names
 * the database they copy. Dropped with it, so a test leaves none behind.
 */
export function dropSnapshotsOf(database: string): void {
  const names = psql(
    `SELECT d.datname FROM pg_database d WHERE d.datname LIKE 'dbsafe\\_snap\\_%' AND shobj_description(d.oid, 'pg_database') LIKE '% of ${database},%'`,
  )
    .split('\n')
    .filter(Boolean);
  // A snapshot's ready copy may still be being made in the background (its comment comes after): wait for it, then drop it by name too.
  const snapshots = [...new Set(names.map((name) => name.replace(/_r[0-9a-f]{0,4}$/, '')))];
  for (let attempt = 0; attempt < 120; attempt++) {
    const copying = snapshots.filter((snapshot) => psql(`SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE DATABASE "${snapshot}\\_r%'`) !== '0');
    if (copying.length === 0) break;
    spawnSync('sleep', ['0.25']);
  }
  const all = snapshots.flatMap((snapshot) => psql(`SELECT datname FROM pg_database WHERE datname LIKE '${snapshot}%'`).split('\n').filter(Boolean));
  for (const snapshot of all) psql(`DROP DATABASE IF EXISTS "${snapshot}" WITH (FORCE)`);
}

export function createMariaDatabase(name = uniqueName()): TestDatabase {
  if (!name.startsWith('dbsafe_test_')) throw new Error(`test databases must start with dbsafe_test_: ${name}`);
  mariadb(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  return {
    name,
    url: `mysql://${MARIA.user}@${MARIA.host}:${MARIA.port}/${name}`,
    drop: () => {
      mariadb(`DROP DATABASE IF EXISTS \`${name}\``);
      dropMariaSnapshotsOf(name);
    },
  };
}

/**
 * MariaDB's snapshot databases of `database` (guarded commands take one by
 * default): their schema comment names the database they copy. Dropped with
 * it, waiting for a background standby copy still at work in one (bounded).
 */
export function dropMariaSnapshotsOf(database: string): void {
  const snapshotsOf = () =>
    mariadb(`SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dbsafe\\_snap\\_%' AND SCHEMA_COMMENT LIKE '% of ${database},%'`)
      .split('\n')
      .filter(Boolean);
  const bases = new Set<string>();
  for (let attempt = 0; attempt < 120; attempt++) {
    for (const name of snapshotsOf()) bases.add(name.replace(/_r[0-9a-f]{0,4}$/, ''));
    const present = [...bases].flatMap((base) => mariadb(`SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '${base}%'`).split('\n').filter(Boolean));
    for (const name of present) {
      try {
        mariadb(`SET FOREIGN_KEY_CHECKS = 0; DROP DATABASE IF EXISTS \`${name}\``);
      } catch {
        // A background copy still at work in it: the next round.
      }
    }
    const busy = [...bases].some((base) => mariadb(`SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE '%${base}%'`) !== '0');
    if (present.length === 0 && !busy) return;
    spawnSync('sleep', ['0.25']);
  }
}

/**
 * Wait until no database matching `pattern` (a LIKE pattern) exists. Scratch
 * databases of tests running in parallel come and go within seconds; one that
 * outlives `timeoutMs` was leaked.
 */
export async function waitUntilNoDatabaseLike(pattern: string, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = Number(psql(`SELECT count(*) FROM pg_database WHERE datname LIKE '${pattern.replace(/'/g, "''")}'`));
    if (count === 0 || Date.now() > deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
