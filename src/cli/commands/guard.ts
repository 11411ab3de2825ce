import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('guard')
    .description('check the database and back it up without running anything (for npm pretest scripts and git hooks); exit 0, 3 or 4')
    .option('--label <label>', 'label for the backup')
    .option('--url <url>', 'the database to guard, instead of DATABASE_URL and friends')
    .action(async (options: { label?: string; url?: string }) => {
      const [{ guardOperation }, { realGuardSteps }] = await Promise.all([import('../../run/guard.js'), import('../../run/real-steps.js')]);
      const argv = ['dbsafe', 'guard', ...(options.label ? ['--label', options.label] : [])];
      const result = await guardOperation(
        { operation: 'guard', argv, cwd: process.cwd(), env: process.env, flagUrl: options.url, label: options.label, backup: 'unless-nested' },
        realGuardSteps,
      );
      if (result.kind === 'stopped') {
        process.exitCode = result.exitCode;
        return;
      }
      result.finish({ exitCode: 0 });
    });
}
