import path from 'node:path';
import type { Command } from 'commander';
import { DbsafeError, isDbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import type { InstallPlan, InstallReport } from '../../../install.js';
import type { PieceFlags } from '../../integrations/install-plan.js';

interface InstallOptions extends PieceFlags {
  yes?: boolean;
  json?: boolean;
}

/** Shared by install and uninstall: the piece flags. */
export function pieceOptions(command: Command): Command {
  return command
    .option('--hooks', 'git hooks (husky): pre-commit checks, pre-push runs the tests through dbsafe')
    .option('--shell [shells]', 'shell functions for bash, zsh, fish (default: your login shell)')
    .option('--shims', 'PATH shims for scripts, IDEs and agents that read no shell rc file')
    .option('--npm', 'npm lifecycle: "dbsafe guard" before the test, migrate and db:* scripts')
    .option('--agent [agents]', 'AI agent hooks: claude, codex, cursor, gemini (default: those the project has settings for)')
    .option('--json', 'print what changed as JSON');
}

export function printReport(report: InstallReport, json: boolean | undefined, verb: string): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const changed = report.changes.filter((change) => change.action !== 'unchanged');
  if (changed.length === 0) process.stdout.write(`dbsafe ${verb}: nothing to change.\n`);
  for (const line of summariseChanges(changed)) process.stdout.write(`  ${line.action.padEnd(8)} ${line.what}\n`);
  for (const note of report.notes) process.stdout.write(`\n${note}\n`);
}

/** More changes than this in one directory with one action are one line ("created  113 files in …/shims"). */
const SUMMARY_THRESHOLD = 5;

/**
 * The lines install and uninstall print: one per file, but one per
 * directory for many files alike (the shims), so the notes after them stay
 * on screen. Pure.
 */
export function summariseChanges(changes: ReadonlyArray<{ file: string; action: string }>): Array<{ action: string; what: string }> {
  const groups = new Map<string, string[]>();
  for (const change of changes) {
    const key = `${change.action}\u0000${path.dirname(change.file)}`;
    groups.set(key, [...(groups.get(key) ?? []), change.file]);
  }
  const lines: Array<{ action: string; what: string }> = [];
  const printed = new Set<string>();
  for (const change of changes) {
    const key = `${change.action}\u0000${path.dirname(change.file)}`;
    const files = groups.get(key)!;
    if (files.length <= SUMMARY_THRESHOLD) lines.push({ action: change.action, what: change.file });
    else if (!printed.has(key)) {
      printed.add(key);
      lines.push({ action: change.action, what: `${files.length} files in ${path.dirname(change.file)}` });
    }
  }
  return lines;
}

async function askForPlan(defaults: InstallPlan): Promise<InstallPlan | null> {
  const { default: prompts } = await import('prompts');
  const { SHELL_NAMES } = await import('../../integrations/shells.js');
  const { AGENT_NAMES } = await import('../../integrations/agents.js');
  const { pieces } = (await prompts({
    type: 'multiselect',
    name: 'pieces',
    message: 'What should dbsafe install?',
    instructions: false,
    hint: 'space to toggle, enter to confirm',
    choices: [
      { title: 'git hooks (pre-commit checks, pre-push tests through dbsafe)', value: 'hooks', selected: defaults.hooks },
      ...SHELL_NAMES.map((shell) => ({ title: `${shell} shell functions`, value: `shell:${shell}`, selected: defaults.shells.includes(shell) })),
      { title: 'PATH shims (scripts, IDEs, agents)', value: 'shims', selected: defaults.shims },
      { title: 'npm lifecycle ("dbsafe guard" before test/migrate scripts)', value: 'npm', selected: defaults.npm },
      ...AGENT_NAMES.map((agent) => ({ title: `${agent} agent hook`, value: `agent:${agent}`, selected: defaults.agents.includes(agent) })),
    ],
  })) as { pieces?: string[] };
  if (!pieces) return null;
  return {
    hooks: pieces.includes('hooks'),
    shells: SHELL_NAMES.filter((shell) => pieces.includes(`shell:${shell}`)),
    shims: pieces.includes('shims'),
    npm: pieces.includes('npm'),
    agents: AGENT_NAMES.filter((agent) => pieces.includes(`agent:${agent}`)),
  };
}

export function register(program: Command): void {
  pieceOptions(program.command('install').description('set up git hooks, shell functions, shims, npm lifecycle and agent hooks (idempotent)'))
    .option('-y, --yes', 'do not ask: install the defaults (or exactly the pieces named)')
    .action(async (options: InstallOptions) => {
      const { install } = await import('../../../install.js');
      const plan = await import('../../integrations/install-plan.js');
      const { integrationMessages } = await import('../../integrations/messages.js');
      const projectDir = process.cwd();
      let chosen: InstallPlan | null;
      try {
        if (plan.anyPieceFlag(options)) chosen = plan.planFromFlags(options, projectDir, process.env);
        else if (options.yes) chosen = plan.defaultPlan(projectDir, process.env);
        else if (process.stdin.isTTY && process.stdout.isTTY) chosen = await askForPlan(plan.defaultPlan(projectDir, process.env));
        else throw new DbsafeError('install-nothing-chosen', integrationMessages.noPiecesChosen, ExitCode.usage);
      } catch (error) {
        if (isDbsafeError(error)) throw error;
        throw new DbsafeError('install-bad-flag', (error as Error).message, ExitCode.usage);
      }
      if (!chosen) {
        process.exitCode = ExitCode.failure;
        return;
      }
      const report = await install(chosen, { projectDir, env: process.env });
      if (chosen.shims) report.notes.push(integrationMessages.shimsNotOnPath((await import('../../integrations/locations.js')).userLocations(process.env).shimDir));
      if (chosen.shells.length > 0 && report.changes.some((c) => c.action !== 'unchanged')) report.notes.push(integrationMessages.shellReload(chosen.shells));
      const { findOnPath } = await import('../../integrations/install-plan.js');
      for (const shell of chosen.shells) if (!findOnPath(shell, process.env.PATH)) report.notes.push(integrationMessages.shellNotInstalled(shell));
      printReport(report, options.json, 'install');
    });
}
