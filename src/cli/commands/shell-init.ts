import type { Command } from 'commander';
import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { integrationMessages } from '../../integrations/messages.js';

export function register(program: Command): void {
  program
    .command('shell-init')
    .description('print the shell functions that route database commands through dbsafe (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .action(async (shell: string) => {
      const { isShellName, renderShellInit } = await import('../../integrations/shells.js');
      const { userLocations } = await import('../../integrations/locations.js');
      if (!isShellName(shell)) throw new DbsafeError('shell-unknown', integrationMessages.unknownShell(shell), ExitCode.usage);
      process.stdout.write(renderShellInit(shell, userLocations(process.env).shimDir));
    });
}
