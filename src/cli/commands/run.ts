import type { Command } from 'commander';
import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';

interface RunOptions {
  backup: boolean;
  restoreAfter?: boolean;
  label?: string;
  url?: string;
  mode?: string;
  terminateConnections?: boolean;
}

export function register(program: Command): void {
  // Options after the command word belong to the command (`dbsafe run npm test --force`), never to dbsafe.
  program.enablePositionalOptions();
  program
    .command('run')
    .description('run CMD; when the command rules guard it (see dbsafe explain), first check the database is not production and back it up; exits with CMD’s code')
    .usage('[options] -- CMD [ARGS...]')
    .argument('[command...]', 'the command to run, exactly as you would type it')
    .option('--no-backup', 'check only, do not back up')
    .option('--restore-after', 'restore the pre-run backup when CMD ends, whatever its result (backs up even when the rules call CMD safe)')
    .option('--label <label>', 'label for the backup (backs up even when the rules call CMD safe)')
    .option('--url <url>', 'the database to guard, instead of DATABASE_URL and friends')
    .option('--mode <mode>', 'snapshot, dump or auto: how the database is protected (default: the "mode" setting, else auto: a snapshot where the server allows, else a file backup)')
    .option('--terminate-connections', 'end the sessions that keep a snapshot from being taken (never for an agent)')
    .passThroughOptions()
    .action(async (command: string[], options: RunOptions) => {
      const { runMessages } = await import('../../run/messages.js');
      if (command.length === 0 || command[0] === '') throw new DbsafeError('usage', runMessages.usage(), ExitCode.usage);
      if (options.restoreAfter && !options.backup) throw new DbsafeError('usage', runMessages.noBackupToRestore(), ExitCode.usage);
      const [{ runAsRulesDecide }, { parseCopyMode }, { snapshotMessages }] = await Promise.all([
        import('../../run/guarded-run.js'),
        import('../../store/copy-mode.js'),
        import('../../store/snapshot-messages.js'),
      ]);
      // Test isolation restores after every run: a snapshot (a rename) wherever the server allows one.
      const mode = parseCopyMode(options.mode, snapshotMessages.invalidMode) ?? (options.restoreAfter ? 'auto' : undefined);
      process.exitCode = await runAsRulesDecide(
        {
          argv: command,
          commandLine: command,
          cwd: process.cwd(),
          env: process.env,
          flagUrl: options.url,
          label: options.label,
          ...(mode ? { mode } : {}),
          terminateConnections: options.terminateConnections === true,
          backup: !options.backup ? 'never' : options.restoreAfter ? 'always' : 'unless-nested',
          restoreAfter: options.restoreAfter === true,
          explicitBackup: options.restoreAfter === true || options.label !== undefined,
        },
        // Loaded only for a guarded command: a command the rules call safe starts at once.
        async () => (await import('../../run/real-steps.js')).realGuardSteps,
      );
    });
}
