import { LOCAL_ONLY_SUFFIXES, PUBLIC_SUFFIXES } from './public-suffixes.js';

/**
 * Which `allowedHosts` entries are too wide. An entry is a host name, or
 * `*.` followed by a domain: the wildcard must leave at least a registrable
 * domain, one label more than the public suffix it ends in, so `*.dev.example.com`
 * and `*.example.co.uk` pass while `*`, `*.com`, `*.co.uk` and `*.rds.amazonaws.com`
 * (every customer of a platform) do not. Pure.
 */

const EXACT = new Set(PUBLIC_SUFFIXES.filter((rule) => !rule.startsWith('*.')));
const WILDCARD_PARENTS = new Set(PUBLIC_SUFFIXES.filter((rule) => rule.startsWith('*.')).map((rule) => rule.slice(2)));

/** Case, full-width letters and a trailing dot do not make another name. */
export function normalizeHostPattern(pattern: string): string {
  return pattern.normalize('NFKC').trim().toLowerCase().replace(/\.+$/, '');
}

/** The longest public suffix `domain` ends in: a table entry, or else its last label. */
export function publicSuffixOf(domain: string): string {
  const labels = domain.split('.');
  for (let start = 0; start < labels.length; start++) {
    const candidate = labels.slice(start).join('.');
    if (EXACT.has(candidate) || WILDCARD_PARENTS.has(labels.slice(start + 1).join('.'))) return candidate;
  }
  return labels[labels.length - 1]!;
}

/** Why an `allowedHosts` entry is refused, or null when it is a host name or a wildcard under a registrable domain. */
export function allowedHostProblem(entry: string): string | null {
  const pattern = normalizeHostPattern(entry);
  if (!pattern.includes('*')) return null;
  const widen = `List the database hosts themselves, or a wildcard under a domain of your own ("*.dev.example.com")`;
  if (!pattern.startsWith('*.') || pattern.slice(2).includes('*') || pattern.length === 2) {
    return `has "${entry}": a wildcard is allowed only as the whole first label, followed by a domain ("*.dev.example.com"). ${widen}`;
  }
  const domain = pattern.slice(2);
  if (domain.split('.').some((label) => label === '')) return `has "${entry}", which is not a host name pattern. ${widen}`;
  if (LOCAL_ONLY_SUFFIXES.includes(domain)) return null;
  const suffix = publicSuffixOf(domain);
  if (domain.split('.').length > suffix.split('.').length) return null;
  return `has "${entry}", which would treat every host under the public suffix "${suffix}" as local: anyone's server there, production included. ${widen}`;
}

/** The `allowedHosts` validator of the configuration schema. */
export function validateAllowedHosts(value: unknown): string | null {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.trim() !== '')) return 'must be a list of non-empty strings';
  for (const entry of value as string[]) {
    const problem = allowedHostProblem(entry);
    if (problem) return problem;
  }
  return null;
}
