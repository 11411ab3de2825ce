import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { backupProject, type BackupProject } from '../cli/backup-project.js';

export function sql(file: string, text: string): string {
  return execFileSync('sqlite3', ['-batch', '-init', '/dev/null', file, text], { encoding: 'utf8' }).trim();
}

/** Per table: its columns, its row count and a sha256 of every row in rowid order. Equal text means equal data. */
export function tableChecksums(file: string): string {
  const tables = sql(file, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").split('\n').filter(Boolean);
  return tables
    .map((table) => {
      const columns = sql(file, `SELECT group_concat(name || ' ' || type, ',') FROM pragma_table_info('${table}')`);
      const quoted = sql(file, `SELECT group_concat('quote("' || name || '")', ' || ''|'' || ') FROM pragma_table_info('${table}')`);
      const rows = execFileSync('sqlite3', ['-batch', '-init', '/dev/null', file, `SELECT ${quoted} FROM "${table}" ORDER BY rowid`]);
      const digest = execFileSync('sha256sum', { input: rows, encoding: 'utf8' }).split(' ')[0];
      return `${table}(${columns}) ${sql(file, `SELECT count(*) FROM "${table}"`)}:${digest}`;
    })
    .join('\n');
}

/** Two tables, an index, a view and a trigger, in WAL mode. */
export function fillShop(file: string, rows = 2000): void {
  sql(
    file,
    `PRAGMA journal_mode = WAL;
     CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
     CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), total REAL);
     CREATE INDEX orders_customer ON orders(customer_id);
     CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
     WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${rows})
       INSERT INTO customers (name, email) SELECT 'c' || n, 'c' || n || '@example.test' FROM g;
     WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${rows * 2})
       INSERT INTO orders (customer_id, total) SELECT 1 + n % ${rows}, n * 1.5 FROM g;`,
  );
}

/** What an agent's bad migration does: rows deleted, a table added, a column dropped. */
export const DAMAGE = 'DELETE FROM orders WHERE id % 3 = 0; CREATE TABLE junk (x INTEGER); INSERT INTO junk VALUES (1); ALTER TABLE customers DROP COLUMN email;';

export function damage(file: string): void {
  sql(file, DAMAGE);
}

/** A real sqlite3 process keeping the database open, answering one statement at a time. */
export class Holder {
  readonly child: ChildProcessWithoutNullStreams;
  private output = '';
  private marker = 0;
  constructor(file: string, ...commands: string[]) {
    this.child = spawn('sqlite3', ['-batch', '-init', '/dev/null', '-cmd', '.timeout 5000', ...commands.flatMap((c) => ['-cmd', c]), file]);
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    onTestFinished(() => this.close());
  }
  async query(text: string): Promise<string> {
    const end = `--end ${++this.marker}--`;
    this.child.stdin.write(`${text}\nSELECT '${end}';\n`);
    while (!this.output.includes(end)) {
      if (this.child.exitCode !== null) throw new Error('the sqlite3 holder exited');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const answer = this.output.slice(0, this.output.indexOf(end)).trim();
    this.output = '';
    return answer;
  }
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.on('close', () => resolve());
      this.child.stdin.end();
    });
  }
}

export interface SqliteShop {
  /** The database file, inside the project's git repository (db/app.sqlite). */
  db: string;
  project: BackupProject;
  /** The files in the snapshot directory beside the database, README and .gitignore left out. */
  snapshotFiles(): string[];
  snapshotDir: string;
}

/** A filled SQLite database inside a throw-away project that backs it up; both go when the test finishes. */
export function sqliteShop(config: Record<string, unknown> = {}): SqliteShop {
  const project = backupProject('sqlite:/nonexistent', config);
  const db = path.join(project.dir, 'db', 'app.sqlite');
  mkdirSync(path.dirname(db));
  fillShop(db);
  const snapshotDir = path.join(project.dir, 'db', '.dbsafe-snapshots');
  const url = `sqlite:${db}`;
  const cli: BackupProject['cli'] = (args, env = {}) => project.cli(args, { DATABASE_URL: url, ...env });
  onTestFinished(async () => {
    await waitFor('background copies to finish', () => !existsSync(snapshotDir) || readdirSync(snapshotDir).every((f) => !f.includes('.partial-')));
    project.cleanup();
  });
  return {
    db,
    project: { ...project, cli },
    snapshotDir,
    snapshotFiles: () => (existsSync(snapshotDir) ? readdirSync(snapshotDir).filter((f) => f !== 'README' && f !== '.gitignore').sort() : []),
  };
}

export async function waitFor(what: string, ready: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`${what} never happened`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
