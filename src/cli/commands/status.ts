import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('status')
    .description('which integrations are installed and active: git hooks, shell functions, shims, npm lifecycle, agent hooks, scheduled backups')
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }) => {
      const [{ integrationStatus }, { integrationStatusLines, statusMessages }] = await Promise.all([
        import('../../integrations/status.js'),
        import('../../integrations/messages.js'),
      ]);
      const status = integrationStatus(process.cwd(), process.env);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        return;
      }
      const lines = integrationStatusLines(status);
      if (status.disabledByEnvironment) lines.push('', statusMessages.disabledByEnvironment);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
