import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('check')
    .description('show which databases the project names and judge them: exit 0 safe, 3 refused, 2 unusable configuration')
    .option('--json', 'print the verdict as JSON (see README, "check --json")')
    .option('--offline', 'judge the configuration only, without connecting (no marker, standby or read-only check)')
    .option('--url <url>', 'judge this database URL first, before the environment')
    .action(async (options: { json?: boolean; offline?: boolean; url?: string }) => {
      const { assessDirectory } = await import('../safety/assess.js');
      const assessment = await assessDirectory({ cwd: process.cwd(), env: process.env, flagUrl: options.url, offline: options.offline });
      if (options.json) {
        const { buildCheckReport } = await import('../safety/report.js');
        const { printJson } = await import('./output.js');
        printJson(buildCheckReport(assessment));
      } else {
        const { renderCheck } = await import('../safety/render.js');
        const { out } = await import('./output.js');
        process.stdout.write(renderCheck(assessment, out));
      }
      process.exitCode = assessment.verdict.exitCode;
    });
}
