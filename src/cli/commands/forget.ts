import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('forget')
    .description('delete one backup on purpose (labelled ones too); never the newest good backup')
    .argument('<id>', 'a backup id from `dbsafe list`')
    .action(async (id: string) => {
      const [{ backupCommandSetting }, { forgetBackup }, { pruneMessages }] = await Promise.all([
        import('../backup-target.js'),
        import('../../store/prune.js'),
        import('../../store/messages.js'),
      ]);
      const { store, target } = await backupCommandSetting();
      const backup = await forgetBackup(store, id, target);
      process.stdout.write(`${pruneMessages.forgotten(backup.manifest.id)}\n`);
    });
}
