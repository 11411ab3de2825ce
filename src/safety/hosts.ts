import { CLOUD_ENDPOINTS, LOCAL_HOST_NAMES, PRIVATE_DNS_SUFFIXES, REPLICA_HOST_WORDS } from './rules.js';
import { nameWords, productionToken } from './words.js';

/** A name a container of the project answers to, and the compose file that defines it. */
export interface ComposeName {
  name: string;
  file: string;
}

/** Why a name of the compose file was not taken as a local container. */
export type ComposeRefusal = { file: string; reason: 'cloud endpoint' | 'public DNS name' | 'production word'; detail: string };

export type HostLocality =
  | { local: true; how: 'loopback' | 'allowed host' }
  | { local: true; how: 'compose service'; file: string }
  | { local: false; provider: string | null; composeRefusal: ComposeRefusal | null };

export interface HostFacts {
  /** Service names, container names, host names and aliases of the project's compose files. */
  composeServices: readonly ComposeName[];
  /** `allowedHosts` of the project's configuration. */
  allowedHosts: readonly string[];
}

/** DNS is case-insensitive and `name.` is the same name as `name`. */
export function normalizeHostName(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

export function isLoopback(host: string): boolean {
  const lower = normalizeHostName(host);
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
  const name = normalizeHostName(host);
  return CLOUD_ENDPOINTS.find((endpoint) => endpoint.host.test(name))?.provider ?? null;
}

/**
 * Could DNS resolve `host` to a real server? Any dotted name, unless it ends
 * in a suffix reserved never to name one (`laravel.test`). A dotted name of
 * any other suffix is taken as real, public or private-network alike: the
 * fail-closed side (allowedHosts makes it local on purpose).
 */
export function looksLikePublicDnsName(host: string): boolean {
  const name = normalizeHostName(host);
  if (!name.includes('.')) return false;
  return !PRIVATE_DNS_SUFFIXES.some((suffix) => name.endsWith(`.${suffix}`));
}

/**
 * The compose name `host` refers to, when it may count as a container of the
 * project: never a cloud endpoint, a public DNS name or a name with a
 * production word, whatever a compose file (or an override added to it) says.
 */
function composeLocality(host: string, names: readonly ComposeName[]): { file: string } | ComposeRefusal | null {
  const wanted = normalizeHostName(host);
  const entry = names.find((known) => normalizeHostName(known.name) === wanted);
  if (!entry) return null;
  const provider = cloudProvider(host);
  if (provider) return { file: entry.file, reason: 'cloud endpoint', detail: provider };
  const token = productionToken(host);
  if (token) return { file: entry.file, reason: 'production word', detail: token };
  if (looksLikePublicDnsName(host)) return { file: entry.file, reason: 'public DNS name', detail: wanted };
  return { file: entry.file };
}

/** Is `host` this machine, a service of the project's compose file, or explicitly allowed? Pure. */
export function classifyHost(host: string, facts: HostFacts): HostLocality {
  if (isLoopback(host)) return { local: true, how: 'loopback' };
  const compose = composeLocality(host, facts.composeServices);
  if (compose && !('reason' in compose)) return { local: true, how: 'compose service', file: compose.file };
  if (isAllowedHost(host, facts.allowedHosts)) return { local: true, how: 'allowed host' };
  return { local: false, provider: cloudProvider(host), composeRefusal: compose && 'reason' in compose ? compose : null };
}

/** The word of a host name that marks a replica or reader endpoint (`ro` in `cluster-ro-x…`), or null. */
export function replicaHostWord(host: string): string | null {
  return nameWords(host).find((word) => REPLICA_HOST_WORDS.includes(word)) ?? null;
}
