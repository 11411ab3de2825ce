import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LAUNCH_AGENT_PREFIX, readLaunchAgentNote, type LaunchAgent } from './launchd-plist.js';
import { scheduleMessages } from './messages.js';

/** Where a user's LaunchAgents live (launchd.plist(5)). */
export function launchAgentsDir(home: string): string {
  return path.join(home, 'Library', 'LaunchAgents');
}

/** The user's GUI domain, where LaunchAgents of a logged-in user run. */
function domain(): string {
  return `gui/${process.getuid?.() ?? 501}`;
}

function runLaunchctl(args: string[]): { status: number; stderr: string } {
  const result = spawnSync('launchctl', args, { encoding: 'utf8' });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === 'ENOENT') throw scheduleMessages.noLaunchctl();
    throw scheduleMessages.launchctlFailed(args.join(' '), result.error.message);
  }
  return { status: result.status ?? 1, stderr: (result.stderr ?? '').trim() };
}

export interface InstalledLaunchAgent {
  file: string;
  label: string;
  project: string;
  every: string;
  plist: string;
}

/** Every LaunchAgent dbsafe wrote for this user (files of other programs are never read further). */
export function installedLaunchAgents(home: string): InstalledLaunchAgent[] {
  const dir = launchAgentsDir(home);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.startsWith(LAUNCH_AGENT_PREFIX) && name.endsWith('.plist'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const file = path.join(dir, name);
    let plist: string;
    try {
      plist = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    const note = readLaunchAgentNote(plist);
    return note ? [{ file, label: name.slice(0, -'.plist'.length), plist, ...note }] : [];
  });
}

export type AgentChange = 'created' | 'updated' | 'unchanged';

/**
 * Write the project's LaunchAgent and (re)load it: `launchctl bootout` of the
 * old definition (absent is fine), then `launchctl bootstrap`. A failed
 * bootstrap removes the file again, so nothing half-installed stays.
 */
export function installLaunchAgent(home: string, agent: LaunchAgent): AgentChange {
  const file = path.join(launchAgentsDir(home), `${agent.label}.plist`);
  const existing = installedLaunchAgents(home).find((installed) => installed.label === agent.label);
  if (existing && existing.plist === agent.plist && launchAgentLoaded(agent.label)) return 'unchanged';
  mkdirSync(launchAgentsDir(home), { recursive: true });
  writeFileSync(file, agent.plist, { mode: 0o644 });
  runLaunchctl(['bootout', `${domain()}/${agent.label}`]);
  const loaded = runLaunchctl(['bootstrap', domain(), file]);
  if (loaded.status !== 0) {
    rmSync(file, { force: true });
    throw scheduleMessages.launchctlFailed(`bootstrap ${domain()} ${file}`, loaded.stderr);
  }
  return existing ? 'updated' : 'created';
}

/** Unload and delete the LaunchAgent of `project` (of every project when null): whether any was removed. */
export function removeLaunchAgents(home: string, project: string | null): boolean {
  const agents = installedLaunchAgents(home).filter((agent) => project === null || agent.project === project);
  for (const agent of agents) {
    runLaunchctl(['bootout', `${domain()}/${agent.label}`]);
    rmSync(agent.file, { force: true });
  }
  return agents.length > 0;
}

/** Whether launchd has the agent loaded; null where launchctl cannot be asked. */
export function launchAgentLoaded(label: string): boolean | null {
  try {
    return runLaunchctl(['print', `${domain()}/${label}`]).status === 0;
  } catch {
    return null;
  }
}
