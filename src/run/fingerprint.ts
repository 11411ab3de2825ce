import { createHash } from 'node:crypto';
import type { Target } from '../target/types.js';
import { DEFAULT_PORTS } from '../target/url.js';

/**
 * A short stable identity for a database: engine, where it lives, its name
 * and the user. Never the password, so it can travel in environment
 * variables and consent records. The default port counts as written, so
 * `-h host` and `postgres://host:5432` are one database. Pure.
 */
export function targetFingerprint(target: Target | null): string {
  if (!target) return 'none';
  const identity = [target.engine, [...target.hosts].sort().join(','), target.host ?? '', target.port ?? DEFAULT_PORTS[target.engine] ?? '', target.socket ?? '', target.database, target.user ?? ''];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
}
