import { findTool, runTool } from '../tools.js';
import { containerMessages as say } from './messages.js';
import type { ContainerSettings } from './settings.js';

/** A published port: `hostPort` on the host reaches `containerPort` inside. */
export interface PortBinding {
  containerPort: number;
  hostIp: string;
  hostPort: number;
}

/** What `docker inspect` says about one running container, reduced to what dbsafe judges. */
export interface ContainerFacts {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  /** "host" when the container shares the host's network (its ports are the host's). */
  networkMode: string;
  ports: PortBinding[];
}

export type Inventory = { ok: true; cli: string; containers: ContainerFacts[] } | { ok: false; reason: string };

/** The container CLI to use: the configured one, else docker, else podman (same commands). */
export function containerCli(settings: Pick<ContainerSettings, 'containerCli' | 'env'>): string | null {
  const chosen = settings.containerCli ?? settings.env.DBSAFE_CONTAINER_CLI;
  if (chosen) return chosen.includes('/') ? chosen : findTool([chosen], [], settings.env);
  return findTool(['docker', 'podman'], [], settings.env);
}

interface InspectRecord {
  Id?: string;
  Name?: string;
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: { Ports?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null };
}

/** `docker inspect` JSON → facts. Pure. */
export function parseInspect(json: string): ContainerFacts[] {
  const records = JSON.parse(json) as InspectRecord[];
  return records.map((record) => {
    const ports: PortBinding[] = [];
    for (const [key, bindings] of Object.entries(record.NetworkSettings?.Ports ?? {})) {
      const containerPort = Number.parseInt(key, 10);
      for (const binding of bindings ?? []) {
        const hostPort = Number(binding.HostPort);
        if (Number.isInteger(hostPort) && hostPort > 0) ports.push({ containerPort, hostIp: binding.HostIp ?? '', hostPort });
      }
    }
    return {
      id: record.Id ?? '',
      name: (record.Name ?? '').replace(/^\//, ''),
      image: record.Config?.Image ?? '',
      labels: record.Config?.Labels ?? {},
      networkMode: record.HostConfig?.NetworkMode ?? '',
      ports,
    };
  });
}

/** The running containers, or why they cannot be listed (no CLI, no daemon). */
export async function listContainers(settings: ContainerSettings): Promise<Inventory> {
  const cli = containerCli(settings);
  if (!cli) return { ok: false, reason: say.noCli(settings.containerCli ?? settings.env.DBSAFE_CONTAINER_CLI) };
  const ids = await runTool({ program: cli, args: ['ps', '--quiet', '--no-trunc'] }).catch((error: Error) => ({ code: 1, stdout: '', stderr: error.message }));
  if (ids.code !== 0) return { ok: false, reason: say.daemonUnavailable(cli, ids.stderr) };
  const list = ids.stdout.split('\n').map((id) => id.trim()).filter(Boolean);
  if (list.length === 0) return { ok: true, cli, containers: [] };
  const inspected = await runTool({ program: cli, args: ['inspect', ...list] });
  if (inspected.code !== 0) return { ok: false, reason: say.daemonUnavailable(cli, inspected.stderr) };
  return { ok: true, cli, containers: parseInspect(inspected.stdout) };
}
