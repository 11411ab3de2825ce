import path from 'node:path';
import { parse } from 'dotenv';
import { loadConfig } from '../config/load.js';
import { findProject } from '../config/project.js';
import { readComposeServices } from '../safety/compose.js';
import { mergeEnvironment } from '../safety/environment.js';
import { judgeTargets } from '../safety/judge.js';
import { resolveTargets } from '../target/resolve.js';

/**
 * Why a staged .env file must not be committed: every database it names that
 * the safety rules of `dbsafe check` refuse on their own (not local, a
 * production name, certificates, replicas), judged offline from the file's
 * staged text alone. One reason per refusal; secrets never appear (the
 * rules' messages describe targets redacted).
 */
export async function judgeStagedEnvFile(root: string, file: string, text: string): Promise<string[]> {
  const absolute = path.join(root, file);
  const project = findProject(path.dirname(absolute));
  const dotenv = [{ file: absolute, values: parse(text) }];
  const targets = resolveTargets({ env: {}, dotenv, cwd: project.root });
  if (targets.all.length === 0) return [];
  const compose = await readComposeServices(project.root);
  const verdict = judgeTargets({
    targets: targets.all,
    problems: [],
    variables: mergeEnvironment({}, dotenv),
    config: loadConfig(project.root).config,
    project: { projectRoot: project.root, configFile: null, composeFiles: compose.files, composeServices: compose.services, composeProblems: compose.problems },
  });
  return verdict.reasons.filter((reason) => reason.target !== null && reason.severity === 'refused').map((reason) => `${reason.message}`);
}
