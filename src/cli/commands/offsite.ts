import type { Command } from 'commander';
import { printable } from '../../printable.js';
import { printJson } from '../output.js';

/** `dbsafe offsite status`: what each remote holds and what is missing there; `dbsafe offsite sync`: upload now. */
export function register(program: Command): void {
  const offsite = program.command('offsite').description('offsite copies of the backups (config "offsite": rclone and/or restic)');
  offsite
    .command('status')
    .description('what each remote holds, what is missing there, and the last upload')
    .option('--json', 'print the status as JSON')
    .action(async (flags: { json?: boolean }) => {
      const [{ backupCommandSetting }, { offsiteStatus }, { renderOffsiteStatus }] = await Promise.all([
        import('../backup-target.js'),
        import('../../offsite/status.js'),
        import('../../offsite/render.js'),
      ]);
      const { store } = await backupCommandSetting();
      const status = await offsiteStatus(store);
      if (flags.json) printJson(status);
      else process.stdout.write(printable(renderOffsiteStatus(status), { lineBreaks: true }));
      if (status.some((remote) => !remote.reachable || remote.missing.length > 0)) process.exitCode = 1;
    });
  offsite
    .command('sync')
    .description('upload the backups missing offsite now and apply "offsite.keep" (a backup does this by itself)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { json?: boolean }) => {
      const [{ backupCommandSetting }, { syncOffsite }, { offsiteMessages }] = await Promise.all([
        import('../backup-target.js'),
        import('../../offsite/sync.js'),
        import('../../offsite/messages.js'),
      ]);
      const { store } = await backupCommandSetting();
      if (!store.offsite) throw offsiteMessages.notConfigured();
      const results = await syncOffsite(store);
      if (flags.json) printJson(results);
      else
        for (const r of results) {
          for (const line of r.renamed) process.stdout.write(`${printable(line)}\n`);
          process.stdout.write(`${printable(r.ok ? `${r.remote}: ${r.uploaded.length ? offsiteMessages.uploaded(r.remote, r.uploaded) : 'up to date'}${r.removed.length ? `; removed ${r.removed.join(', ')} (offsite.keep)` : ''}` : `${r.remote}: ${r.error ?? 'failed'}`)}\n`);
        }
      if (results.some((r) => !r.ok)) process.exitCode = 1;
    });
}
