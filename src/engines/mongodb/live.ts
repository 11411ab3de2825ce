import { liveErrors } from '../../safety/live-messages.js';
import { redactSecretsInText } from '../../target/describe.js';
import type { Target } from '../../target/types.js';
import { requireTool, runTool } from '../tools.js';
import type { EnvironmentMarker, LiveOps, ServerFacts } from '../types.js';

/**
 * MongoDB is reached through `mongosh` (no driver dependency). The URI holds
 * the password, so it goes to mongosh in an environment variable that the
 * --eval script reads, never on the command line where `ps` shows it.
 *
 * The marker is a document in the `markers` collection of a separate `dbsafe`
 * database, keyed by database name: `mongodump --db <name>` does not include
 * it, so a dump restored elsewhere does not carry it, while anything reaching
 * this server sees it.
 */
export const MARKER_DATABASE = 'dbsafe';
export const URI_VARIABLE = 'DBSAFE_MONGODB_URI';
export const DATABASE_VARIABLE = 'DBSAFE_MONGODB_DATABASE';
export const MARKER_VARIABLE = 'DBSAFE_MONGODB_MARKER';

/** Prints one JSON line: the facts `probe` needs. */
const PROBE_SCRIPT = `
const conn = new Mongo(process.env.${URI_VARIABLE});
const name = process.env.${DATABASE_VARIABLE};
const hello = conn.getDB(name).hello();
const marks = conn.getDB('${MARKER_DATABASE}').getCollection('markers').find({ _id: name }).toArray();
print(JSON.stringify({ version: conn.getDB(name).version(), primary: Boolean(hello.isWritablePrimary), secondary: Boolean(hello.secondary), marker: marks.length ? marks[0].environment : null }));
`;

const MARK_SCRIPT = `
const conn = new Mongo(process.env.${URI_VARIABLE});
const name = process.env.${DATABASE_VARIABLE};
conn.getDB('${MARKER_DATABASE}').getCollection('markers').replaceOne({ _id: name }, { _id: name, environment: process.env.${MARKER_VARIABLE}, markedAt: new Date() }, { upsert: true });
print(JSON.stringify({ ok: true }));
`;

/** The connection string rebuilt from the target (it may have come from DB_* variables rather than a URL). */
export function connectionUri(target: Target): string {
  const scheme = target.srv ? 'mongodb+srv' : 'mongodb';
  const auth = target.user ? `${encodeURIComponent(target.user)}${target.password !== undefined ? `:${encodeURIComponent(target.password)}` : ''}@` : '';
  const hosts = target.socket ? encodeURIComponent(target.socket) : (target.hosts.length > 0 ? target.hosts : [target.host ?? '127.0.0.1']).map((h) => (h.includes(':') ? `[${h}]` : h)).map((h) => (target.port && !target.srv ? `${h}:${target.port}` : h)).join(',');
  const params = new URLSearchParams({ ...target.params, serverSelectionTimeoutMS: '5000' });
  if (target.tls.mode) params.set('tls', target.tls.mode);
  return `${scheme}://${auth}${hosts}/${encodeURIComponent(target.database)}?${params.toString()}`;
}

async function runScript(target: Target, script: string, extraEnv: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const mongosh = requireTool(['mongosh'], 'check MongoDB databases live');
  const result = await runTool({
    program: mongosh,
    args: ['--nodb', '--quiet', '--norc', '--eval', script],
    env: { [URI_VARIABLE]: connectionUri(target), [DATABASE_VARIABLE]: target.database, ...extraEnv },
  });
  const output = redactSecretsInText(`${result.stderr}\n${result.stdout}`);
  if (result.code !== 0) {
    if (/Authentication failed|AuthenticationFailed/i.test(output)) throw liveErrors.authentication(target, 'Authentication failed');
    if (/ECONNREFUSED|ENOTFOUND|Server selection timed out|MongoServerSelectionError|MongoNetworkError/i.test(output)) throw liveErrors.unreachable(target, 'no server answered');
    if (/not authorized|Unauthorized/i.test(output)) throw liveErrors.markerPermission(target, 'not authorized');
    throw liveErrors.other(target, output.trim().split('\n').pop() ?? `mongosh exited with ${result.code}`);
  }
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw liveErrors.other(target, `mongosh printed something unexpected ("${line.slice(0, 80)}")`);
  }
}

function markerOf(value: unknown): EnvironmentMarker | null {
  return value === 'production' || value === 'development' ? value : null;
}

export const live: LiveOps = {
  async probe(target): Promise<ServerFacts> {
    const facts = await runScript(target, PROBE_SCRIPT);
    const standby = facts.secondary === true;
    return {
      serverVersion: `MongoDB ${String(facts.version ?? 'unknown')}`,
      standby,
      readOnly: standby || facts.primary === false,
      marker: markerOf(facts.marker),
    };
  },
  async writeMarker(target, marker) {
    await runScript(target, MARK_SCRIPT, { [MARKER_VARIABLE]: marker });
  },
};
