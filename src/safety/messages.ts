import { CONFIG_FILE } from '../config/project.js';
import { describeOrigin } from '../target/describe.js';
import type { Target, ValueOrigin } from '../target/types.js';
import type { ComposeRefusal } from './hosts.js';
import type { EnvironmentVariable } from './types.js';

/** Every sentence the safety check shows a user: the cause, then the fix. */

const where = (origin: ValueOrigin) => describeOrigin(origin);
const targetVariable = (target: Target) => where(target.origin);
/** Where a variable is set, without its name (the sentence already names it): the file, or the environment. */
const placeOf = (origin: ValueOrigin) => origin.file ?? (origin.kind === 'env' ? 'your environment' : where(origin));

const allowHostFix = (host: string, target: Target) =>
  `If ${host} really is a development database, add "${host}" to "allowedHosts" in ${CONFIG_FILE} (a reviewed change, visible in git); otherwise point ${targetVariable(target)} at your local database.`;

const COMPOSE_REFUSAL_REASONS: Record<ComposeRefusal['reason'], (detail: string) => string> = {
  'cloud endpoint': (provider) => `it is a managed database endpoint (${provider})`,
  'production word': (token) => `it contains the production word "${token}"`,
  'public DNS name': () => 'it is a dotted name that DNS could resolve to a real server (only names under .test, .example, .invalid and .localhost never are)',
};

const composeRefusalText = (host: string, refusal: ComposeRefusal) =>
  `${refusal.file} names "${host}" as a container, but that does not make it local: ${COMPOSE_REFUSAL_REASONS[refusal.reason](refusal.detail)}, and the same name may reach a real server outside Docker.`;

export const safetyMessages = {
  appEnvironment: (variable: EnvironmentVariable, token: string) => ({
    message: `${variable.name}=${variable.value} (${where(variable.origin)}) says the app environment is ${token === 'production' ? 'production' : `production ("${token}")`}.`,
    fix: `If this is a development machine, change ${variable.name} in ${placeOf(variable.origin)} to development (or unset it). dbsafe never guards production: run production tasks through your deployment process.`,
  }),
  appEnvironmentClear: (checked: readonly EnvironmentVariable[]) =>
    checked.length === 0
      ? 'no app-environment variable is set'
      : `${checked.map((v) => `${v.name}=${v.value}`).join(', ')}: not production`,

  productionName: (target: Target, name: string, token: string) => ({
    message: `The database name "${name}" contains the production word "${token}".`,
    fix: `Point ${targetVariable(target)} at a development database. Names are matched word by word: "orders_dev" or "liveliness" pass, "orders_live" does not.`,
  }),
  productionNameClear: (name: string) => `"${name}" has no production word`,

  productionPattern: (target: Target, what: 'database name' | 'host', value: string, pattern: string, configFile: string | null) => ({
    message: `The ${what} "${value}" matches the production pattern ${pattern} configured in ${configFile ?? CONFIG_FILE}.`,
    fix: `Point ${targetVariable(target)} at a development database, or change "productionPatterns" in ${configFile ?? CONFIG_FILE} (a reviewed change) if the pattern is wrong.`,
  }),

  hostNotLocal: (target: Target, host: string, provider: string | null, composeProblems: readonly string[], composeRefusal: ComposeRefusal | null = null) => ({
    message:
      `The host "${host}" is not local${provider ? `: it is ${provider}` : ''}. Only localhost, 127.0.0.0/8, ::1, unix sockets, services of the project's compose file and allowedHosts count as local.` +
      (composeRefusal ? ` ${composeRefusalText(host, composeRefusal)}` : '') +
      (composeProblems.length > 0 ? ` (The compose file could not be read: ${composeProblems.join('; ')}.)` : ''),
    fix: allowHostFix(host, target),
  }),
  cloudSocket: (target: Target, socket: string, provider: string) => ({
    message: `The socket "${socket}" is a ${provider} connection (through its proxy), not a local server.`,
    fix: `Point ${targetVariable(target)} at your local database.`,
  }),
  hostLocal: (host: string, how: string, composeFile?: string) =>
    how === 'compose service' ? `${host}: compose service${composeFile ? ` (${composeFile})` : ''}` : how === 'allowed host' ? `${host}: in allowedHosts` : `${host}: ${how}`,

  replicaHost: (target: Target, host: string, word: string) => ({
    message: `The host "${host}" looks like a read replica or reader endpoint (the word "${word}").`,
    fix: `Point ${targetVariable(target)} at the primary of your development database. ${allowHostFix(host, target)}`,
  }),
  replicaParameter: (target: Target, name: string, value: string) => ({
    message: `The connection asks for a replica (${name}=${value}).`,
    fix: `Remove ${name} from ${targetVariable(target)}: dbsafe guards and backs up a primary development database.`,
  }),
  srvCluster: (target: Target, host: string) => ({
    message: `mongodb+srv://${host} names a cluster through a DNS seed list, the way hosted clusters (MongoDB Atlas) are reached.`,
    fix: `Use a mongodb://localhost URL for development. ${allowHostFix(host, target)}`,
  }),

  certificate: (target: Target, what: string) => ({
    message: `The connection authenticates with a client certificate (${what}), which development databases do not use.`,
    fix: `Remove the certificate settings (${what}) from the environment for development, or point ${targetVariable(target)} at your local database.`,
  }),

  noDatabase: {
    message: 'No database is configured: no --url, DATABASE_URL, DB_*, PG*, MYSQL_*, MONGODB_URI or *_DATABASE_URL variable was found in the environment or the .env files.',
    fix: 'Set DATABASE_URL (in .env or the shell), or pass --url, so dbsafe knows which database to protect.',
  },

  productionMarker: (target: Target) => ({
    message: 'The database itself says it is production (its marker was written by `dbsafe mark production`). A tunnel or a copied .env can make production look local; the marker travels with the server.',
    fix: `Point ${targetVariable(target)} at a development database. If this really is a development copy, a person (not an agent) runs \`dbsafe mark development\` for it in a terminal.`,
  }),
  markerClear: (marker: string | null) => (marker ? `marked ${marker}` : 'no production marker'),

  standby: (target: Target, version: string) => ({
    message: `The server (${version}) is a standby: it replicates another server, which is where writes would have to go.`,
    fix: `Point ${targetVariable(target)} at a primary development server.`,
  }),
  readOnly: (target: Target) => ({
    message: 'The server or database refuses writes (read-only), as replicas and protected production databases do.',
    fix: `Point ${targetVariable(target)} at a writable development database, or make this one writable if it is yours.`,
  }),
  liveClear: (version: string) => version,
  createdByRun: (database: string) => `${database} does not exist yet: the command's framework creates it for the run and drops it after`,
};
