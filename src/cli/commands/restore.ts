import type { Command } from 'commander';
import { stopCleanlyOnSignal } from '../interrupt.js';
import { printable } from '../../printable.js';
import { printJson } from '../output.js';
import type { CommandSpec } from '../command-spec.js';

interface RestoreFlags {
  yes?: boolean;
  url?: string;
  json?: boolean;
  verbose?: boolean;
  mode?: string;
  identity?: string;
  fromOffsite?: string | boolean;
}

const DESCRIPTION = 'restore a backup or snapshot (checksum first, safety copy of the current state, all-or-nothing)';
const BACKUP_ARGUMENT = 'a backup id from `dbsafe list`, a backup file, or "latest"';
const OPTIONS = {
  yes: 'do not ask for confirmation (required without a terminal)',
  url: 'the database to restore into, instead of the configured one',
  identity: 'the age identity (secret key file) that reads age-encrypted backups (or DBSAFE_AGE_IDENTITY_FILE)',
  json: 'print the result as JSON',
  mode: 'snapshot or auto: keep the replaced database on the server as the safety copy where it has room; dump: a file backup first (default: the "mode" setting, else auto)',
  verbose: 'show progress totals even without a terminal',
};

export function register(program: Command): void {
  program
    .command('restore')
    .argument('[backup]', BACKUP_ARGUMENT, 'latest')
    .description(DESCRIPTION)
    .option('--yes', OPTIONS.yes)
    .option('--url <url>', OPTIONS.url)
    .option('--identity <file>', OPTIONS.identity)
    .option('--from-offsite [id]', 'fetch the backup (an id, or "latest") from the offsite remotes first, its checksum verified')
    .option('--json', OPTIONS.json)
    .option('--mode <mode>', OPTIONS.mode)
    .option('--verbose', OPTIONS.verbose)
    .action((selector: string, flags: RestoreFlags) => restore(selector, flags));
}

/**
 * The common forms (`restore ID --yes`, a snapshot's rename swap measured in
 * milliseconds) run without loading commander; --from-offsite, help and
 * anything unusual go through commander (register above).
 */
export const spec: CommandSpec<{ yes?: boolean; url?: string; identity?: string; json?: boolean; mode?: string; verbose?: boolean }> = {
  name: 'restore',
  description: DESCRIPTION,
  words: { name: 'backup', description: BACKUP_ARGUMENT, max: 1 },
  options: [
    { name: 'yes', description: OPTIONS.yes },
    { name: 'url', value: 'url', description: OPTIONS.url },
    { name: 'identity', value: 'file', description: OPTIONS.identity },
    { name: 'json', description: OPTIONS.json },
    { name: 'mode', value: 'mode', description: OPTIONS.mode },
    { name: 'verbose', description: OPTIONS.verbose },
  ],
  action: (words, options) => restore(words[0] ?? 'latest', options),
};

function restore(selector: string, flags: RestoreFlags): Promise<void> {
  return stopCleanlyOnSignal(async () => {
    const [{ backupCommandSetting, requireTarget, refuseUnlessSafe }, store, { storeMessages }, { progressLine }, { describeTarget }, { parseCopyMode, restoreCopyMode }, { snapshotMessages }] =
      await Promise.all([
        import('../backup-target.js'),
        import('../../store/restore-backup.js'),
        import('../../store/messages.js'),
        import('../progress.js'),
        import('../../target/describe.js'),
        import('../../store/copy-mode.js'),
        import('../../store/snapshot-messages.js'),
      ]);
    const flagMode = parseCopyMode(flags.mode, snapshotMessages.invalidMode);
    const setting = await backupCommandSetting(flags.url, flags.identity);
    const target = requireTarget(setting);
    // The safety check (a connection to the database) runs while the lock is taken and the backup found and
    // its checksum proved: nothing is touched before it passed, and its refusal wins over any other error.
    const safe = refuseUnlessSafe(setting.context, 'restore', target.database);
    safe.catch(() => undefined);
    let result;
    try {
      if (!flags.yes && (!process.stdin.isTTY || !process.stdout.isTTY)) {
        throw storeMessages.needsYes(`Restoring ${selector === 'latest' ? 'the latest backup' : selector} into ${target.database}`);
      }
      if (flags.fromOffsite !== undefined) {
        await safe;
        const wanted = typeof flags.fromOffsite === 'string' ? flags.fromOffsite : selector;
        const { fetchFromOffsite } = await import('../../offsite/fetch.js');
        const fetched = await fetchFromOffsite(setting.store, wanted, target);
        process.stderr.write(`${printable(`Fetched ${fetched.backup.manifest.id} from ${fetched.remote} (sha256 verified).`)}\n`);
        selector = fetched.backup.manifest.id;
      }
      // The backup is picked once the lock is held: "latest" is then the newest, a backup finished while this waited included.
      const release = await store.lockForRestore(setting.store, target, (holder) => process.stderr.write(storeMessages.waitingForLock(target.database, holder)));
      try {
        const backup = await store.findBackup(setting.store, selector, target);
        store.assertSameEngine(backup, target);
        const shownId = printable(backup.manifest.id);
        const mode = restoreCopyMode(flagMode, setting.context.config.config);
        // Where the restore's own read of the file proves its checksum, only its size is checked now (a missing or truncated file fails here).
        const provedLater = store.checksumProvedDuringRestore(backup, mode);
        if (provedLater) await store.verifySize(backup);
        else {
          const checking = progressLine(`Checking ${shownId}`, { verbose: Boolean(flags.verbose) });
          try {
            await store.verifyChecksum(backup, checking.sink);
          } finally {
            checking.done();
          }
        }
        await safe;
        // No key or the wrong key for an encrypted backup: say so before asking anything.
        if (backup.manifest.encryption) await (await import('../../store/encrypted.js')).assertReadable(setting.store, backup);
        if (!flags.yes) {
          const question = printable(`Replace ${describeTarget(target)} with backup ${backup.manifest.id} (taken ${backup.manifest.createdAt})? A safety backup of its current state is taken first.`);
          const prompts = (await import('prompts')).default;
          const answer = (await prompts({ type: 'confirm', name: 'ok', message: question, initial: false })) as { ok?: boolean };
          if (answer.ok !== true) throw storeMessages.declined();
        }
        const progress = progressLine(`Restoring ${shownId}`, { verbose: Boolean(flags.verbose) });
        try {
          result = await store.restoreBackup(setting.store, target, backup, { progress: progress.sink, checksumVerified: !provedLater, lockHeld: true, mode });
        } finally {
          progress.done();
        }
      } finally {
        await release();
      }
    } catch (error) {
      await safe;
      throw error;
    }
    if (result.note) process.stderr.write(`dbsafe: ${printable(result.note)}\n`);
    if (flags.json) {
      printJson({ restored: result.restored, safetyBackup: result.safetyBackup, target: target.database });
      return;
    }
    process.stdout.write(`${printable(snapshotMessages.restored(result.restored, describeTarget(target), result.safetyBackup))}\n`);
  });
}
