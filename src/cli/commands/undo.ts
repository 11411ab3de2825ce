import type { Command } from 'commander';
import { stopCleanlyOnSignal } from '../interrupt.js';
import { printable } from '../../printable.js';
import { printJson } from '../output.js';

interface UndoFlags {
  yes?: boolean;
  list?: boolean;
  url?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('undo')
    .argument('[id]', 'a step from `dbsafe undo --list` (default: the most recent)')
    .description('put the database back as it was just before the most recent guarded command (or restore), showing what ran first')
    .option('--yes', 'do not ask for confirmation (required without a terminal)')
    .option('--list', 'show the recent guarded commands and restores that can be undone')
    .option('--url <url>', 'the database to put back, instead of the configured one')
    .option('--json', 'print the result as JSON')
    .action((id: string | undefined, flags: UndoFlags) =>
      stopCleanlyOnSignal(async () => {
        const [{ backupCommandSetting, requireTarget, refuseUnlessSafe }, store, { listBackups }, { undoSteps, pickUndoStep }, { undoMessages }, { describeTarget, describeLocation }, audit, { backupDatabaseName }] =
          await Promise.all([
            import('../backup-target.js'),
            import('../../store/restore-backup.js'),
            import('../../store/files.js'),
            import('../../store/undo.js'),
            import('../../store/undo-messages.js'),
            import('../../target/describe.js'),
            import('../../audit/log.js'),
            import('../../store/naming.js'),
          ]);
        const setting = await backupCommandSetting(flags.url);
        const target = requireTarget(setting);
        const where = describeTarget(target);
        const stepsNow = async () => {
          const manifests = (await listBackups(setting.store)).map((b) => b.manifest);
          const entries = audit.readAuditLog(audit.auditLogPath(setting.context.projectRoot, setting.context.config.config.backupDir)).entries;
          return undoSteps(manifests, entries, { engine: target.engine, location: describeLocation(target), database: backupDatabaseName(target) });
        };
        if (flags.list) {
          const steps = await stepsNow();
          if (flags.json) return printJson(steps);
          process.stdout.write(`${printable(steps.length === 0 ? undoMessages.emptyList(where) : [undoMessages.listHeader(where), ...steps.map(undoMessages.listLine)].join('\n'), { lineBreaks: true })}\n`);
          return;
        }
        // Like restore: never onto what looks like production.
        await refuseUnlessSafe(setting.context, 'restore', target.database);
        if (!flags.yes && (!process.stdin.isTTY || !process.stdout.isTTY)) {
          const step = pickUndoStep(await stepsNow(), id);
          if (step) process.stderr.write(`${printable(undoMessages.plan(step, where), { lineBreaks: true })}\n`);
          throw undoMessages.needsYes();
        }
        const release = await store.lockForRestore(setting.store, target);
        let result;
        try {
          // A restore killed after its swap left the replaced database: adopted as a safety copy first, so it can be undone to.
          await (await import('../../store/snapshot-store.js')).tidySnapshotLeftovers(setting.store, target);
          // Picked once the lock is held: a guarded command that finished meanwhile is the one undone.
          const step = pickUndoStep(await stepsNow(), id);
          if (!step) throw id === undefined ? undoMessages.nothing(where) : undoMessages.unknownStep(id);
          process.stderr.write(`${printable(undoMessages.plan(step, where), { lineBreaks: true })}\n`);
          if (!flags.yes) {
            const prompts = (await import('prompts')).default;
            const answer = (await prompts({ type: 'confirm', name: 'ok', message: undoMessages.question(), initial: false })) as { ok?: boolean };
            if (answer.ok !== true) throw (await import('../../store/messages.js')).storeMessages.declined();
          }
          const backup = await store.findBackup(setting.store, step.manifest.id, target);
          const { restoreCopyMode } = await import('../../store/copy-mode.js');
          result = await store.restoreBackup(setting.store, target, backup, { lockHeld: true, mode: restoreCopyMode(undefined, setting.context.config.config) });
        } finally {
          await release();
        }
        if (result.note) process.stderr.write(`dbsafe: ${printable(result.note)}\n`);
        if (flags.json) return printJson({ restored: result.restored, safetyBackup: result.safetyBackup, target: target.database });
        const { snapshotMessages } = await import('../../store/snapshot-messages.js');
        process.stdout.write(`${printable(snapshotMessages.restored(result.restored, where, result.safetyBackup))}\n`);
      }));
}
