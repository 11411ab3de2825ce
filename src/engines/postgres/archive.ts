import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { fileReaderWithProgress } from '../archive-streams.js';
import type { ArchiveOps, BackupFacts, BackupOutput, ProgressSink, TableCounts, ToolInfo } from '../types.js';
import { runTool } from '../tools.js';
import { pgPlacement, pgRunner, type PgRunner } from './container.js';
import type { Target } from '../../target/types.js';
import { pgToolFor } from './binaries.js';
import { quoteIdent, withConnection } from './connection.js';
import { postgresMessages } from './messages.js';
import { createDatabaseLike, dropDatabase, dropDatabaseInBackground, serverVersionOf, serverVersionOfServer, swapInRestoredDatabase } from './databases.js';
import { dropLeftScratchDatabases, recordScratchDatabase, withScratchDatabase } from '../scratch-database.js';

const MAGIC = 'PGDMP';

/**
 * gzip level 1: pg_dump's time is dominated by compression at the default
 * level 6, and level 1 keeps archives within a few percent of its size
 * (bench/run.ts measures both). lz4/zstd would need a PostgreSQL 16 client.
 */
const DUMP_ARGS = ['--format=custom', '--compress=1', '--no-password'];

/**
 * A development copy is restored without owners and privileges, the usual
 * cure for `role "x" does not exist`; --exit-on-error makes the first error
 * fatal rather than a warning at the end.
 */
const RESTORE_ARGS = ['--no-owner', '--no-acl', '--exit-on-error', '--no-password'];

/** Session settings that make index builds of a restore faster; they change nothing restored. */
const RESTORE_SESSION_OPTIONS = '-c maintenance_work_mem=256MB -c synchronous_commit=off';


/** pg_restore of `file` into the existing, empty database `database`; throws with pg_restore's own words. */
async function pgRestoreInto(pgRestore: PgRunner, target: Target, database: string, file: string, progress?: ProgressSink): Promise<void> {
  const result = await pgRestore.run(database, {
    args: [...RESTORE_ARGS, `--dbname=${database}`],
    env: { PGOPTIONS: RESTORE_SESSION_OPTIONS, PGDATABASE: undefined },
    stdin: fileReaderWithProgress(file, progress),
  });
  // pg_restore can exit 0 after printing errors it chose to ignore; either one fails the restore.
  if (result.code !== 0 || /^pg_restore: error:/m.test(result.stderr)) throw postgresMessages.restoreFailed(target, result.stderr);
}

async function assertCustomArchive(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(MAGIC.length), 0, MAGIC.length, 0);
    if (bytesRead < MAGIC.length || buffer.toString('latin1') !== MAGIC) throw postgresMessages.notCustomArchive(file);
  } finally {
    await handle.close();
  }
}

const RESTORE_PREFIX = '__dbsafe_restore_';

/** PostgreSQL truncates identifiers to 63 bytes: shorten the base so the unique suffix survives. */
function fitName(base: string, suffixLength: number): string {
  return Buffer.from(base).subarray(0, 63 - suffixLength).toString('utf8').replace(/\uFFFD+$/, '');
}

function scratchName(prefix: string, base = ''): string {
  const suffix = `${prefix}${randomBytes(4).toString('hex')}`;
  return `${fitName(base, suffix.length)}${suffix}`;
}

