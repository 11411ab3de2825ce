import type { Target } from '../../target/types.js';
import { chooseContainer } from './choose.js';
import { composeProject } from './compose.js';
import { listContainers } from './inventory.js';
import { containerMessages as say } from './messages.js';
import { CONTAINER_PROFILES } from './profiles.js';
import { containerSettings } from './settings.js';

/**
 * For `check`: the running container that serves each target, by Compose
 * labels and ports, unproved (check reads the server through its driver;
 * backups prove the container before using its tools). Loaded only for a
 * project with a Compose file, so most `check` runs never ask Docker.
 */
export async function servingContainers(targets: readonly Target[]): Promise<Map<Target, string>> {
  const named = new Map<Target, string>();
  const settings = containerSettings();
  const withProfile = targets.filter((target) => CONTAINER_PROFILES[target.engine]);
  if (withProfile.length === 0) return named;
  const inventory = await listContainers(settings);
  if (!inventory.ok) return named;
  const compose = composeProject(settings.projectRoot, settings.env);
  for (const target of withProfile) {
    const choice = chooseContainer({ containers: inventory.containers, target, profile: CONTAINER_PROFILES[target.engine]!, compose, projectRoot: settings.projectRoot, named: settings.container });
    if (choice.kind === 'one') named.set(target, say.named(choice.candidate));
    if (choice.kind === 'several') named.set(target, say.namedSeveral(choice.candidates));
  }
  return named;
}
