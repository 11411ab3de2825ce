import type { Command } from 'commander';
import { stopCleanlyOnSignal } from '../interrupt.js';
import { printable } from '../../printable.js';
import { printJson } from '../output.js';

export function register(program: Command): void {
  const snapshot = program.command('snapshot').description('server-side snapshots (take one with `dbsafe backup --mode snapshot`)');
  snapshot
    .command('export')
    .argument('<id>', 'a snapshot id from `dbsafe list`')
    .description('turn a snapshot into a verified file backup, which survives losing the server')
    .option('--url <url>', 'the database the snapshot is of, instead of the configured one')
    .option('--json', 'print the new manifest as JSON')
    .action((id: string, flags: { url?: string; json?: boolean }) =>
      stopCleanlyOnSignal(async () => {
        const [{ backupCommandSetting, requireTarget }, store, { exportSnapshotHoldingLock }, { snapshotMessages }, path] = await Promise.all([
          import('../backup-target.js'),
          import('../../store/restore-backup.js'),
          import('../../store/snapshot-export.js'),
          import('../../store/snapshot-messages.js'),
          import('node:path'),
        ]);
        const setting = await backupCommandSetting(flags.url);
        const target = requireTarget(setting);
        const release = await store.lockForRestore(setting.store, target);
        let manifest;
        try {
          const backup = await store.findBackup(setting.store, id, target);
          store.assertSameEngine(backup, target);
          await store.verifyChecksum(backup);
          manifest = await exportSnapshotHoldingLock(setting.store, target, backup);
        } finally {
          await release();
        }
        const file = path.join(setting.store.dir, manifest.file);
        if (flags.json) return printJson({ ...manifest, path: file });
        process.stdout.write(`${printable(snapshotMessages.exported(id, manifest, path.relative(process.cwd(), file) || file))}\n`);
      }));
}