async function countTables(target: Target, database: string): Promise<TableCounts> {
  return withConnection(target, database, async (client) => {
    const tables = await client.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       ORDER BY 1, 2`,
    );
    const counts: TableCounts['tables'] = [];
    for (const table of tables.rows) {
      const result = await client.query<{ rows: string }>(`SELECT count(*) AS rows FROM ${quoteIdent(table.schema)}.${quoteIdent(table.name)}`);
      counts.push({ name: table.schema === 'public' ? table.name : `${table.schema}.${table.name}`, rows: Number(result.rows[0]!.rows) });
    }
    return { tables: counts };
  });
}

export const archive: ArchiveOps = {
  extension: 'dump',

  async clientTools(target?: Target): Promise<ToolInfo[]> {
    const server = target ? await serverVersionOf(target).catch(() => null) : null;
    const placement = target && server ? await pgPlacement(target).catch(() => null) : null;
    if (target && placement?.kind === 'container') {
      return Promise.all((['pg_dump', 'pg_restore'] as const).map(async (name) => {
        const runner = await pgRunner(name, target, server);
        return { name, path: `${placement.exec.cli} exec ${placement.exec.container.name} ${name}`, version: runner.label.split(' ')[1] ?? null };
      }));
    }
    const infos: ToolInfo[] = [];
    for (const name of ['pg_dump', 'pg_restore'] as const) {
      try {
        const found = await pgToolFor(name, server);
        infos.push({ name, path: found.file, version: found.version });
      } catch (error) {
        // Missing, or older than the server: the message a backup would fail with, fix included.
        infos.push({ name, path: null, version: null, problem: (error as Error).message });
      }
    }
    return infos;
  },

  async toolPlacement(target: Target) {
    const placement = await pgPlacement(target);
    return { container: placement.kind === 'container' ? placement.exec.container.name : null, why: placement.why };
  },

  async backup(target: Target, output: BackupOutput): Promise<BackupFacts> {
    const server = await serverVersionOf(target);
    const pgDump = await pgRunner('pg_dump', target, server);
    const result = await pgDump.run(target.database, { args: DUMP_ARGS, stdout: output.stream() });
    if (result.code !== 0) throw postgresMessages.toolFailed('pg_dump', target, target.database, result.code, result.stderr);
    return { clientTool: pgDump.label, serverVersion: `PostgreSQL ${server.version}` };
  },

  async checkArchive(file: string, target?: Target): Promise<void> {
    await assertCustomArchive(file);
    // With a target, the archive is read by the tool that serves it (it may only be inside its container).
    const placement = target ? await pgPlacement(target) : null;
    const result =
      target && placement?.kind === 'container'
        ? await (await pgRunner('pg_restore', target, null)).run(target.database, { args: ['--list'], stdin: fileReaderWithProgress(file) })
        : await runTool({ program: (await pgToolFor('pg_restore', null)).file, args: ['--list', file] });
    if (/unsupported version \(\d+\.\d+\) in file header/.test(result.stderr)) throw postgresMessages.archiveNewerThanClient(file, result.stderr);
    if (result.code !== 0 || !/^;\s*Archive created at/m.test(result.stdout)) throw postgresMessages.archiveUnreadable(file, result.stderr);
  },

  /**
   * All-or-nothing: the archive goes into a fresh database; only when that
   * fully succeeded does it take the target's name (two renames in one
   * transaction), and the old database is dropped after, in the background
   * (see dropDatabaseInBackground). A failure at any step leaves the target
   * as it was.
   */
  async restore(target: Target, file: string, progress?: ProgressSink): Promise<void> {
    await assertCustomArchive(file);
    const server = await serverVersionOfServer(target);
    const pgRestore = await pgRunner('pg_restore', target, server);
    const drop = (name: string) => dropDatabase(target, name);
    await dropLeftScratchDatabases(target, drop);
    const staging = scratchName(RESTORE_PREFIX, target.database);
    const retired = staging.replace(RESTORE_PREFIX, '__dbsafe_old_');
    // Both recorded before either exists: a kill at any point leaves nothing the next run does not know of.
    const forgetStaging = recordScratchDatabase(target, staging, 'restore staging');
    const forgetRetired = recordScratchDatabase(target, retired, 'restore: the database it replaced');
    const abandon = async (error: unknown, dropStaging: boolean): Promise<never> => {
      if (dropStaging) await drop(staging);
      forgetStaging();
      forgetRetired();
      throw error;
    };
    await createDatabaseLike(target, staging, target.database).catch((error: unknown) => abandon(error, false));
    await pgRestoreInto(pgRestore, target, staging, file, progress).catch((error: unknown) => abandon(error, true));
    const replaced = await swapInRestoredDatabase(target, staging, retired).catch((error: unknown) => abandon(error, true));
    // The staging database now has the target's name: its record must go before anything could act on it.
    forgetStaging();
    if (replaced) await dropDatabaseInBackground(target, replaced, server);
    else forgetRetired();
  },

  async scratchRestore(target: Target, file: string): Promise<TableCounts> {
    await assertCustomArchive(file);
    const server = await serverVersionOfServer(target);
    const pgRestore = await pgRunner('pg_restore', target, server);
    const scratch = {
      name: scratchName('dbsafe_verify_'),
      purpose: 'verify',
      create: (name: string) => createDatabaseLike(target, name, null),
      drop: (name: string) => dropDatabase(target, name),
    };
    return withScratchDatabase(target, scratch, async (name) => {
      await pgRestoreInto(pgRestore, target, name, file);
      return countTables(target, name);
    });
  },
};
