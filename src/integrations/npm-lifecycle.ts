import path from 'node:path';
import type { StepResult } from '../../install.js';
import { installJsonEdit, readJsonObject, uninstallJsonEdit, type JsonObject } from './json-file.js';

export const GUARD_COMMAND = 'dbsafe guard';
const GUARD_PREFIX = `${GUARD_COMMAND} && `;

/** package.json scripts whose `pre` script gets the guard: the test suite and anything that migrates, seeds or resets. */
const GUARDED_SCRIPT = /^(test|migrate|migration|seed|reset|db)([:_-].*)?$/;

/**
 * The pre scripts to guard, pure: npm runs `pre<name>` before `<name>`.
 * Existing pre scripts keep their command, with the guard put in front.
 */
export function lifecycleEdits(scripts: Record<string, unknown>): Record<string, string> {
  const edits: Record<string, string> = {};
  for (const name of Object.keys(scripts)) {
    if (!GUARDED_SCRIPT.test(name)) continue;
    const pre = `pre${name}`;
    const current = scripts[pre];
    if (current === undefined) edits[pre] = GUARD_COMMAND;
    else if (typeof current === 'string' && current !== GUARD_COMMAND && !current.startsWith(GUARD_PREFIX)) edits[pre] = GUARD_PREFIX + current;
  }
  return edits;
}

/** The scripts with dbsafe's guard taken out again, pure; null for a script that held only the guard. */
export function lifecycleRemovals(scripts: Record<string, unknown>): Record<string, string | null> {
  const removals: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(scripts)) {
    if (!name.startsWith('pre') || typeof value !== 'string') continue;
    if (value === GUARD_COMMAND) removals[name] = null;
    else if (value.startsWith(GUARD_PREFIX)) removals[name] = value.slice(GUARD_PREFIX.length);
  }
  return removals;
}

function scriptsOf(pkg: JsonObject | null): Record<string, unknown> | null {
  const scripts = pkg?.scripts;
  return scripts !== null && typeof scripts === 'object' && !Array.isArray(scripts) ? (scripts as Record<string, unknown>) : null;
}

export function installNpmLifecycle(projectDir: string, journalDir: string): StepResult {
  const file = path.join(projectDir, 'package.json');
  const scripts = scriptsOf(readJsonObject(file));
  if (!scripts) return { changes: [], notes: [`npm lifecycle: ${file} has no scripts, so there is nothing to guard; add a "test" script, then run dbsafe install --npm again.`] };
  const edits = lifecycleEdits(scripts);
  const change = installJsonEdit(file, (pkg) => Object.assign(pkg.scripts as JsonObject, edits), journalDir);
  return { changes: [change], notes: [] };
}

export function uninstallNpmLifecycle(projectDir: string, journalDir: string): StepResult {
  const file = path.join(projectDir, 'package.json');
  const scripts = scriptsOf(readJsonObject(file));
  if (!scripts) return { changes: [], notes: [] };
  const removals = lifecycleRemovals(scripts);
  if (Object.keys(removals).length === 0) return { changes: [{ file, action: 'unchanged' }], notes: [] };
  const change = uninstallJsonEdit(
    file,
    (pkg) => {
      const target = pkg.scripts as JsonObject;
      for (const [name, value] of Object.entries(removals)) {
        if (value === null) delete target[name];
        else target[name] = value;
      }
    },
    journalDir,
  );
  return { changes: [change], notes: [] };
}

export function npmLifecycleInstalled(projectDir: string): string[] {
  try {
    return Object.keys(lifecycleRemovals(scriptsOf(readJsonObject(path.join(projectDir, 'package.json'))) ?? {}));
  } catch {
    return [];
  }
}
