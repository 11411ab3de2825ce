import path from 'node:path';
import { readOptionalFile } from '../config/optional-file.js';
import type { ComposeName } from './hosts.js';
import { COMPOSE_FILES } from './rules.js';

export interface ComposeFacts {
  files: string[];
  /**
   * Names a container of the project answers to (service keys, container_name,
   * hostname, network aliases), each with the file it was first defined in.
   * Whether a name may count as local is decided by classifyHost, not here.
   */
  services: ComposeName[];
  problems: string[];
}

type Service = { container_name?: unknown; hostname?: unknown; networks?: unknown };

function namesOf(key: string, service: Service | null): string[] {
  const names = [key];
  if (typeof service?.container_name === 'string') names.push(service.container_name);
  if (typeof service?.hostname === 'string') names.push(service.hostname);
  if (service?.networks && typeof service.networks === 'object' && !Array.isArray(service.networks)) {
    for (const network of Object.values(service.networks as Record<string, unknown>)) {
      const aliases = (network as { aliases?: unknown } | null)?.aliases;
      if (Array.isArray(aliases)) names.push(...aliases.filter((a): a is string => typeof a === 'string'));
    }
  }
  return names;
}

/**
 * The services of the project's compose files (compose.yaml, docker-compose.yml…
 * and their overrides). A host named like one of them (Laravel Sail's
 * DB_HOST=mysql) may be a container of this project, hence local.
 */
export async function readComposeServices(projectRoot: string): Promise<ComposeFacts> {
  const facts: ComposeFacts = { files: [], services: [], problems: [] };
  for (const name of COMPOSE_FILES) {
    const file = path.join(projectRoot, name);
    const read = readOptionalFile(file);
    if (!read.found) {
      if (read.unreadable !== undefined) facts.problems.push(`${name} cannot be read (${read.unreadable})`);
      continue;
    }
    const text = read.text;
    let document: unknown;
    try {
      // Loaded only when the project has a compose file: most `check` runs never pay for the YAML parser.
      const { parse } = await import('yaml');
      document = parse(text);
    } catch (error) {
      facts.problems.push(`${name} is not valid YAML (${(error as Error).message.split('\n')[0]})`);
      continue;
    }
    facts.files.push(name);
    const services = (document as { services?: unknown } | null)?.services;
    if (services && typeof services === 'object' && !Array.isArray(services)) {
      for (const [key, service] of Object.entries(services as Record<string, Service | null>)) {
        for (const serviceName of namesOf(key, service)) {
          if (!facts.services.some((known) => known.name === serviceName)) facts.services.push({ name: serviceName, file: name });
        }
      }
    }
  }
  return facts;
}
