import type { Command } from 'commander';
import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';

const MARKERS = ['production', 'development'] as const;

export function register(program: Command): void {
  program
    .command('mark')
    .description('write the environment marker inside the database: production makes dbsafe refuse it from anywhere')
    .argument('<environment>', MARKERS.join(' or '))
    .option('--url <url>', 'mark this database instead of the configured one')
    .action(async (environment: string, options: { url?: string }) => {
      if (!(MARKERS as readonly string[]).includes(environment)) {
        throw new DbsafeError('mark-unknown', `"${environment}" is not an environment dbsafe marks. Use \`dbsafe mark production\` or \`dbsafe mark development\`.`, ExitCode.usage);
      }
      const { markDatabase } = await import('../../safety/mark.js');
      const { out } = await import('../output.js');
      const message = await markDatabase({
        cwd: process.cwd(),
        env: process.env,
        flagUrl: options.url,
        marker: environment as (typeof MARKERS)[number],
        interactive: Boolean(process.stdin.isTTY),
      });
      process.stdout.write(`${out.green('✓')} ${message}\n`);
    });
}
