/**
 * The production indicators, as data. The evaluator in judge.ts walks these
 * tables; adding an indicator is adding a row here. A project's
 * dbsafe.config.json extends them (productionPatterns, allowedHosts).
 */

/**
 * Every rule a verdict can cite: the short title `check` prints beside ✓/✗,
 * and what a failure means: `refused` (a production indicator, exit 3),
 * `unusable` (dbsafe cannot read the configuration, exit 2) or `unverified`
 * (the live check could not run, exit 1).
 */
export const RULES = {
  'app-environment': { title: 'app environment', failure: 'refused' },
  'production-name': { title: 'database name', failure: 'refused' },
  'production-pattern': { title: 'production patterns (config)', failure: 'refused' },
  'host-not-local': { title: 'host is local', failure: 'refused' },
  'replica-endpoint': { title: 'not a replica or reader endpoint', failure: 'refused' },
  'cluster-endpoint': { title: 'not a cluster seed list', failure: 'refused' },
  'certificate-auth': { title: 'no certificate authentication', failure: 'refused' },
  'production-marker': { title: 'marker inside the database', failure: 'refused' },
  standby: { title: 'server is not a standby', failure: 'refused' },
  'read-only': { title: 'server accepts writes', failure: 'refused' },
  'target-problem': { title: 'database settings readable', failure: 'unusable' },
  'config-invalid': { title: 'configuration readable', failure: 'unusable' },
  'no-database': { title: 'a database is configured', failure: 'unusable' },
  'live-connection': { title: 'database reachable', failure: 'unverified' },
} as const satisfies Record<string, { title: string; failure: 'refused' | 'unusable' | 'unverified' }>;

export type RuleId = keyof typeof RULES;

/**
 * Variables through which frameworks name the app's environment. A value
 * whose words include a production token (production, prod, live, prd) makes
 * the environment production: `NODE_ENV=production`,
 * (Plain `ENV` is left out on purpose: POSIX sh reads it as the path of a startup file.)
 * `DJANGO_SETTINGS_MODULE=shop.settings.production`, `SPRING_PROFILES_ACTIVE=db,prod`.
 */
export const APP_ENVIRONMENT_VARIABLES: readonly string[] = [
  'APP_ENV',
  'NODE_ENV',
  'RAILS_ENV',
  'RACK_ENV',
  'FLASK_ENV',
  'MIX_ENV',
  'ASPNETCORE_ENVIRONMENT',
  'DOTNET_ENVIRONMENT',
  'DJANGO_SETTINGS_MODULE',
  'DJANGO_ENV',
  'ENVIRONMENT',
  'APP_ENVIRONMENT',
  'STAGE',
  'GO_ENV',
  'DENO_ENV',
  'SYMFONY_ENV',
  'CI_ENVIRONMENT',
  'YII_ENV',
  'WP_ENVIRONMENT_TYPE',
  'SPRING_PROFILES_ACTIVE',
  'VERCEL_ENV',
];

/** Words that mean production, in an environment value or a database name. */
export const PRODUCTION_TOKENS: readonly string[] = ['production', 'prod', 'live', 'prd'];

/** Host names that always mean this machine. */
export const LOCAL_HOST_NAMES: readonly string[] = ['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback'];

/** Managed database services, recognised by host name so a refusal can say which one it is. */
export const CLOUD_ENDPOINTS: ReadonlyArray<{ provider: string; host: RegExp }> = [
  { provider: 'Amazon RDS/Aurora', host: /\.rds\.amazonaws\.com(\.cn)?$/i },
  { provider: 'Amazon Redshift', host: /\.redshift(-serverless)?\.amazonaws\.com$/i },
  { provider: 'Amazon DocumentDB', host: /\.docdb\.amazonaws\.com$/i },
  { provider: 'an AWS EC2 host (Heroku Postgres runs there)', host: /\.compute(-\d+)?\.amazonaws\.com$/i },
  { provider: 'Google Cloud SQL', host: /\.sql\.goog$|^\/cloudsql\//i },
  { provider: 'Azure Database', host: /\.(postgres|mysql|mariadb)\.database\.azure\.com$|\.database\.windows\.net$|\.(documents|cosmos|mongo\.cosmos)\.azure\.com$/i },
  { provider: 'Neon', host: /\.neon\.tech$/i },
  { provider: 'Vercel Postgres', host: /\.vercel-storage\.com$/i },
  { provider: 'Supabase', host: /\.supabase\.(co|com|net)$/i },
  { provider: 'PlanetScale', host: /\.psdb\.cloud$/i },
  { provider: 'Render', host: /\.render\.com$/i },
  { provider: 'Railway', host: /\.(railway\.app|rlwy\.net|proxy\.rlwy\.net)$/i },
  { provider: 'DigitalOcean Managed Databases', host: /\.db\.ondigitalocean\.com$/i },
  { provider: 'MongoDB Atlas', host: /\.mongodb\.net$/i },
  { provider: 'Aiven', host: /\.aivencloud\.com$/i },
  { provider: 'CockroachDB Cloud', host: /\.cockroachlabs\.cloud$/i },
  { provider: 'Timescale Cloud', host: /\.tsdb\.cloud\.timescale\.com$/i },
  { provider: 'Alibaba ApsaraDB', host: /\.aliyuncs\.com$/i },
  { provider: 'Fly.io', host: /\.(flycast|fly\.dev)$/i },
];

/**
 * DNS suffixes that never name a real server (RFC 2606 / RFC 6761). A dotted
 * compose name counts as a container of the project only under one of these
 * (Laravel Sail's `laravel.test`). Any other dotted name may reach a real
 * machine from outside Docker: public DNS, and also private-network names —
 * `.internal` (Google Cloud's VM names), `.local` (mDNS), `.corp`, `.lan`.
 */
export const PRIVATE_DNS_SUFFIXES: readonly string[] = ['test', 'example', 'invalid', 'localhost'];

/** Words of a host name that mean a read replica or a reader endpoint (Aurora's `cluster-ro-…`). */
export const REPLICA_HOST_WORDS: readonly string[] = ['replica', 'replicas', 'reader', 'ro', 'readonly', 'standby', 'secondary', 'slave', 'follower'];

/** Connection parameters that ask for a replica rather than the primary. */
export const REPLICA_PARAMETERS: ReadonlyArray<{ name: string; values: RegExp }> = [
  { name: 'target_session_attrs', values: /^(read-only|standby|prefer-standby)$/i },
  { name: 'readpreference', values: /^(secondary|secondarypreferred|nearest)$/i },
];

/** Connection parameters that mean certificate-based (X.509) authentication. */
export const CERTIFICATE_PARAMETERS: ReadonlyArray<{ name: string; values: RegExp }> = [{ name: 'authmechanism', values: /^mongodb-x509$/i }];

/** Environment variables through which libpq picks up a client certificate for any PostgreSQL connection. */
export const CERTIFICATE_VARIABLES: Readonly<Record<string, readonly string[]>> = {
  postgres: ['PGSSLCERT', 'PGSSLKEY'],
  mysql: [],
  sqlite: [],
  mongodb: [],
};

/** Compose files whose services count as local hosts, in the order Docker Compose looks for them. */
export const COMPOSE_FILES: readonly string[] = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yml',
  'docker-compose.yaml',
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
];
