import type { Command } from 'commander';
import { stopCleanlyOnSignal } from '../interrupt.js';
import { printJson } from '../output.js';

interface BackupFlags {
  label?: string;
  url?: string;
  json?: boolean;
  verbose?: boolean;
}

export function register(program: Command): void {
  program
    .command('backup')
    .description('back up the configured database now (verified, atomic, rotated)')
    .option('--label <label>', 'a note stored in the manifest')
    .option('--url <url>', 'the database to back up, instead of the configured one')
    .option('--json', 'print the manifest as JSON')
    .option('--verbose', 'show progress totals even without a terminal')
    .action((flags: BackupFlags) =>
      stopCleanlyOnSignal(async () => {
        const [{ backupCommandSetting, requireTarget, refuseUnlessSafe }, { takeBackup }, { progressLine, formatBytes }, { describeTarget }, path] = await Promise.all([
          import('../backup-target.js'),
          import('../../store/take-backup.js'),
          import('../progress.js'),
          import('../../target/describe.js'),
          import('node:path'),
        ]);
        const setting = backupCommandSetting(flags.url);
        const target = requireTarget(setting);
        await refuseUnlessSafe(setting.context, 'backup', target.database);
        const progress = progressLine(`Backing up ${target.database}`, { verbose: Boolean(flags.verbose) });
        const started = Date.now();
        let manifest;
        try {
          manifest = await takeBackup(setting.store, target, { trigger: 'manual', label: flags.label ?? null, progress: progress.sink });
        } finally {
          progress.done();
        }
        if (flags.json) {
          printJson({ ...manifest, path: path.join(setting.store.dir, manifest.file) });
          return;
        }
        const where = path.relative(process.cwd(), path.join(setting.store.dir, manifest.file)) || manifest.file;
        process.stdout.write(
          `Backed up ${describeTarget(target)} to ${where} (${formatBytes(manifest.size)}, verified, ${((Date.now() - started) / 1000).toFixed(1)} s).\n`,
        );
      }));
}
