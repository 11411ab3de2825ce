import type { Command } from 'commander';
import { printJson } from '../output.js';

export function register(program: Command): void {
  program
    .command('prune')
    .description('apply the retention settings now (retention, keepLabelled, keepDaily, keepWeekly): delete the backups they do not keep')
    .option('--dry-run', 'only say what would be deleted')
    .option('--json', 'print the deleted backups\u2019 ids as JSON')
    .action(async (flags: { dryRun?: boolean; json?: boolean }) => {
      const [{ backupCommandSetting }, { pruneBackups }, { pruneMessages }] = await Promise.all([
        import('../backup-target.js'),
        import('../../store/prune.js'),
        import('../../store/messages.js'),
      ]);
      const { store, target } = await backupCommandSetting();
      const { deleted } = await pruneBackups(store, { dryRun: flags.dryRun === true, target });
      if (flags.json) {
        printJson({ dryRun: flags.dryRun === true, deleted: deleted.map((b) => b.manifest.id) });
        return;
      }
      if (deleted.length === 0) {
        process.stdout.write(`${pruneMessages.nothing(store.dir)}\n`);
        return;
      }
      const say = flags.dryRun ? pruneMessages.wouldDelete : pruneMessages.deleted;
      process.stdout.write(`${deleted.map((b) => say(b.manifest.id)).join('\n')}\n`);
    });
}
