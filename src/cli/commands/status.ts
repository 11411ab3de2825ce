import type { Command } from 'commander';
import type { IntegrationStatus } from '../../integrations/status.js';

function renderSchedule(schedule: IntegrationStatus['schedule']): string {
  if (!schedule.available) return `unknown: ${schedule.reason}`;
  if (!schedule.scheduled) return 'no (dbsafe schedule --every 6h sets it up)';
  const daemon = schedule.cronDaemonRunning === false ? '; NO cron daemon running' : '';
  return `every ${schedule.every} (${schedule.cron ?? 'unreadable'})${schedule.nextRun ? `, next ${schedule.nextRun}` : ''}${daemon}`;
}

function render(status: IntegrationStatus): string {
  const yes = (flag: boolean) => (flag ? 'yes' : 'no');
  const hooks = status.gitHooks;
  const lines = [
    `git hooks:     ${
      !hooks.repository
        ? 'not a git repository'
        : hooks.installed.length === 0
          ? `not installed${hooks.manager !== 'none' && hooks.manager !== 'husky' ? ` (hook manager: ${hooks.manager})` : ''}`
          : `${hooks.installed.join(', ')} in .husky; ${hooks.active ? 'active' : `INACTIVE: core.hooksPath is ${hooks.hooksPath ?? 'unset'} (run dbsafe install --hooks)`}`
    }`,
    ...status.shells.map((s) => `${`${s.shell} shell:`.padEnd(15)}${s.installed ? `installed (${s.file})` : 'not installed'}`),
    `shims:         ${
      status.shims.installed === 0
        ? 'not installed'
        : `${status.shims.installed} in ${status.shims.dir}; on this PATH: ${yes(status.shims.onPath)}; in ~/.profile / ~/.zshenv: ${yes(status.shims.activated)}`
    }`,
    `npm lifecycle: ${status.npmLifecycle.length === 0 ? 'not installed' : status.npmLifecycle.join(', ')}`,
    ...status.agents.map((a) => `${`${a.agent} hook:`.padEnd(15)}${a.installed ? 'installed' : 'not installed'}`),
    `scheduled:     ${renderSchedule(status.schedule)}`,
  ];
  if (status.disabledByEnvironment) lines.push('', 'DBSAFE=0 is set: the shell functions, shims and git hooks stand aside in this environment.');
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('status')
    .description('which integrations are installed and active: git hooks, shell functions, shims, npm lifecycle, agent hooks, scheduled backups')
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }) => {
      const { integrationStatus } = await import('../../integrations/status.js');
      const status = integrationStatus(process.cwd(), process.env);
      process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : render(status));
    });
}
