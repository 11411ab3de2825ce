/**
 * The installer's entry: `dbsafe install` and `dbsafe uninstall` call these.
 * Each piece is a row of PIECES with an install and an uninstall step; every
 * step is idempotent and writes only marked blocks, dbsafe's own files, or
 * JSON entries recognisable as dbsafe's, so uninstall removes exactly them.
 */
import { AGENT_NAMES, installAgentHook, uninstallAgentHook, type AgentName } from './src/integrations/agents.js';
import { removeEmptyDirs, type FileChange } from './src/integrations/files.js';
import { installGitHooks, uninstallGitHooks } from './src/integrations/git-hooks.js';
import { userLocations, type UserLocations } from './src/integrations/locations.js';
import { installNpmLifecycle, uninstallNpmLifecycle } from './src/integrations/npm-lifecycle.js';
import { SHELL_NAMES, installShell, uninstallShell, type ShellName } from './src/integrations/shells.js';
import { installShims, uninstallShims } from './src/integrations/shims.js';
import { uninstallSchedules } from './src/schedule/uninstall.js';
import { removeStateDirectory } from './src/integrations/state-directory.js';

export interface InstallPlan {
  hooks: boolean;
  shells: ShellName[];
  shims: boolean;
  npm: boolean;
  agents: AgentName[];
  /** Scheduled backups in the user's crontab: removed by uninstall only (`dbsafe schedule` creates them). */
  cron?: boolean;
  /** dbsafe's per-user state directory (consent codes, guard records): removed by a full uninstall only. */
  state?: boolean;
}

export interface InstallTarget {
  /** The project directory (git hooks, npm scripts and agent settings go here). */
  projectDir: string;
  env: Record<string, string | undefined>;
}

/** What a step did: files changed, and things the user has to know or do (another hook manager, PATH). */
export interface StepResult {
  changes: FileChange[];
  notes: string[];
}

export interface InstallReport {
  changes: FileChange[];
  notes: string[];
}

interface Piece {
  selected(plan: InstallPlan): boolean;
  install(plan: InstallPlan, target: InstallTarget, where: UserLocations): StepResult | Promise<StepResult>;
  uninstall(plan: InstallPlan, target: InstallTarget, where: UserLocations): StepResult | Promise<StepResult>;
}

const changesOnly = (changes: FileChange[]): StepResult => ({ changes, notes: [] });

const PIECES: Record<string, Piece> = {
  hooks: {
    selected: (plan) => plan.hooks,
    install: (_plan, target) => installGitHooks(target.projectDir, target.env),
    uninstall: (_plan, target) => uninstallGitHooks(target.projectDir, target.env),
  },
  shell: {
    selected: (plan) => plan.shells.length > 0,
    install: (plan, _target, where) => changesOnly(plan.shells.flatMap((shell) => installShell(shell, where))),
    uninstall: (plan, _target, where) => changesOnly(plan.shells.flatMap((shell) => uninstallShell(shell, where))),
  },
  shims: {
    selected: (plan) => plan.shims,
    install: (_plan, _target, where) => changesOnly(installShims(where, { activate: true })),
    uninstall: (_plan, _target, where) => changesOnly(uninstallShims(where)),
  },
  npm: {
    selected: (plan) => plan.npm,
    install: (_plan, target, where) => installNpmLifecycle(target.projectDir, where.journalDir),
    uninstall: (_plan, target, where) => uninstallNpmLifecycle(target.projectDir, where.journalDir),
  },
  agent: {
    selected: (plan) => plan.agents.length > 0,
    install: (plan, target, where) => changesOnly(plan.agents.flatMap((agent) => installAgentHook(agent, target.projectDir, where.journalDir))),
    uninstall: (plan, target, where) => changesOnly(plan.agents.flatMap((agent) => uninstallAgentHook(agent, target.projectDir, where.journalDir))),
  },
  cron: {
    selected: (plan) => plan.cron === true,
    install: () => changesOnly([]),
    uninstall: (_plan, _target, where) => uninstallSchedules(where.home),
  },
  state: {
    selected: (plan) => plan.state === true,
    install: () => changesOnly([]),
    uninstall: (_plan, target) => changesOnly(removeStateDirectory(target.env)),
  },
};

/** Everything, for `dbsafe uninstall` without flags. */
export const FULL_PLAN: InstallPlan = { hooks: true, shells: [...SHELL_NAMES], shims: true, npm: true, agents: [...AGENT_NAMES], cron: true, state: true };

async function runSteps(plan: InstallPlan, target: InstallTarget, step: 'install' | 'uninstall'): Promise<InstallReport> {
  const where = userLocations(target.env);
  const report: InstallReport = { changes: [], notes: [] };
  for (const piece of Object.values(PIECES)) {
    if (!piece.selected(plan)) continue;
    const result = await piece[step](plan, target, where);
    report.changes.push(...result.changes);
    report.notes.push(...result.notes);
  }
  if (step === 'uninstall') removeEmptyDirs(where.journalDir, where.home);
  return report;
}

export function install(plan: InstallPlan, target: InstallTarget): Promise<InstallReport> {
  return runSteps(plan, target, 'install');
}

export function uninstall(plan: InstallPlan, target: InstallTarget): Promise<InstallReport> {
  return runSteps(plan, target, 'uninstall');
}
