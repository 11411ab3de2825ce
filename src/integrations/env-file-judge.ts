import path from 'node:path';
import { parse } from 'dotenv';
import { describeTarget } from '../target/describe.js';
import { resolveTargets } from '../target/resolve.js';
import type { Target } from '../target/types.js';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;
const PRODUCTION_WORD = /(^|[^a-z0-9])(prod|production|live|prd)([^a-z0-9]|$)/i;

function reasonsFor(target: Target): string[] {
  const reasons: string[] = [];
  if (target.engine !== 'sqlite' && !target.socket && target.host && !LOOPBACK.test(target.host)) {
    reasons.push(`it names a database on a non-local host: ${describeTarget(target)}`);
  }
  if (PRODUCTION_WORD.test(target.database)) reasons.push(`it names a production-looking database: ${describeTarget(target)}`);
  return reasons;
}

/** Why a staged .env file must not be committed: each database it names that is not local, or looks like production. */
export function judgeStagedEnvFile(root: string, file: string, text: string): string[] {
  const resolved = resolveTargets({ env: {}, dotenv: [{ file, values: parse(text) }], cwd: path.dirname(path.join(root, file)) });
  return resolved.all.flatMap(reasonsFor);
}
