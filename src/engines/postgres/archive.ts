import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { readHeadAndTail } from '../archive-streams.js';
import { chooseCodec, codecFailure, codecOfHead, decompressorFor, describeCodec, runCompressing, runDecompressing, type ResolvedCodec } from '../compression.js';
import type { ArchiveOps, BackupFacts, BackupOptions, BackupOutput, ProgressSink, RestoreOptions, StoredBytesCheck, TableCounts, ToolInfo } from '../types.js';
import { pgPlacement, pgRunner, type PgRunner } from './container.js';
import type { Target } from '../../target/types.js';
import { pgToolFor } from './binaries.js';
import { quoteIdent, withConnection } from './connection.js';
import { postgresMessages } from './messages.js';
import { createDatabaseLike, dropDatabase, dropDatabaseInBackground, serverVersionOf, serverVersionOfServer, swapInRestoredDatabase } from './databases.js';
import { dropLeftScratchDatabases, recordScratchDatabase, withScratchDatabase } from '../scratch-database.js';
import { stepBoundary } from '../../store/step-boundary.js';

const MAGIC = 'PGDMP';

/**
 * Uncompressed: pg_dump's time is dominated by its own zlib (even at level 1),
 * and pg_dump 15 has no zstd or lz4; the stream is compressed by a fast codec
 * on the other core instead (src/engines/compression.ts). Backups made before
 * were `--compress=1` archives starting with PGDMP: they restore as they are.
 */
const DUMP_ARGS = ['--format=custom', '--compress=0', '--no-password'];

/**
 * A development copy is restored without owners and privileges, the usual
 * cure for `role "x" does not exist`; --exit-on-error makes the first error
 * fatal rather than a warning at the end.
 */
const RESTORE_ARGS = ['--no-owner', '--no-acl', '--exit-on-error', '--no-password'];

/** Session settings that make index builds of a restore faster; they change nothing restored. */
const RESTORE_SESSION_OPTIONS = '-c maintenance_work_mem=256MB -c synchronous_commit=off';


/** pg_restore of `file` into the existing, empty database `database` (on the host or in the server's container), decompressed on the way; throws with pg_restore's own words. */
async function pgRestoreInto(
  pgRestore: PgRunner,
  target: Target,
  database: string,
  file: string,
  codec: ResolvedCodec,
  progress?: ProgressSink,
  check?: StoredBytesCheck,
): Promise<void> {
  const run = await pgRestore.prepare(database, (build) =>
    runDecompressing(build({ args: [...RESTORE_ARGS, `--dbname=${database}`], env: { PGOPTIONS: RESTORE_SESSION_OPTIONS, PGDATABASE: undefined } }), codec, file, progress, check),
  );
  const decompression = codecFailure(run);
  if (decompression) throw postgresMessages.decompressionFailed(file, codec.codec, decompression);
  // pg_restore can exit 0 after printing errors it chose to ignore; either one fails the restore.
  if (run.tool.code !== 0 || /^pg_restore: error:/m.test(run.tool.stderr)) throw postgresMessages.restoreFailed(target, run.tool.stderr);
}

/**
 * How `file` is compressed: a bare custom-format archive (PGDMP, the format
 * of every backup before stream compression), or a codec's stream of one.
 * Anything else is refused before a database is touched; a missing codec
 * program is named with its package.
 */
async function archiveCodec(file: string): Promise<ResolvedCodec> {
  const { head } = await readHeadAndTail(file, MAGIC.length);
  if (head.toString('latin1') === MAGIC) return { codec: 'none', level: null, program: null };
  const codec = codecOfHead(head);
  if (!codec || codec === 'none') throw postgresMessages.notCustomArchive(file);
  return decompressorFor(codec);
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
  return withConnection(target, database, countTablesOn);
}

