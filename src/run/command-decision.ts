import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Classification } from '../rules/types.js';

/**
 * The one decision every way into the guard shares (`dbsafe run`, the npm
 * pre-scripts' `dbsafe guard`, the shell functions and shims that call them,
 * and the agent hook): the command rules behind `dbsafe explain`, with the
 * project's own `commands` rules. A configuration that cannot be read throws
 * its DbsafeError; the caller fails closed.
 */
export async function classifyForGuard(commandLine: string | readonly string[], cwd: string): Promise<Classification> {
  const { classifyCommandLine, loadUserCommandRules } = await import('../rules/classify-line.js');
  return classifyCommandLine({ command: commandLine, cwd, userRules: loadUserCommandRules(cwd) });
}

/** The package managers that set npm_lifecycle_event, by the first word of npm_config_user_agent ("pnpm/9.1.0 npm/? node/…"). */
const PACKAGE_MANAGERS = ['npm', 'pnpm', 'yarn', 'bun'] as const;

/**
 * The script a lifecycle `dbsafe guard` protects, as the command a person
 * would type (`npm run test`), or null when this guard does not run from a
 * package.json script that calls it. `pretest` protects `test`; a script
 * that runs `dbsafe guard && …` itself protects itself. Pure.
 */
export function lifecycleCommand(env: Record<string, string | undefined>, scripts: Record<string, string>): string[] | null {
  const event = env.npm_lifecycle_event;
  // A git hook or a nested tool inherits npm_lifecycle_event from an outer script: only the script that calls dbsafe guard counts.
  if (!event || !/\bdbsafe\s+guard\b/.test(env.npm_lifecycle_script ?? '')) return null;
  const main = event.startsWith('pre') && scripts[event.slice(3)] !== undefined ? event.slice(3) : event;
  const agent = (env.npm_config_user_agent ?? '').split('/')[0] ?? '';
  const manager = (PACKAGE_MANAGERS as readonly string[]).includes(agent) ? agent : 'npm';
  return [manager, 'run', main];
}

/** The scripts of the package.json npm runs the lifecycle script from (npm_package_json, else the one in `cwd`). */
export function lifecycleScripts(env: Record<string, string | undefined>, cwd: string): Record<string, string> {
  try {
    const pkg = JSON.parse(readFileSync(env.npm_package_json ?? path.join(cwd, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> };
    return Object.fromEntries(Object.entries(pkg.scripts ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}

/**
 * What a `dbsafe guard` run from a package.json script protects: nothing to
 * decide outside a script (null: guard as always), the script when the rules
 * guard it, or 'safe' when they do not (the guard then stands aside).
 */
export async function lifecycleDecision(env: Record<string, string | undefined>, cwd: string): Promise<string[] | 'safe' | null> {
  const script = lifecycleCommand(env, lifecycleScripts(env, cwd));
  if (!script) return null;
  return (await classifyForGuard(script, cwd)).guarded ? script : 'safe';
}
