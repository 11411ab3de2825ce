import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measure, ratioRow, runMeasured, type BenchRow } from './measure.js';
import { CLEANUP, MARIA_SERVER, RUNS, benchProject, dbsafe, infoRow, mariadb, median, type BenchProject } from './kit.js';

/**
 * MariaDB snapshots against the plain tools on the same ≈ 200 MB database,
 * in the same run: taking one against mariadb-dump (tablespace files, and
 * rows copied by INSERT … SELECT), and the whole `dbsafe restore ID --yes`
 * (RENAME TABLE swap) against reloading the dump into a new database. The
 * dataset is made once and kept (its schema comment marks it complete);
 * `npm run bench -- --cleanup` drops it.
 */

const DATABASE = 'dbsafe_bench_maria_snap_200mb';
const ROWS = 1_700_000;
const MARKER = `dbsafe bench dataset: ${ROWS} random rows, v1`;
const DUMP_FLAGS = ['--single-transaction', '--routines', '--triggers', '--events', '--hex-blob', '--default-character-set=utf8mb4', '--no-tablespaces'];
const CONNECT = ['-h', MARIA_SERVER.host, '-P', MARIA_SERVER.port, '-u', MARIA_SERVER.user];

function ensureDataset(): void {
  if (mariadb(`SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${DATABASE}'`) === MARKER) return;
  mariadb(`DROP DATABASE IF EXISTS ${DATABASE}`);
  mariadb(`CREATE DATABASE ${DATABASE} CHARACTER SET utf8mb4`);
  mariadb(
    `CREATE TABLE samples (id bigint PRIMARY KEY, amount bigint, ratio double, label varchar(80), KEY (amount)) ENGINE=InnoDB;
     INSERT INTO samples SELECT seq, floor(rand() * 1e12), rand(), concat(md5(rand()), md5(rand())) FROM seq_1_to_${ROWS};
     CREATE VIEW big_samples AS SELECT * FROM samples WHERE amount > 900000000000;`,
    DATABASE,
  );
  mariadb(`ALTER DATABASE ${DATABASE} COMMENT '${MARKER}'`);
}

async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Background standby copies of earlier steps still going (recorded with their client's pid): wait, so no measurement pays for another's I/O. */
async function quiet(project: BenchProject): Promise<void> {
  const records = path.join(project.dir, '.local', 'state', 'dbsafe', 'scratch-databases');
  await until(() => {
    try {
      return !readdirSync(records)
        .filter((f) => f.endsWith('.json'))
        .some((f) => {
          try {
            process.kill((JSON.parse(readFileSync(path.join(records, f), 'utf8')) as { pid: number }).pid, 0);
            return true;
          } catch {
            return false;
          }
        });
    } catch {
      return true;
    }
  });
}

function dropSnapshotsOf(database: string): void {
  const names = mariadb(`SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dbsafe\\_snap\\_%' AND SCHEMA_COMMENT LIKE '% of ${database},%'`)
    .split('\n')
    .filter(Boolean);
  for (const name of names) mariadb(`SET FOREIGN_KEY_CHECKS = 0; DROP DATABASE IF EXISTS \`${name}\``);
}

export async function mariadbSnapshotBench(): Promise<BenchRow[]> {
  ensureDataset();
  const size = mariadb(`SELECT round(sum(data_length + index_length) / 1e6) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${DATABASE}'`);
  const rows: BenchRow[] = [infoRow(`database: ${DATABASE} (one InnoDB table, ${ROWS} rows, a secondary index, a view)`, `${size} MB`)];
  const project = benchProject(`mysql://${MARIA_SERVER.user}@${MARIA_SERVER.host}:${MARIA_SERVER.port}/${DATABASE}`);
  const logical = { ...project, env: { ...project.env, DBSAFE_MYSQL_SNAPSHOT_COPY: 'logical' } };
  const scratch = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-maria-snap-'));
  const reloadDatabase = 'dbsafe_test_bench_snap_reload';
  try {
    const dump = path.join(scratch, 'plain.sql');
    const dumps: number[] = [];
    const snapshots: number[] = [];
    const logicalSnapshots: number[] = [];
    let snapshotId = '';
    let method = '';
    for (let run = 0; run < RUNS; run++) {
      dumps.push((await runMeasured('mariadb-dump', [...CONNECT, `--result-file=${dump}`, ...DUMP_FLAGS, DATABASE])).seconds);
      await quiet(project);
      const taken = await dbsafe(project, ['backup', '--mode', 'snapshot', '--json']);
      if (taken.code !== 0) throw new Error(`dbsafe backup --mode snapshot failed: ${taken.stderr}`);
      snapshots.push(taken.seconds);
      ({ id: snapshotId, clientTool: method } = JSON.parse(taken.stdout) as { id: string; clientTool: string });
      await quiet(project);
      logicalSnapshots.push((await dbsafe(logical, ['backup', '--mode', 'snapshot'])).seconds);
      await quiet(project);
    }
    rows.push(ratioRow(`snapshot creation: \`dbsafe backup --mode snapshot\` (${method}) ÷ \`mariadb-dump\``, { seconds: median(snapshots) }, { seconds: median(dumps) }, 1.0));
    rows.push({
      ...ratioRow('snapshot creation, rows copied (INSERT … SELECT, where the data directory is not ours) ÷ `mariadb-dump`', { seconds: median(logicalSnapshots) }, { seconds: median(dumps) }, 1.0),
      pass: null,
    });

    const reloads: number[] = [];
    const restores: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      reloads.push(
        (
          await measure(async () => {
            mariadb(`DROP DATABASE IF EXISTS ${reloadDatabase}; CREATE DATABASE ${reloadDatabase} CHARACTER SET utf8mb4`);
            await runMeasured('sh', ['-c', `exec mariadb ${CONNECT.join(' ')} ${reloadDatabase} < "$1"`, 'reload', dump]);
          })
        ).seconds,
      );
      mariadb(`DROP DATABASE IF EXISTS ${reloadDatabase}`);
      await quiet(project);
      const restored = await dbsafe(project, ['restore', snapshotId, '--yes']);
      if (restored.code !== 0) throw new Error(`dbsafe restore failed: ${restored.stderr}`);
      restores.push(restored.seconds);
      await quiet(project);
    }
    rows.push(ratioRow('snapshot restore: whole `dbsafe restore ID --yes` (RENAME TABLE swap) ÷ `mariadb < dump` into a new database', { seconds: median(restores) }, { seconds: median(reloads) }, 0.01));
    rows.push(infoRow('seconds (median): mariadb-dump / snapshot / rows snapshot / reload / snapshot restore', [dumps, snapshots, logicalSnapshots, reloads, restores].map((v) => median(v).toFixed(2)).join(' / ')));
    return rows;
  } finally {
    await quiet(project).catch(() => undefined);
    dropSnapshotsOf(DATABASE);
    mariadb(`DROP DATABASE IF EXISTS ${reloadDatabase}`);
    rmSync(project.dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    if (CLEANUP) mariadb(`DROP DATABASE IF EXISTS ${DATABASE}`);
  }
}
