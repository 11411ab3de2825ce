/**
 * Where dbsafe runs an engine's client tools: on the host, or inside the
 * container that serves the database. Set once per command from the project
 * (src/config/context.ts); this file imports nothing, so `check` pays nothing.
 */
export type ToolsSetting = 'auto' | 'host' | 'container';

export interface ContainerSettings {
  /** The project's root: its Compose files and `com.docker.compose.project.working_dir` label. */
  projectRoot: string;
  /** `"tools"` of the config: auto (host tools when they match the server, else the container's), host, container. */
  tools: ToolsSetting;
  /** `"container"` of the config: the container (name or id) to use when several could serve the database. */
  container?: string;
  /** `"containerCli"` of the config (or DBSAFE_CONTAINER_CLI): docker, podman, or a path. */
  containerCli?: string;
  env: Record<string, string | undefined>;
}

let current: ContainerSettings | null = null;

export function useContainerSettings(settings: ContainerSettings): void {
  current = settings;
}

export function containerSettings(): ContainerSettings {
  return current ?? { projectRoot: process.cwd(), tools: 'auto', env: process.env };
}
