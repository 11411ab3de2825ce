import type { Command } from 'commander';
import { stopCleanlyOnSignal } from '../interrupt.js';
import type { Manifest } from '../../store/manifest.js';
import type { Target } from '../../target/types.js';
import { printable } from '../../printable.js';
import { printJson } from '../output.js';
import { storeMessages } from '../../store/messages.js';

interface BackupFlags {
  label?: string;
  url?: string;
  json?: boolean;
  verbose?: boolean;
  scheduled?: boolean;
  mode?: string;
  terminateConnections?: boolean;
}

export function register(program: Command): void {
  program
    .command('backup')
    .description('back up the configured database now (verified, atomic, rotated)')
    .option('--label <label>', 'a note stored in the manifest')
    .option('--url <url>', 'the database to back up, instead of the configured one')
    .option('--json', 'print the manifest as JSON')
    .option('--verbose', 'show progress totals even without a terminal')
    .option('--mode <mode>', 'snapshot (on the server, restored by a rename), dump (a file) or auto; default: the "mode" setting, else dump')
    .option('--terminate-connections', 'end the sessions that keep a snapshot from being taken (they are named first)')
    .option('--scheduled', 'as run by the crontab entry of `dbsafe schedule`: trigger "scheduled", each run starting with its time')
    .action((flags: BackupFlags) =>
      stopCleanlyOnSignal(async () => {
        const [{ backupCommandSetting, requireTarget, refuseUnlessSafe }, { takeProtectiveCopy }, { progressLine, formatBytes }, { describeTarget }, path, { copyModeOf, parseCopyMode }, { snapshotMessages }] = await Promise.all([
          import('../backup-target.js'),
          import('../../store/take-copy.js'),
          import('../progress.js'),
          import('../../target/describe.js'),
          import('node:path'),
          import('../../store/copy-mode.js'),
          import('../../store/snapshot-messages.js'),
        ]);
        const flagMode = parseCopyMode(flags.mode, snapshotMessages.invalidMode);
        // The log of scheduled runs is one file appended to by every run: each starts with its time.
        if (flags.scheduled) process.stdout.write(`${new Date().toISOString()} dbsafe scheduled backup in ${process.cwd()}\n`);
        const setting = await backupCommandSetting(flags.url);
        let started = Date.now();
        const question = flags.scheduled ? undefined : (await import('../session-prompt.js')).sessionPrompt(process.env);
        let manifest: Manifest;
        let target: Target;
        try {
          target = requireTarget(setting);
          const { isProjectDirectory } = await import('../../audit/log.js');
          if (!setting.context.optedIn && !isProjectDirectory(setting.context.projectRoot)) throw storeMessages.outsideProject(process.cwd());
          await refuseUnlessSafe(setting.context, 'backup', target.database);
          const progress = progressLine(`Backing up ${printable(target.database)}`, { verbose: Boolean(flags.verbose) });
          started = Date.now();
          try {
            manifest = await takeProtectiveCopy(setting.store, target, {
              trigger: flags.scheduled ? 'scheduled' : 'manual',
              label: flags.label ?? null,
              progress: progress.sink,
              mode: flagMode ?? copyModeOf(setting.context.config.config, 'backup'),
              terminateConnections: flags.terminateConnections === true,
              askToTerminate: question,
              say: (line) => process.stderr.write(`dbsafe: ${printable(line, { lineBreaks: true })}\n`),
            });
          } finally {
            progress.done();
          }
        } catch (error) {
          // Nobody reads cron's log: a scheduled run that fails tells whoever the project configured, then fails as before.
          if (flags.scheduled) {
            const { sendNotification } = await import('../../notify/send.js');
            await sendNotification(setting.context, 'backup-failed', {
              database: setting.target ? describeTarget(setting.target) : null,
              message: error instanceof Error ? error.message : String(error),
            });
          }
          throw error;
        }
        // The time the person took to answer a question is not the backup's.
        const seconds = () => ((Date.now() - started - (question?.waitedMs() ?? 0)) / 1000).toFixed(1);
        if (flags.json) {
          printJson({ ...manifest, path: path.join(setting.store.dir, manifest.file) });
          return;
        }
        if (manifest.snapshot) {
          process.stdout.write(`${printable(snapshotMessages.snapshotTaken(describeTarget(target), manifest, seconds()))}\n`);
          return;
        }
        const where = path.relative(process.cwd(), path.join(setting.store.dir, manifest.file)) || manifest.file;
        process.stdout.write(
          `${printable(`Backed up ${describeTarget(target)} to ${where} (${formatBytes(manifest.size)}, verified, ${seconds()} s).`)}\n`,
        );
      }));
}
