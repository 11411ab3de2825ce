import type { Command } from 'commander';
import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { pieceOptions, printReport } from './install.js';
import type { PieceFlags } from '../../integrations/install-plan.js';

export function register(program: Command): void {
  pieceOptions(program.command('uninstall').description('remove everything dbsafe install added, and every scheduled backup (or only the pieces named)'))
    .option('--cron', 'scheduled backups (`dbsafe schedule`) of every project, from your crontab and ~/Library/LaunchAgents')
    .action(
    async (options: PieceFlags & { json?: boolean }) => {
      const { uninstall, FULL_PLAN } = await import('../../../install.js');
      const plan = await import('../../integrations/install-plan.js');
      let chosen;
      try {
        chosen = plan.anyPieceFlag(options) ? plan.uninstallPlanFromFlags(options, process.cwd(), process.env) : FULL_PLAN;
      } catch (error) {
        throw new DbsafeError('install-bad-flag', (error as Error).message, ExitCode.usage);
      }
      const report = await uninstall(chosen, { projectDir: process.cwd(), env: process.env });
      const { integrationMessages } = await import('../../integrations/messages.js');
      const removedShellPieces = (chosen.shells.length > 0 || chosen.shims) && report.changes.some((change) => change.action !== 'unchanged');
      if (removedShellPieces) report.notes.push(integrationMessages.afterUninstall);
      printReport(report, options.json, 'uninstall');
    },
  );
}
