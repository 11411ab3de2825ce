import { findProject } from '../config/project.js';
import { scheduleStatus, type ScheduleStatus } from '../schedule/schedule.js';
import { AGENT_NAMES, agentHookInstalled, type AgentName } from './agents.js';
import { integrationsDisabled } from './escape-hatch.js';
import { gitHookStatus, type GitHookStatus } from './git-hooks.js';
import { userLocations } from './locations.js';
import { npmLifecycleInstalled } from './npm-lifecycle.js';
import { SHELL_NAMES, shellStatus, type ShellStatus } from './shells.js';
import { shimStatus, type ShimStatus } from './shims.js';

export interface IntegrationStatus {
  /** DBSAFE=0 is set (and no agent detected): every integration stands aside. */
  disabledByEnvironment: boolean;
  gitHooks: GitHookStatus & { active: boolean };
  shells: ShellStatus[];
  shims: ShimStatus;
  npmLifecycle: string[];
  agents: { agent: AgentName; installed: boolean }[];
  /** This project's scheduled backups (`dbsafe schedule`). */
  schedule: ScheduleStatus;
}

/** What is installed, and whether it can act, for `dbsafe status`. */
export function integrationStatus(projectDir: string, env: Record<string, string | undefined>): IntegrationStatus {
  const where = userLocations(env);
  const hooks = gitHookStatus(projectDir);
  return {
    disabledByEnvironment: integrationsDisabled(env),
    gitHooks: { ...hooks, active: hooks.installed.length > 0 && (hooks.hooksPath === '.husky/_' || hooks.hooksPath === '.husky') },
    shells: SHELL_NAMES.map((shell) => shellStatus(shell, where)),
    shims: shimStatus(where, env.PATH ?? ''),
    npmLifecycle: npmLifecycleInstalled(projectDir),
    agents: AGENT_NAMES.map((agent) => ({ agent, installed: agentHookInstalled(agent, projectDir) })),
    schedule: scheduleStatus(findProject(projectDir).root),
  };
}
