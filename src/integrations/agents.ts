import { existsSync } from 'node:fs';
import path from 'node:path';
import { removeEmptyDirs, type FileChange } from './files.js';
import { installJsonEdit, readJsonObject, uninstallJsonEdit, type JsonObject } from './json-file.js';

import { cliEntry } from '../package-root.js';
import { integrationMessages } from './messages.js';
import type { AgentName } from './names.js';

export { AGENT_NAMES, isAgentName, type AgentName } from './names.js';

/**
 * Where each agent reads project hooks and how the entry is shaped
 * (NOTES.md, "AI agent hooks"). `matcher` agents nest command hooks under a
 * tool matcher; Cursor lists commands directly under its event.
 */
interface AgentSetup {
  file: string;
  event: string;
  /** Tool name the hook is bound to; null for Cursor's shell-only event. */
  matcher: string | null;
  /** Top-level fields the file needs besides hooks (Cursor's schema version). */
  preamble?: JsonObject;
}

export const AGENTS: Record<AgentName, AgentSetup> = {
  claude: { file: '.claude/settings.json', event: 'PreToolUse', matcher: 'Bash' },
  codex: { file: '.codex/hooks.json', event: 'PreToolUse', matcher: 'Bash' },
  cursor: { file: '.cursor/hooks.json', event: 'beforeShellExecution', matcher: null, preamble: { version: 1 } },
  gemini: { file: '.gemini/settings.json', event: 'BeforeTool', matcher: 'run_shell_command' },
};

/** Recognises dbsafe's entry in an agent's file by its command, whatever launcher precedes it. */
const DBSAFE_HOOK_COMMAND = /(^|[\s/])dbsafe agent-hook\b/;

/** Where the registered hook finds dbsafe: the project's own install, else the dbsafe that ran `install`. */
export type HookLauncher = { kind: 'project-bin'; file: string } | { kind: 'node-script'; file: string };

/** The project's `node_modules/.bin/dbsafe` when dbsafe is installed in it, else the running CLI bundle. */
export function hookLauncher(projectDir: string): HookLauncher {
  const projectBin = path.join(projectDir, 'node_modules', '.bin', 'dbsafe');
  return existsSync(projectBin) ? { kind: 'project-bin', file: projectBin } : { kind: 'node-script', file: cliEntry() };
}

const shQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * The shell command the agent runs before each tool call. Fast: an absolute
 * path, no npx (npx alone costs about 0.4 s, on every command an agent runs).
 * The project's `node_modules/.bin/dbsafe` survives reinstalls and upgrades
 * (npm recreates the same link) and works from any subdirectory the agent
 * cd's into. If that file is gone (node_modules removed, the settings file
 * used from another clone), npx looks for dbsafe from the agent's directory;
 * if nothing answers, the hook blocks with exit 2 and the fix: every agent
 * runs the command when a hook fails any other way. Pure.
 */
export function agentHookCommand(agent: AgentName, launcher: HookLauncher, projectDir: string): string {
  const args = `agent-hook --format ${agent}`;
  const fast = launcher.kind === 'project-bin' ? `if [ -x "$f" ]; then exec "$f" ${args}; fi` : `if [ -f "$f" ]; then exec node "$f" ${args}; fi`;
  const missing = integrationMessages.agentHookMissing(launcher.file, projectDir);
  return [
    `f=${shQuote(launcher.file)}`,
    fast,
    `npx --no-install dbsafe ${args}`,
    's=$?',
    'if [ $s -eq 0 ] || [ $s -eq 2 ]; then exit $s; fi',
    `echo ${shQuote(missing)} >&2`,
    'exit 2',
  ].join('; ');
}

type HookList = JsonObject[];

function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

function isDbsafeCommandHook(hook: unknown): boolean {
  const command = asObject(hook)?.command;
  return typeof command === 'string' && DBSAFE_HOOK_COMMAND.test(command);
}

/** Does this event entry belong to dbsafe (Cursor: the command itself; others: a matcher group holding only dbsafe's hook)? */
function isDbsafeEntry(entry: unknown, setup: AgentSetup): boolean {
  if (setup.matcher === null) return isDbsafeCommandHook(entry);
  const hooks = asObject(entry)?.hooks;
  return Array.isArray(hooks) && hooks.length > 0 && hooks.every(isDbsafeCommandHook);
}

function dbsafeEntry(setup: AgentSetup, command: string): JsonObject {
  if (setup.matcher === null) return { command };
  return { matcher: setup.matcher, hooks: [{ type: 'command', command }] };
}

export function installAgentHook(agent: AgentName, projectDir: string, journalDir: string): FileChange[] {
  const setup = AGENTS[agent];
  const file = path.join(projectDir, setup.file);
  const entry = dbsafeEntry(setup, agentHookCommand(agent, hookLauncher(projectDir), projectDir));
  return [
    installJsonEdit(
      file,
      (settings) => {
      for (const [key, value] of Object.entries(setup.preamble ?? {})) if (!(key in settings)) settings[key] = value;
      const hooks = (asObject(settings.hooks) ?? {}) as JsonObject;
      settings.hooks = hooks;
      const list = Array.isArray(hooks[setup.event]) ? (hooks[setup.event] as HookList) : [];
      const existing = list.findIndex((item) => isDbsafeEntry(item, setup));
      if (existing === -1) list.push(entry);
      else list[existing] = entry;
      hooks[setup.event] = list;
      },
      journalDir,
    ),
  ];
}

export function uninstallAgentHook(agent: AgentName, projectDir: string, journalDir: string): FileChange[] {
  const setup = AGENTS[agent];
  const file = path.join(projectDir, setup.file);
  const settings = readJsonObject(file);
  if (settings === null) return [{ file, action: 'unchanged' }];
  const hooks = asObject(settings.hooks);
  const list = hooks?.[setup.event];
  if (!hooks || !Array.isArray(list) || !list.some((item) => isDbsafeEntry(item, setup))) return [{ file, action: 'unchanged' }];
  const change = uninstallJsonEdit(
    file,
    (value) => {
      const current = asObject(value.hooks) as JsonObject;
      const kept = (current[setup.event] as HookList).filter((item) => !isDbsafeEntry(item, setup));
      if (kept.length > 0) current[setup.event] = kept;
      else delete current[setup.event];
      if (Object.keys(current).length === 0) delete value.hooks;
      // Only the preamble dbsafe added is left: the file was dbsafe's alone.
      const rest = Object.entries(value);
      if (rest.length > 0 && rest.every(([key, v]) => setup.preamble?.[key] === v)) for (const [key] of rest) delete value[key];
    },
    journalDir,
    { deleteWhenEmpty: true },
  );
  removeEmptyDirs(path.dirname(file), projectDir);
  return [change];
}

export function agentHookInstalled(agent: AgentName, projectDir: string): boolean {
  const setup = AGENTS[agent];
  try {
    const list = asObject(readJsonObject(path.join(projectDir, setup.file))?.hooks)?.[setup.event];
    return Array.isArray(list) && list.some((item) => isDbsafeEntry(item, setup));
  } catch {
    return false;
  }
}
