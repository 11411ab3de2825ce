import { onTestFinished } from 'vitest';
import { backupProject, type BackupProject } from '../cli/backup-project.js';
import { createPostgresDatabase, psql } from '../helpers/databases.js';

/** Table name, column list and an md5 of every row, per table of the public schema: equal text means equal data. */
export function tableChecksums(database: string): string {
  const tables = psql("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'", database).split(',').filter(Boolean);
  return tables
    .map((table) => {
      const columns = psql(`SELECT string_agg(column_name || ' ' || data_type, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}'`, database);
      const rows = psql(`SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM "${table}" x`, database);
      return `${table}(${columns}) ${rows}`;
    })
    .join('\n');
}

/** Some rows in two tables, a view and a sequence: enough shape for a damage to show. */
export function fillShop(database: string, rows = 2000): void {
  psql(
    `CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text);
     CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(10,2));
     INSERT INTO customers (name, email) SELECT 'c' || g, 'c' || g || '@example.test' FROM generate_series(1, ${rows}) g;
     INSERT INTO orders (customer_id, total) SELECT 1 + g % ${rows}, g * 1.5 FROM generate_series(1, ${rows * 2}) g;
     CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;`,
    database,
  );
}

/** What an agent's bad migration does: rows deleted, a table added, a column dropped. */
export function damage(database: string): void {
  psql('DELETE FROM orders WHERE id % 3 = 0; CREATE TABLE junk (x int); INSERT INTO junk VALUES (1); ALTER TABLE customers DROP COLUMN email CASCADE', database);
}

/** The snapshot databases a project's manifests name (each with its standby copies). */
export function snapshotDatabasesOf(project: BackupProject): string[] {
  return project.manifests().flatMap((m) => {
    const snapshot = m.snapshot as { database?: string } | undefined;
    return snapshot?.database ? [snapshot.database] : [];
  });
}

export function serverDatabasesLike(prefix: string): string[] {
  return psql(`SELECT string_agg(datname, ',') FROM pg_database WHERE datname LIKE '${prefix}%'`).split(',').filter(Boolean);
}

/**
 * Drop every snapshot database of `names` and their standbys, waiting for
 * background copies still being made (they appear once committed): run
 * until none has been seen for a while, bounded.
 */
export async function dropSnapshotDatabases(names: readonly string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  let quietSince = Date.now();
  while (Date.now() < deadline && Date.now() - quietSince < 3000) {
    const busy = Number(psql("SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'CREATE DATABASE \"dbsafe_snap_%'"));
    const present = names.flatMap((name) => serverDatabasesLike(name));
    for (const name of present) psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    if (present.length > 0 || busy > 0) quietSince = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A filled test database and a project backing it up: both, and the snapshots dbsafe made of it, are removed when the test finishes. */
export function shopProject(config: Record<string, unknown> = {}): { db: ReturnType<typeof createPostgresDatabase>; project: BackupProject } {
  const db = createPostgresDatabase();
  const project = backupProject(db.url, config);
  onTestFinished(async () => {
    await dropSnapshotDatabases(snapshotDatabasesOf(project));
    project.cleanup();
    db.drop();
  });
  fillShop(db.name);
  return { db, project };
}
