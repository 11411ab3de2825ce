import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { InstallPlan } from '../../install.js';
import { AGENT_NAMES, AGENTS, isAgentName, type AgentName } from './agents.js';
import { integrationMessages } from './messages.js';
import { SHELL_NAMES, isShellName, type ShellName } from './shells.js';

/** The piece flags as commander hands them over (`--shell` alone is `true`, `--shell=zsh,fish` a string). */
export interface PieceFlags {
  hooks?: boolean;
  shell?: boolean | string;
  shims?: boolean;
  npm?: boolean;
  agent?: boolean | string;
  /** uninstall only: scheduled backups in the crontab. */
  cron?: boolean;
}

export function anyPieceFlag(flags: PieceFlags): boolean {
  return [flags.hooks, flags.shell, flags.shims, flags.npm, flags.agent, flags.cron].some((flag) => flag !== undefined && flag !== false);
}

function parseList<T extends string>(value: string, valid: (name: string) => name is T, unknown: (name: string) => string): T[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const bad = names.find((name) => !valid(name));
  if (bad !== undefined) throw new Error(unknown(bad));
  return [...new Set(names as T[])];
}

/** The user's login shell if dbsafe supports it, else bash. */
export function defaultShells(env: Record<string, string | undefined>): ShellName[] {
  const login = path.basename(env.SHELL ?? '');
  return [isShellName(login) ? login : 'bash'];
}

/** Agents the project already has a settings directory for. */
export function detectedAgents(projectDir: string): AgentName[] {
  return AGENT_NAMES.filter((agent) => existsSync(path.join(projectDir, path.dirname(AGENTS[agent].file))));
}

/** What `dbsafe install --yes` (and the prompt's preselection) installs. */
export function defaultPlan(projectDir: string, env: Record<string, string | undefined>): InstallPlan {
  return { hooks: true, shells: defaultShells(env), shims: false, npm: false, agents: detectedAgents(projectDir) };
}

/** The plan the flags ask for, pure but for the agent directory check; throws a plain Error with the fix on a bad name. */
export function planFromFlags(flags: PieceFlags, projectDir: string, env: Record<string, string | undefined>): InstallPlan {
  const shells =
    flags.shell === undefined || flags.shell === false
      ? []
      : flags.shell === true
        ? defaultShells(env)
        : parseList(flags.shell, isShellName, integrationMessages.unknownShell);
  const agents =
    flags.agent === undefined || flags.agent === false
      ? []
      : flags.agent === true
        ? detectedAgents(projectDir).length > 0
          ? detectedAgents(projectDir)
          : ['claude' as const]
        : parseList(flags.agent, isAgentName, integrationMessages.unknownAgent);
  return { hooks: flags.hooks === true, shells, shims: flags.shims === true, npm: flags.npm === true, agents, cron: flags.cron === true };
}

/** For uninstall: the named pieces, every shell and agent when a flag names none. */
export function uninstallPlanFromFlags(flags: PieceFlags, projectDir: string, env: Record<string, string | undefined>): InstallPlan {
  const plan = planFromFlags(flags, projectDir, env);
  if (flags.shell === true) plan.shells = [...SHELL_NAMES];
  if (flags.agent === true) plan.agents = [...AGENT_NAMES];
  return plan;
}

/** The first executable `name` in the directories of `pathVariable`, or null: "is this shell installed?" */
export function findOnPath(name: string, pathVariable: string | undefined): string | null {
  for (const dir of (pathVariable ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here; try the next directory.
    }
  }
  return null;
}