/** Every table of the database `client` is connected to, with its row count (schema-qualified outside public). */
export async function countTablesOn(client: pg.Client): Promise<TableCounts> {
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

  async backup(target: Target, output: BackupOutput, options: BackupOptions = {}): Promise<BackupFacts> {
    const codec = chooseCodec(options.compression);
    const server = await serverVersionOf(target);
    const pgDump = await pgRunner('pg_dump', target, server);
    const run = await pgDump.prepare(target.database, (build) => runCompressing(build({ args: DUMP_ARGS }), codec, output));
    if (run.tool.code !== 0) throw postgresMessages.toolFailed('pg_dump', target, target.database, run.tool.code, run.tool.stderr);
    const compression = codecFailure(run);
    if (compression) throw postgresMessages.compressionFailed(codec.codec, compression);
    return { clientTool: pgDump.label, serverVersion: `PostgreSQL ${server.version}`, compression: describeCodec(codec) };
  },

  /**
   * pg_restore reads the archive's table of contents (decompressing only its
   * start). With a target, the tool that serves it reads it (it may only be
   * inside its container).
   */
  async checkArchive(file: string, target?: Target): Promise<void> {
    const codec = await archiveCodec(file);
    // With a target whose tools run in its container, the archive is read in there; else by the host's newest pg_restore (no server connection needed).
    const placement = target ? await pgPlacement(target) : null;
    const run =
      target && placement?.kind === 'container'
        ? await (await pgRunner('pg_restore', target, null)).prepare(target.database, (build) => runDecompressing(build({ args: ['--list'] }), codec, file))
        : await runDecompressing({ program: (await pgToolFor('pg_restore', null)).file, args: ['--list'] }, codec, file);
    if (/unsupported version \(\d+\.\d+\) in file header/.test(run.tool.stderr)) throw postgresMessages.archiveNewerThanClient(file, run.tool.stderr);
    if (run.tool.code !== 0 || !/^;\s*Archive created at/m.test(run.tool.stdout)) {
      throw postgresMessages.archiveUnreadable(file, [run.tool.stderr, codecFailure(run) ?? ''].join('\n').trim());
    }
  },

  checksInStream: true,

  /**
   * All-or-nothing: the archive goes into a fresh database; only when that
   * fully succeeded (and the stored bytes passed `options.check`) does it
   * take the target's name (two renames in one transaction), and the old
   * database is dropped after, in the background (see
   * dropDatabaseInBackground). A failure at any step leaves the target as it
   * was. The fresh database is created while the archive's codec, the
   * server's version and the right pg_restore are looked up.
   */
  async restore(target: Target, file: string, progress?: ProgressSink, options: RestoreOptions = {}): Promise<void> {
    const drop = (name: string) => dropDatabase(target, name);
    const staging = scratchName(RESTORE_PREFIX, target.database);
    // A replaced database kept as the safety copy is recorded by the caller, under the name it chose.
    const kept = options.keepReplaced;
    const retired = kept?.name ?? staging.replace(RESTORE_PREFIX, '__dbsafe_old_');
    const codec = archiveCodec(file);
    const server = serverVersionOfServer(target);
    const pgRestore = server.then((version) => pgRunner('pg_restore', target, version));
    // Both recorded before either exists: a kill at any point leaves nothing the next run does not know of.
    const created = dropLeftScratchDatabases(target, drop).then(() => {
      const forgetStaging = recordScratchDatabase(target, staging, 'restore staging');
      const forgetRetired = kept ? () => undefined : recordScratchDatabase(target, retired, 'restore: the database it replaced');
      const forget = () => {
        forgetStaging();
        forgetRetired();
      };
      return createDatabaseLike(target, staging, target.database).then(
        () => ({ forget, forgetStaging, forgetRetired }),
        (error: unknown) => {
          forget();
          throw error;
        },
      );
    });
    const ready = await Promise.allSettled([codec, server, pgRestore, created]);
    const failed = ready.find((outcome) => outcome.status === 'rejected');
    if (failed) {
      if (ready[3].status === 'fulfilled') {
        await drop(staging);
        ready[3].value.forget();
      }
      throw failed.reason;
    }
    const records = await created;
    const abandon = async (error: unknown): Promise<never> => {
      await drop(staging);
      records.forget();
      throw error;
    };
    await pgRestoreInto(await pgRestore, target, staging, file, await codec, progress, options.check).catch(abandon);
    // The replaced database kept as the safety copy gets its marker in the transaction that renames it: connections to it are refused by then.
    const replaced = await swapInRestoredDatabase(target, staging, retired, kept?.marker).catch(abandon);
    // The staging database now has the target's name: its record must go before anything could act on it.
    records.forgetStaging();
    stepBoundary('file-restore:swapped');
    if (replaced && !kept) await dropDatabaseInBackground(target, replaced, await server);
    else if (!replaced) records.forgetRetired();
  },

  async scratchRestore(target: Target, file: string): Promise<TableCounts> {
    const codec = await archiveCodec(file);
    const server = await serverVersionOfServer(target);
    const pgRestore = await pgRunner('pg_restore', target, server);
    const scratch = {
      name: scratchName('dbsafe_verify_'),
      purpose: 'verify',
      create: (name: string) => createDatabaseLike(target, name, null),
      drop: (name: string) => dropDatabase(target, name),
    };
    return withScratchDatabase(target, scratch, async (name) => {
      await pgRestoreInto(pgRestore, target, name, file, codec);
      return countTables(target, name);
    });
  },
};
