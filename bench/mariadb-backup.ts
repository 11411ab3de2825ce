import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measure, ratioRow, runMeasured, type BenchRow } from './measure.js';
import { CLEANUP, MARIA_SERVER, RUNS, benchProject, dbsafe, infoRow, mariadb, median, memoryRow } from './kit.js';

/**
 * MariaDB, about 350 MB in one InnoDB table of random numbers and text:
 * dbsafe's backup against mariadb-dump with the same flags, and the whole
 * `dbsafe restore ID --yes --mode auto` against reloading the dump with the
 * client into a new database (and the engine's restore step alone, for
 * information). The
 * dataset is made once and kept (its schema comment marks it complete);
 * `npm run bench -- --cleanup` drops it.
 */

export const MARIA_DATABASE = 'dbsafe_bench_maria_350mb';
const ROWS = 3_000_000;
const MARKER = `dbsafe bench dataset: ${ROWS} random rows, v1`;
/** The flags dbsafe's backups use (src/engines/mysql/clients.ts, DUMP_MODES.full and dumpArguments). */
const DUMP_FLAGS = ['--single-transaction', '--routines', '--triggers', '--events', '--hex-blob', '--default-character-set=utf8mb4', '--no-tablespaces'];
const CONNECT = ['-h', MARIA_SERVER.host, '-P', MARIA_SERVER.port, '-u', MARIA_SERVER.user];

function ensureDataset(): void {
  const comment = mariadb(`SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${MARIA_DATABASE}'`);
  if (comment === MARKER) return;
  mariadb(`DROP DATABASE IF EXISTS ${MARIA_DATABASE}`);
  mariadb(`CREATE DATABASE ${MARIA_DATABASE} CHARACTER SET utf8mb4`);
  mariadb(
    `CREATE TABLE samples (id bigint PRIMARY KEY, amount bigint, ratio double, label varchar(80)) ENGINE=InnoDB;
     INSERT INTO samples SELECT seq, floor(rand() * 1e12), rand(), concat(md5(rand()), md5(rand())) FROM seq_1_to_${ROWS};`,
    MARIA_DATABASE,
  );
  mariadb(`ALTER DATABASE ${MARIA_DATABASE} COMMENT '${MARKER}'`);
}

/**
 * Wait (up to a minute) until InnoDB has written back the dirty pages and
 * purged what the previous step left (a 350 MB load, a DROP DATABASE): with a
 * 128 MB buffer pool that work otherwise lands on whichever run comes next.
 */
async function untilInnodbSettles(): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const status = new Map(
      mariadb("SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_buffer_pool_pages_dirty', 'Innodb_history_list_length')")
        .split('\n')
        .map((line) => line.split('\t') as [string, string]),
    );
    if (Number(status.get('Innodb_buffer_pool_pages_dirty')) < 100 && Number(status.get('Innodb_history_list_length')) < 1000) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The replaced databases the bench's restores kept as safety copies (snapshot manifests in its store): dropped, untimed. */
function dropKeptCopies(projectDir: string): void {
  const backups = path.join(projectDir, 'backups');
  if (!existsSync(backups)) return;
  for (const name of readdirSync(backups).filter((f) => f.endsWith('.json'))) {
    const snapshot = (JSON.parse(readFileSync(path.join(backups, name), 'utf8')) as { snapshot?: { database: string } }).snapshot;
    if (!snapshot) continue;
    mariadb(`DROP DATABASE IF EXISTS \`${snapshot.database}\``);
    rmSync(path.join(backups, name), { force: true });
  }
}

export async function mariadbBackupBench(): Promise<BenchRow[]> {
  ensureDataset();
  const size = mariadb(`SELECT round(sum(data_length + index_length) / 1e6) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${MARIA_DATABASE}'`);
  const rows: BenchRow[] = [infoRow(`database: ${MARIA_DATABASE}`, `${size} MB`)];
  const project = benchProject(`mysql://${MARIA_SERVER.user}@${MARIA_SERVER.host}:${MARIA_SERVER.port}/${MARIA_DATABASE}`);
  const scratch = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-maria-'));
  const reloadDatabase = 'dbsafe_test_bench_reload';
  try {
    const dump = path.join(scratch, 'plain.sql');
    const plain: number[] = [];
    const mine: number[] = [];
    const peaks: number[] = [];
    let lastBackup = '';
    for (let run = 0; run < RUNS; run++) {
      plain.push((await runMeasured('mariadb-dump', [...CONNECT, `--result-file=${dump}`, ...DUMP_FLAGS, MARIA_DATABASE])).seconds);
      const backup = await dbsafe(project, ['backup', '--json']);
      mine.push(backup.seconds);
      peaks.push(backup.peakMb);
      lastBackup = (JSON.parse(backup.stdout) as { id: string }).id;
    }
    rows.push(ratioRow('backup: `dbsafe backup` ÷ `mariadb-dump` (same flags)', { seconds: median(mine) }, { seconds: median(plain) }, 1.1));

    const { archive } = (await import('../src/engines/mysql/archive.js')) as typeof import('../src/engines/mysql/archive.js');
    const { parseDatabaseUrl } = (await import('../src/target/url.js')) as typeof import('../src/target/url.js');
    const target = parseDatabaseUrl(project.env.DATABASE_URL!, { kind: 'env', name: 'DATABASE_URL' }, project.dir);
    const backupFile = path.join(project.dir, 'backups', `${lastBackup}.sql`);
    const reloads: number[] = [];
    const steps: number[] = [];
    const restores: number[] = [];
    const restorePeaks: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      mariadb(`DROP DATABASE IF EXISTS ${reloadDatabase}; CREATE DATABASE ${reloadDatabase} CHARACTER SET utf8mb4`);
      await untilInnodbSettles();
      reloads.push((await runMeasured('sh', ['-c', `exec mariadb ${CONNECT.join(' ')} ${reloadDatabase} < "$1"`, 'reload', dump])).seconds);
      mariadb(`DROP DATABASE IF EXISTS ${reloadDatabase}`);
      await untilInnodbSettles();
      // The whole command as a person runs it; auto keeps the replaced tables on the server as the safety copy where the engine can.
      const whole = await dbsafe(project, ['restore', lastBackup, '--yes', '--mode', 'auto']);
      restores.push(whole.seconds);
      restorePeaks.push(whole.peakMb);
      dropKeptCopies(project.dir);
      await untilInnodbSettles();
      // The engine's step alone (the replaced tables dropped with the trash database, as in dump mode).
      steps.push((await measure(() => archive.restore(target, backupFile))).seconds);
    }
    const reload = { seconds: median(reloads) };
    rows.push(ratioRow('restore: whole `dbsafe restore ID --yes --mode auto` ÷ `mariadb < dump` into a new database', { seconds: median(restores) }, reload, 1.0));
    rows.push({
      ...ratioRow('restore step (load into a scratch database + RENAME swap + trash dropped) ÷ reload', { seconds: median(steps) }, reload, 1.0),
      pass: null,
    });
    rows.push(memoryRow('memory: dbsafe backup peak RSS, MariaDB', peaks));
    rows.push(memoryRow('memory: dbsafe restore peak RSS, MariaDB', restorePeaks));
    return rows;
  } finally {
    mariadb(`DROP DATABASE IF EXISTS ${reloadDatabase}`);
    dropKeptCopies(project.dir);
    rmSync(project.dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    if (CLEANUP) mariadb(`DROP DATABASE IF EXISTS ${MARIA_DATABASE}`);
  }
}
