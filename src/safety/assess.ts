import { loadCommandContext, type ProjectContext } from '../config/context.js';
import { findProject } from '../config/project.js';
import { liveOps } from '../engines/registry.js';
import { isDbsafeError } from '../errors.js';
import type { Target } from '../target/types.js';
import { readComposeServices } from './compose.js';
import { mergeEnvironment } from './environment.js';
import { judgeTargets, splitCauseAndFix, staticallyRefused } from './judge.js';
import { RULES } from './rules.js';
import type { JudgeInput, LiveResult, ProjectFacts, Verdict } from './types.js';

export interface AssessOptions {
  /** Judge from the configuration alone: no connection, so no marker, standby or read-only check. */
  offline?: boolean;
}

export interface Assessment {
  verdict: Verdict;
  /** Null when the configuration itself could not be loaded. */
  context: ProjectContext | null;
  project: ProjectFacts;
}

/** Connect to one database and read its facts; a failure becomes a result, never a pass. */
export async function probeTarget(target: Target): Promise<LiveResult> {
  try {
    const facts = await (await liveOps(target.engine)).probe(target);
    return { ok: true, facts };
  } catch (error) {
    if (isDbsafeError(error)) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: 'live-failed', message: `Connecting to the database failed unexpectedly (${error instanceof Error ? error.message : String(error)}). Check that the server is running and the settings are right.` };
  }
}

export async function projectFacts(context: ProjectContext): Promise<ProjectFacts> {
  const compose = await readComposeServices(context.projectRoot);
  return {
    projectRoot: context.projectRoot,
    configFile: context.config.file,
    composeFiles: compose.files,
    composeServices: compose.services,
    composeProblems: compose.problems,
  };
}

/**
 * Judge a project the way `dbsafe check` does: every database it names,
 * against every production indicator, then (unless offline) live on each
 * database the static rules did not already refuse — dbsafe never connects
 * to a database it has already judged production. `run`, `restore` and the
 * guards call this and proceed only on `verdict.verdict === 'safe'`.
 */
export async function assessProject(context: ProjectContext, options: AssessOptions = {}): Promise<Assessment> {
  const project = await projectFacts(context);
  const input: JudgeInput = {
    targets: context.targets.all,
    problems: context.targets.problems,
    variables: mergeEnvironment(context.env, context.dotenv),
    config: context.config.config,
    project,
  };
  const offlineVerdict = judgeTargets(input);
  if (options.offline) return { verdict: offlineVerdict, context, project };
  const live = new Map<Target, LiveResult>();
  const reachable = context.targets.all.filter((target) => !staticallyRefused(target, offlineVerdict.outcomes));
  const results = await Promise.all(reachable.map((target) => probeTarget(target)));
  reachable.forEach((target, i) => live.set(target, results[i]!));
  return { verdict: judgeTargets({ ...input, live }), context, project };
}

/**
 * Load the project in `cwd` and assess it. A configuration that cannot be
 * loaded (invalid JSON, unknown keys) is itself a verdict: error, exit 2.
 */
export async function assessDirectory(options: { cwd: string; env: Record<string, string | undefined>; flagUrl?: string; offline?: boolean }): Promise<Assessment> {
  let context: ProjectContext;
  try {
    context = await loadCommandContext(options);
  } catch (error) {
    if (!isDbsafeError(error) || error.exitCode !== 2) throw error;
    const { message, fix } = splitCauseAndFix(error.message, 'Fix the configuration file.');
    const outcome = {
      rule: 'config-invalid' as const,
      passed: false,
      severity: RULES['config-invalid'].failure,
      target: null,
      value: error.code,
      message,
      fix,
    };
    return {
      verdict: { verdict: 'error', exitCode: 2, outcomes: [outcome], reasons: [outcome], targets: [], offline: options.offline ?? false },
      context: null,
      project: { projectRoot: findProject(options.cwd).root, configFile: null, composeFiles: [], composeServices: [], composeProblems: [] },
    };
  }
  return assessProject(context, { offline: options.offline });
}
