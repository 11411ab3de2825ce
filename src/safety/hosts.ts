import { CLOUD_ENDPOINTS, LOCAL_HOST_NAMES, REPLICA_HOST_WORDS } from './rules.js';
import { nameWords } from './words.js';

export type HostLocality =
  | { local: true; how: 'loopback' | 'compose service' | 'allowed host' }
  | { local: false; provider: string | null };

export interface HostFacts {
  /** Service names, container names and host names of the project's compose file. */
  composeServices: readonly string[];
  /** `allowedHosts` of the project's configuration. */
  allowedHosts: readonly string[];
}

export function isLoopback(host: string): boolean {
  const lower = host.toLowerCase().replace(/\.$/, '');
  if (LOCAL_HOST_NAMES.includes(lower) || lower.endsWith('.localhost')) return true;
  // Plain patterns rather than node:net's isIP: loading node:net costs `check` start-up time.
  const ipv4 = /^(?:::ffff:)?127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(lower);
  if (ipv4) return ipv4.slice(1).every((part) => Number(part) <= 255);
  return lower === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(lower);
}

/** `db.internal` matches itself; `*.dev.internal` matches any name under dev.internal. */
export function isAllowedHost(host: string, allowedHosts: readonly string[]): boolean {
  const lower = host.toLowerCase();
  return allowedHosts.some((allowed) => {
    const pattern = allowed.toLowerCase();
    return pattern.startsWith('*.') ? lower.endsWith(pattern.slice(1)) : lower === pattern;
  });
}

export function cloudProvider(host: string): string | null {
  return CLOUD_ENDPOINTS.find((endpoint) => endpoint.host.test(host))?.provider ?? null;
}

/** Is `host` this machine, a service of the project's compose file, or explicitly allowed? Pure. */
export function classifyHost(host: string, facts: HostFacts): HostLocality {
  if (isLoopback(host)) return { local: true, how: 'loopback' };
  if (facts.composeServices.includes(host)) return { local: true, how: 'compose service' };
  if (isAllowedHost(host, facts.allowedHosts)) return { local: true, how: 'allowed host' };
  return { local: false, provider: cloudProvider(host) };
}

/** The word of a host name that marks a replica or reader endpoint (`ro` in `cluster-ro-x…`), or null. */
export function replicaHostWord(host: string): string | null {
  return nameWords(host).find((word) => REPLICA_HOST_WORDS.includes(word)) ?? null;
}
