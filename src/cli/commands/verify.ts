import type { Command } from 'commander';
import { stopCleanlyOnSignal } from '../interrupt.js';
import { printable } from '../../printable.js';
import { printJson } from '../output.js';

export function register(program: Command): void {
  program
    .command('verify')
    .argument('[backup]', 'a backup id from `dbsafe list`, a backup file, or "latest"', 'latest')
    .description('checksum a backup, then restore it into a scratch database and count tables and rows')
    .option('--url <url>', 'the server to test-restore on, instead of the configured database')
    .option('--identity <file>', 'the age identity (secret key file) that reads age-encrypted backups (or DBSAFE_AGE_IDENTITY_FILE)')
    .option('--json', 'print the result as JSON')
    .option('--verbose', 'show progress totals even without a terminal')
    .action((selector: string, flags: { url?: string; json?: boolean; verbose?: boolean; identity?: string }) =>
      stopCleanlyOnSignal(async () => {
        const [{ backupCommandSetting, requireTarget }, store, { progressLine }] = await Promise.all([
          import('../backup-target.js'),
          import('../../store/restore-backup.js'),
          import('../progress.js'),
        ]);
        const setting = await backupCommandSetting(flags.url, flags.identity);
        const target = requireTarget(setting);
        const backup = await store.findBackup(setting.store, selector, target);
        const progress = progressLine(`Verifying ${printable(backup.manifest.id)}`, { verbose: Boolean(flags.verbose) });
        let counts;
        try {
          counts = await store.verifyBackup(setting.store, target, backup, progress.sink);
        } finally {
          progress.done();
        }
        if (backup.manifest.snapshot) {
          const { snapshotMessages } = await import('../../store/snapshot-messages.js');
          const check = counts.snapshot ?? { rowsCompared: false as const, why: 'not-recorded' as const };
          const total = counts.tables.reduce((sum, table) => sum + table.rows, 0);
          if (flags.json) {
            return printJson({
              id: backup.manifest.id,
              checksum: 'ok',
              snapshot: backup.manifest.snapshot.database,
              present: true,
              ...(check.rowsCompared ? { rows: 'match', tables: counts.tables, totalRows: total } : { rows: 'not-counted', notCountedBecause: check.why }),
            });
          }
          const rows = check.rowsCompared ? { compared: true as const, tables: counts.tables.length, total } : { compared: false as const, why: check.why };
          process.stdout.write(`${printable(snapshotMessages.verified(backup.manifest, rows))}\n`);
          return;
        }
        const rows = counts.tables.reduce((sum, table) => sum + table.rows, 0);
        if (flags.json) {
          printJson({ id: backup.manifest.id, checksum: 'ok', restore: 'ok', tables: counts.tables, totalRows: rows });
          return;
        }
        const names = counts.tables.map((t) => printable(t.name));
        const width = Math.max(5, ...names.map((name) => name.length));
        const lines = counts.tables.map((t, i) => `  ${names[i]!.padEnd(width)}  ${t.rows}`);
        process.stdout.write(
          printable(`Backup ${backup.manifest.id}: checksum ok; restored into a scratch database: ${counts.tables.length} tables, ${rows} rows.\n${lines.join('\n')}${lines.length ? '\n' : ''}`, { lineBreaks: true }),
        );
      }));
}
