import { createRequire } from 'node:module';
import type pg from 'pg';

/**
 * The pg driver, loaded without the cost of its Cloudflare probe. At load
 * time pg asks whether it runs in a Cloudflare Worker; where there is no
 * `navigator` (Node 20) it does so by constructing a fetch Response, which
 * loads Node's whole fetch implementation (undici): tens of milliseconds of
 * every PostgreSQL command's start. Node 21+ has a navigator and answers at
 * once; on Node 20 one with Node's own user agent is lent for the load only.
 */
function loadDriver(): typeof pg {
  const load = createRequire(import.meta.url);
  const global = globalThis as { navigator?: unknown };
  if (global.navigator !== undefined) return load('pg') as typeof pg;
  global.navigator = { userAgent: `Node.js/${process.versions.node.split('.')[0]}` };
  try {
    return load('pg') as typeof pg;
  } finally {
    delete global.navigator;
  }
}

export const pgDriver = loadDriver();
