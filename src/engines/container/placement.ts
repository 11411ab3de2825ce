import { describeLocation } from '../../target/describe.js';
import type { Target } from '../../target/types.js';
import { chooseContainer, isLocalTarget, type ContainerCandidate, type EngineContainerProfile } from './choose.js';
import { composeProject } from './compose.js';
import type { ContainerExec } from './exec.js';
import { containerCli, listContainers } from './inventory.js';
import { containerMessages as say } from './messages.js';
import { containerSettings } from './settings.js';

/** What an engine provides so its tools can run inside the container that serves it. */
export interface EngineContainerOps {
  profile: EngineContainerProfile;
  /** Why the host's tools cannot serve this target (missing, older than the server), or null when they can. */
  hostProblem(target: Target): Promise<string | null>;
  /**
   * The server's identity through the host's own connection (the engine's
   * driver) and through the engine's client inside the container, connected
   * to the container's own server. Equal values prove the container serves
   * the target. `container` is an Error when the client inside failed.
   */
  identities(target: Target, exec: ContainerExec): Promise<{ host: string; container: string | Error }>;
  /** Why two identities differ, in words ("its server's system_identifier is 1, the database's 2"). */
  describeMismatch(host: string, container: string): string;
}

export type ToolPlacement =
  | { kind: 'host'; why: string }
  | { kind: 'container'; exec: ContainerExec; candidate: ContainerCandidate; why: string };

const decided = new Map<string, Promise<ToolPlacement>>();

function targetKey(target: Target): string {
  return JSON.stringify([target.engine, target.host, target.socket, target.port, target.user, target.database]);
}

/**
 * Host or container for `target`'s tools, decided once per target and
 * command. A container is used only when the host's tools cannot serve the
 * server (or the config says `"tools": "container"`), exactly one running
 * container could serve it (or the config names it), and the server inside
 * it proves to be the target's own server.
 */
export function toolPlacement(ops: EngineContainerOps, target: Target): Promise<ToolPlacement> {
  const key = targetKey(target);
  let placement = decided.get(key);
  if (!placement) {
    placement = decidePlacement(ops, target);
    decided.set(key, placement);
    placement.catch(() => decided.delete(key));
  }
  return placement;
}

async function decidePlacement(ops: EngineContainerOps, target: Target): Promise<ToolPlacement> {
  const settings = containerSettings();
  if (settings.tools === 'host') return { kind: 'host', why: say.hostPath.configured };
  const forced = settings.tools === 'container';
  if (!forced) {
    // No container engine, or a remote server: nothing to look for, and no cost for the common case.
    if (containerCli(settings) === null) return { kind: 'host', why: say.hostPath.noEngine };
    if (!isLocalTarget(target) && !settings.container) return { kind: 'host', why: say.hostPath.remote };
    const problem = await ops.hostProblem(target);
    if (problem === null) return { kind: 'host', why: say.hostPath.matched };
  }
  const engine = ops.profile.label;
  const where = describeLocation(target);
  const inventory = await listContainers(settings);
  if (!inventory.ok) {
    if (forced) throw say.containerUnavailable(engine, inventory.reason);
    return { kind: 'host', why: say.hostPath.noContainer };
  }
  const choice = chooseContainer({
    containers: inventory.containers,
    target,
    profile: ops.profile,
    compose: composeProject(settings.projectRoot, settings.env),
    projectRoot: settings.projectRoot,
    named: settings.container,
  });
  if (choice.kind === 'named-missing') throw say.namedMissing(choice.name, choice.running);
  if (choice.kind === 'several') throw say.severalContainers(engine, where, choice.candidates);
  if (choice.kind === 'none') {
    if (forced) throw say.noContainer(engine, where);
    return { kind: 'host', why: say.hostPath.noContainer };
  }
  const { candidate } = choice;
  const exec: ContainerExec = { cli: inventory.cli, container: candidate.container, internalPort: candidate.internalPort };
  const identity = await ops.identities(target, exec);
  if (identity.container instanceof Error) throw say.identityUnproved(engine, where, candidate, identity.container.message);
  if (identity.container !== identity.host) throw say.notServing(where, candidate, ops.describeMismatch(identity.host, identity.container));
  return { kind: 'container', exec, candidate, why: say.containerPath(candidate, forced) };
}
