import type { Target } from '../../target/types.js';
import type { ComposeProject } from './compose.js';
import type { ContainerFacts } from './inventory.js';

/** What an engine tells the container module about itself. */
export interface EngineContainerProfile {
  /** "PostgreSQL". */
  label: string;
  /** Images that run this engine (postgres, postgis/postgis, mariadb, mysql…). */
  image: RegExp;
  /** The port the engine listens on inside a container by default. */
  defaultPort: number;
}

/** A container that may serve the target, and the port the server listens on inside it. */
export interface ContainerCandidate {
  container: ContainerFacts;
  internalPort: number;
  /** Why it may serve the target, for doctor and messages ("publishes 127.0.0.1:5433 → 5432"). */
  why: string;
  /** It belongs to the project's Compose project. */
  ofProject: boolean;
}

export type ContainerChoice =
  | { kind: 'one'; candidate: ContainerCandidate }
  | { kind: 'several'; candidates: ContainerCandidate[] }
  | { kind: 'none' }
  | { kind: 'named-missing'; name: string; running: string[] };

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);

export function isLocalTarget(target: Target): boolean {
  return target.host === undefined || LOCAL_HOSTS.has(target.host.toLowerCase());
}

function serviceName(container: ContainerFacts): string {
  return container.labels['com.docker.compose.service'] ?? '';
}

export function belongsToProject(container: ContainerFacts, compose: ComposeProject | null, projectRoot: string): boolean {
  const dir = container.labels['com.docker.compose.project.working_dir'];
  if (dir && dir === projectRoot) return true;
  return compose !== null && container.labels['com.docker.compose.project'] === compose.name;
}

/**
 * How `container` could serve the target: a published port (any container:
 * only one can publish it), or the host's network (only the project's own
 * containers: on the host's network any container could claim any port). Pure.
 */
function servingRoute(container: ContainerFacts, target: Target, profile: EngineContainerProfile, ofProject: boolean): { internalPort: number; why: string } | null {
  const port = target.port ?? profile.defaultPort;
  if (target.host !== undefined && target.hosts.length > 0 && !isLocalTarget(target)) {
    // A Compose service name as host: the container of that service listens on its own port.
    return serviceName(container) === target.host ? { internalPort: port, why: `Compose service "${target.host}"` } : null;
  }
  const published = container.ports.find((binding) => binding.hostPort === port);
  if (published) return { internalPort: published.containerPort, why: `publishes port ${port} → ${published.containerPort}` };
  if (container.networkMode === 'host' && ofProject) return { internalPort: port, why: `shares the host's network (port ${port})` };
  return null;
}

function runsEngine(container: ContainerFacts, profile: EngineContainerProfile): boolean {
  return profile.image.test(container.image) || container.ports.some((binding) => binding.containerPort === profile.defaultPort);
}

/**
 * Which running container serves the target. A container named in the
 * config wins (it is still proved by the identity check); else the
 * containers of the engine that could reach the target's port, those of the
 * project's Compose project first. Pure.
 */
export function chooseContainer(options: {
  containers: readonly ContainerFacts[];
  target: Target;
  profile: EngineContainerProfile;
  compose: ComposeProject | null;
  projectRoot: string;
  named?: string;
}): ContainerChoice {
  const { containers, target, profile, compose, projectRoot, named } = options;
  const candidate = (container: ContainerFacts, named = false): ContainerCandidate | null => {
    const ofProject = belongsToProject(container, compose, projectRoot);
    const route = servingRoute(container, target, profile, ofProject || named);
    return route && { container, ...route, ofProject };
  };
  if (named) {
    const match = containers.find((c) => c.name === named || serviceName(c) === named || (named.length >= 6 && c.id.startsWith(named)));
    if (!match) return { kind: 'named-missing', name: named, running: containers.map((c) => c.name) };
    const port = target.port ?? profile.defaultPort;
    return { kind: 'one', candidate: candidate(match, true) ?? { container: match, internalPort: port, why: 'named in the config ("container")', ofProject: belongsToProject(match, compose, projectRoot) } };
  }
  const all = containers.filter((c) => runsEngine(c, profile)).map((c) => candidate(c)).filter((c): c is ContainerCandidate => c !== null);
  const ofProject = all.filter((c) => c.ofProject);
  const pool = ofProject.length > 0 ? ofProject : all;
  if (pool.length === 0) return { kind: 'none' };
  if (pool.length === 1) return { kind: 'one', candidate: pool[0]! };
  return { kind: 'several', candidates: pool };
}
