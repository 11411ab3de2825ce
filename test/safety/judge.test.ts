import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type DbsafeConfig } from '../../src/config/schema.js';
import type { ServerFacts } from '../../src/engines/types.js';
import { mergeEnvironment } from '../../src/safety/environment.js';
import { judgeTargets, staticallyRefused } from '../../src/safety/judge.js';
import type { RuleId } from '../../src/safety/rules.js';
import type { LiveResult, ProjectFacts } from '../../src/safety/types.js';
import { resolveTargets } from '../../src/target/resolve.js';
import type { Target } from '../../src/target/types.js';

interface Case {
  env: Record<string, string>;
  dotenv?: Record<string, string>;
  config?: Partial<DbsafeConfig>;
  compose?: string[];
  live?: Partial<ServerFacts> | { error: string };
  verdict: 'safe' | 'refused' | 'error';
  /** The rule that must have failed (for refused/error cases). */
  rule?: RuleId;
}

const PG = 'postgres://app:secret@127.0.0.1:5432/app_dev';

function judge(c: Case) {
  const dotenv = c.dotenv ? [{ file: '/project/.env', values: c.dotenv }] : [];
  const resolved = resolveTargets({ env: c.env, dotenv, cwd: '/project', osUser: 'dev' });
  const project: ProjectFacts = {
    projectRoot: '/project',
    configFile: c.config ? '/project/dbsafe.config.json' : null,
    composeFiles: c.compose ? ['compose.yaml'] : [],
    composeServices: (c.compose ?? []).map((name) => ({ name, file: 'compose.yaml' })),
    composeProblems: [],
  };
  let live: Map<Target, LiveResult> | undefined;
  if (c.live) {
    const result: LiveResult =
      'error' in c.live
        ? { ok: false, code: 'live-unreachable', message: `${c.live.error}. Start the server.` }
        : { ok: true, facts: { serverVersion: 'PostgreSQL 15.20', standby: false, readOnly: false, marker: null, ...c.live } };
    live = new Map(resolved.all.map((t) => [t, result]));
  }
  return judgeTargets({
    targets: resolved.all,
    problems: resolved.problems,
    variables: mergeEnvironment(c.env, dotenv),
    config: { ...DEFAULT_CONFIG, ...c.config },
    project,
    live,
  });
}

const cases: Array<[string, Case]> = [
  // App-environment variables.
  ['a local development database', { env: { DATABASE_URL: PG }, verdict: 'safe' }],
  ['NODE_ENV=development', { env: { DATABASE_URL: PG, NODE_ENV: 'development' }, verdict: 'safe' }],
  ['NODE_ENV=test', { env: { DATABASE_URL: PG, NODE_ENV: 'test' }, verdict: 'safe' }],
  ['NODE_ENV=production', { env: { DATABASE_URL: PG, NODE_ENV: 'production' }, verdict: 'refused', rule: 'app-environment' }],
  ['APP_ENV=prod', { env: { DATABASE_URL: PG, APP_ENV: 'prod' }, verdict: 'refused', rule: 'app-environment' }],
  ['APP_ENV=local (Laravel)', { env: { DATABASE_URL: PG, APP_ENV: 'local' }, verdict: 'safe' }],
  ['RAILS_ENV=production', { env: { DATABASE_URL: PG, RAILS_ENV: 'production' }, verdict: 'refused', rule: 'app-environment' }],
  ['RACK_ENV=live', { env: { DATABASE_URL: PG, RACK_ENV: 'live' }, verdict: 'refused', rule: 'app-environment' }],
  ['FLASK_ENV=Production (any case)', { env: { DATABASE_URL: PG, FLASK_ENV: 'Production' }, verdict: 'refused', rule: 'app-environment' }],
  ['MIX_ENV=prod', { env: { DATABASE_URL: PG, MIX_ENV: 'prod' }, verdict: 'refused', rule: 'app-environment' }],
  ['MIX_ENV=dev', { env: { DATABASE_URL: PG, MIX_ENV: 'dev' }, verdict: 'safe' }],
  ['ASPNETCORE_ENVIRONMENT=Production', { env: { DATABASE_URL: PG, ASPNETCORE_ENVIRONMENT: 'Production' }, verdict: 'refused', rule: 'app-environment' }],
  ['DOTNET_ENVIRONMENT=Development', { env: { DATABASE_URL: PG, DOTNET_ENVIRONMENT: 'Development' }, verdict: 'safe' }],
  ['DJANGO_SETTINGS_MODULE=shop.settings.production', { env: { DATABASE_URL: PG, DJANGO_SETTINGS_MODULE: 'shop.settings.production' }, verdict: 'refused', rule: 'app-environment' }],
  ['DJANGO_SETTINGS_MODULE=config.settings.prod', { env: { DATABASE_URL: PG, DJANGO_SETTINGS_MODULE: 'config.settings.prod' }, verdict: 'refused', rule: 'app-environment' }],
  ['DJANGO_SETTINGS_MODULE=shop.settings.local', { env: { DATABASE_URL: PG, DJANGO_SETTINGS_MODULE: 'shop.settings.local' }, verdict: 'safe' }],
  ['ENVIRONMENT=prd', { env: { DATABASE_URL: PG, ENVIRONMENT: 'prd' }, verdict: 'refused', rule: 'app-environment' }],
  ['STAGE=prod-eu', { env: { DATABASE_URL: PG, STAGE: 'prod-eu' }, verdict: 'refused', rule: 'app-environment' }],
  ['STAGE=preprod is not a production word', { env: { DATABASE_URL: PG, STAGE: 'preprod' }, verdict: 'safe' }],
  ['SPRING_PROFILES_ACTIVE=db,prod', { env: { DATABASE_URL: PG, SPRING_PROFILES_ACTIVE: 'db,prod' }, verdict: 'refused', rule: 'app-environment' }],
  ['APP_ENV=production in .env', { env: {}, dotenv: { DATABASE_URL: PG, APP_ENV: 'production' }, verdict: 'refused', rule: 'app-environment' }],
  ['the shell overrides .env: APP_ENV=local wins', { env: { APP_ENV: 'local' }, dotenv: { DATABASE_URL: PG, APP_ENV: 'production' }, verdict: 'safe' }],
  ['NODE_ENV=productivity-tools is not production', { env: { DATABASE_URL: PG, NODE_ENV: 'productivity-tools' }, verdict: 'safe' }],
  // Database names, word by word.
  ['orders_live', { env: { DATABASE_URL: 'postgres://localhost/orders_live' }, verdict: 'refused', rule: 'production-name' }],
  ['orders_prod', { env: { DATABASE_URL: 'postgres://localhost/orders_prod' }, verdict: 'refused', rule: 'production-name' }],
  ['shopProduction (camelCase)', { env: { DATABASE_URL: 'mysql://root@localhost/shopProduction' }, verdict: 'refused', rule: 'production-name' }],
  ['app-prd', { env: { DATABASE_URL: 'postgres://localhost/app-prd' }, verdict: 'refused', rule: 'production-name' }],
  ['prod2 (digits)', { env: { DATABASE_URL: 'postgres://localhost/shop_prod2' }, verdict: 'refused', rule: 'production-name' }],
  ['delivery_dev', { env: { DATABASE_URL: 'postgres://localhost/delivery_dev' }, verdict: 'safe' }],
  ['products_test', { env: { DATABASE_URL: 'postgres://localhost/products_test' }, verdict: 'safe' }],
  ['liveliness', { env: { DATABASE_URL: 'postgres://localhost/liveliness' }, verdict: 'safe' }],
  ['productivity', { env: { DATABASE_URL: 'postgres://localhost/productivity' }, verdict: 'safe' }],
  ['a SQLite file named prod.sqlite3', { env: { DATABASE_URL: 'sqlite:db/prod.sqlite3' }, verdict: 'refused', rule: 'production-name' }],
  ['a SQLite file named development.sqlite3', { env: { DATABASE_URL: 'sqlite:db/development.sqlite3' }, verdict: 'safe' }],
  ['a config word pattern', { env: { DATABASE_URL: 'postgres://localhost/shop_main' }, config: { productionPatterns: ['main'] }, verdict: 'refused', rule: 'production-pattern' }],
  ['a config regex pattern', { env: { DATABASE_URL: 'postgres://localhost/acme01' }, config: { productionPatterns: ['/^acme\\d+$/'] }, verdict: 'refused', rule: 'production-pattern' }],
  ['a config pattern that does not match', { env: { DATABASE_URL: 'postgres://localhost/shop_dev' }, config: { productionPatterns: ['main'] }, verdict: 'safe' }],
  // Hosts.
  ['localhost', { env: { DATABASE_URL: 'postgres://localhost/app_dev' }, verdict: 'safe' }],
  ['127.0.0.2 is loopback', { env: { DATABASE_URL: 'postgres://127.0.0.2/app_dev' }, verdict: 'safe' }],
  ['::1', { env: { DATABASE_URL: 'postgres://[::1]/app_dev' }, verdict: 'safe' }],
  ['a unix socket', { env: { DATABASE_URL: 'postgres:///app_dev?host=/var/run/postgresql' }, verdict: 'safe' }],
  ['PGHOST as a socket directory', { env: { PGHOST: '/var/run/postgresql', PGDATABASE: 'app_dev' }, verdict: 'safe' }],
  ['a Cloud SQL proxy socket', { env: { DATABASE_URL: 'postgres:///app_dev?host=/cloudsql/proj:eu:db' }, verdict: 'refused', rule: 'host-not-local' }],
  ['Laravel Sail DB_HOST=mysql as a compose service', { env: { DB_CONNECTION: 'mysql', DB_HOST: 'mysql', DB_DATABASE: 'laravel' }, compose: ['mysql', 'redis'], verdict: 'safe' }],
  ['DB_HOST=mysql without a compose file', { env: { DB_CONNECTION: 'mysql', DB_HOST: 'mysql', DB_DATABASE: 'laravel' }, verdict: 'refused', rule: 'host-not-local' }],
  ['a Rails app db service', { env: { DATABASE_URL: 'postgres://postgres@db/app_development' }, compose: ['db'], verdict: 'safe' }],
  ['a LAN address', { env: { DATABASE_URL: 'postgres://192.168.1.20/app_dev' }, verdict: 'refused', rule: 'host-not-local' }],
  ['a single-label name', { env: { DATABASE_URL: 'postgres://dbserver/app_dev' }, verdict: 'refused', rule: 'host-not-local' }],
  ['an allowed host', { env: { DATABASE_URL: 'postgres://dev-db.internal/app_dev' }, config: { allowedHosts: ['dev-db.internal'] }, verdict: 'safe' }],
  ['an allowed wildcard host', { env: { DATABASE_URL: 'postgres://pg.dev.internal/app_dev' }, config: { allowedHosts: ['*.dev.internal'] }, verdict: 'safe' }],
  ['Amazon RDS', { env: { DATABASE_URL: 'postgres://u:p@app.abc123.eu-west-1.rds.amazonaws.com/app_dev' }, verdict: 'refused', rule: 'host-not-local' }],
  ['Neon', { env: { DATABASE_URL: 'postgres://u:p@ep-cool-1.eu-central-1.aws.neon.tech/neondb' }, verdict: 'refused', rule: 'host-not-local' }],
  ['Supabase', { env: { DATABASE_URL: 'postgres://u:p@db.abcd.supabase.co:5432/postgres' }, verdict: 'refused', rule: 'host-not-local' }],
  ['PlanetScale', { env: { DATABASE_URL: 'mysql://u:p@aws.connect.psdb.cloud/shop' }, verdict: 'refused', rule: 'host-not-local' }],
  ['Heroku (EC2)', { env: { DATABASE_URL: 'postgres://u:p@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d1' }, verdict: 'refused', rule: 'host-not-local' }],
  ['an Aurora reader endpoint', { env: { DATABASE_URL: 'postgres://u:p@shop.cluster-ro-abc.eu-west-1.rds.amazonaws.com/app_dev' }, verdict: 'refused', rule: 'replica-endpoint' }],
  ['an allowed host named like a replica', { env: { DATABASE_URL: 'postgres://replica.dev.internal/app_dev' }, config: { allowedHosts: ['replica.dev.internal'] }, verdict: 'safe' }],
  ['target_session_attrs=read-only', { env: { DATABASE_URL: 'postgres://localhost/app_dev?target_session_attrs=read-only' }, verdict: 'refused', rule: 'replica-endpoint' }],
  ['MongoDB Atlas srv', { env: { MONGODB_URI: 'mongodb+srv://u:p@cluster0.ab12.mongodb.net/shop' }, verdict: 'refused', rule: 'cluster-endpoint' }],
  ['a local MongoDB', { env: { MONGODB_URI: 'mongodb://localhost:27017/shop_dev' }, verdict: 'safe' }],
  ['readPreference=secondary', { env: { MONGODB_URI: 'mongodb://localhost/shop_dev?readPreference=secondary' }, verdict: 'refused', rule: 'replica-endpoint' }],
  // Certificates.
  ['sslcert in the URL', { env: { DATABASE_URL: 'postgres://localhost/app_dev?sslcert=/c.pem&sslkey=/k.pem' }, verdict: 'refused', rule: 'certificate-auth' }],
  ['PGSSLCERT in the environment', { env: { DATABASE_URL: PG, PGSSLCERT: '/home/me/.postgresql/prod.crt' }, verdict: 'refused', rule: 'certificate-auth' }],
  ['MongoDB X.509', { env: { MONGODB_URI: 'mongodb://localhost/shop_dev?authMechanism=MONGODB-X509' }, verdict: 'refused', rule: 'certificate-auth' }],
  ['sslmode=require alone is fine', { env: { DATABASE_URL: 'postgres://localhost/app_dev?sslmode=require' }, verdict: 'safe' }],
  // Several databases: the strictest wins.
  ['a safe DATABASE_URL and a production TEST_DATABASE_URL', { env: { DATABASE_URL: PG, REPORTING_DATABASE_URL: 'postgres://localhost/reporting_prod' }, verdict: 'refused', rule: 'production-name' }],
  ['two safe databases', { env: { DATABASE_URL: PG, TEST_DATABASE_URL: 'postgres://localhost/app_test' }, verdict: 'safe' }],
  // Fail closed.
  ['no database at all', { env: {}, verdict: 'error', rule: 'no-database' }],
  ['a malformed URL', { env: { DATABASE_URL: 'postgres://u:p@host:99999/db' }, verdict: 'error', rule: 'target-problem' }],
  ['an unknown scheme', { env: { DATABASE_URL: 'oracle://localhost/db' }, verdict: 'error', rule: 'target-problem' }],
  // Look-alike letters (a Cyrillic о, full-width letters) are read as the Latin letters they show.
  ['a database name with a Cyrillic о', { env: { DATABASE_URL: 'postgres://localhost/app_pr\u043ed' }, verdict: 'refused', rule: 'production-name' }],
  ['a full-width database name', { env: { DB_CONNECTION: 'pgsql', DB_DATABASE: 'ｓｈｏｐ＿ｐｒｏｄ' }, verdict: 'refused', rule: 'production-name' }],
  ['NODE_ENV with a Cyrillic о', { env: { DATABASE_URL: PG, NODE_ENV: 'pr\u043eduction' }, verdict: 'refused', rule: 'app-environment' }],
  ['APP_ENV=PRОD with a Cyrillic О', { env: { DATABASE_URL: PG }, dotenv: { APP_ENV: 'PR\u041eD' }, verdict: 'refused', rule: 'app-environment' }],
  ['a host matching a pattern through a look-alike', { env: { DB_CONNECTION: 'pgsql', DB_HOST: 'm\u0430in.db.internal', DB_DATABASE: 'app_dev' }, config: { allowedHosts: ['*.db.internal'], productionPatterns: ['main'] }, verdict: 'refused', rule: 'production-pattern' }],
  ['a malformed URL beside a production one: refused wins', { env: { DATABASE_URL: 'postgres://localhost/app_prod', OTHER_DB_URL: 'nope' }, verdict: 'refused', rule: 'production-name' }],
  // Live facts.
  ['live: no marker, primary', { env: { DATABASE_URL: PG }, live: {}, verdict: 'safe' }],
  ['live: marked development', { env: { DATABASE_URL: PG }, live: { marker: 'development' }, verdict: 'safe' }],
  ['live: marked production behind localhost (a tunnel)', { env: { DATABASE_URL: PG }, live: { marker: 'production' }, verdict: 'refused', rule: 'production-marker' }],
  ['live: a standby', { env: { DATABASE_URL: PG }, live: { standby: true, readOnly: true }, verdict: 'refused', rule: 'standby' }],
  ['live: a read-only server', { env: { DATABASE_URL: PG }, live: { readOnly: true }, verdict: 'refused', rule: 'read-only' }],
  ['live: unreachable', { env: { DATABASE_URL: PG }, live: { error: 'connection refused' }, verdict: 'error', rule: 'live-connection' }],
];

describe('judgeTargets', () => {
  it('has at least 40 environment cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('%s', (_name, c) => {
    const verdict = judge(c);
    expect(verdict.verdict).toBe(c.verdict);
    expect(verdict.exitCode).toBe({ safe: 0, refused: 3, error: c.rule === 'live-connection' ? 1 : 2 }[c.verdict]);
    if (c.rule) expect(verdict.reasons.map((r) => r.rule)).toContain(c.rule);
    if (c.verdict === 'safe') expect(verdict.reasons).toEqual([]);
    for (const reason of verdict.reasons) {
      expect(reason.message.length).toBeGreaterThan(10);
      expect(reason.fix?.length ?? 0).toBeGreaterThan(10);
    }
  });

  it('never puts a password into a reason or outcome', () => {
    const verdict = judge({ env: { DATABASE_URL: 'postgres://u:hunter2secret@db.example.com/app_prod', APP_ENV: 'production' }, verdict: 'refused' });
    expect(JSON.stringify(verdict.outcomes)).not.toContain('hunter2secret');
  });

  it('names the cloud provider, the value and the allowedHosts fix', () => {
    const verdict = judge({ env: { DATABASE_URL: 'postgres://u:p@app.abc123.eu-west-1.rds.amazonaws.com/app_dev' }, verdict: 'refused' });
    const reason = verdict.reasons.find((r) => r.rule === 'host-not-local')!;
    expect(reason.value).toBe('app.abc123.eu-west-1.rds.amazonaws.com');
    expect(reason.message).toContain('Amazon RDS/Aurora');
    expect(reason.fix).toContain('"allowedHosts" in dbsafe.config.json');
  });

  it('says "compose service" for a host of the compose file', () => {
    const verdict = judge({ env: { DATABASE_URL: 'postgres://db/app_dev' }, compose: ['db'], verdict: 'safe' });
    expect(verdict.outcomes.find((o) => o.rule === 'host-not-local')?.message).toContain('compose service');
  });

  it('names the variable and its file in an app-environment refusal', () => {
    const verdict = judge({ env: {}, dotenv: { DATABASE_URL: PG, APP_ENV: 'production' }, verdict: 'refused' });
    const reason = verdict.reasons.find((r) => r.rule === 'app-environment')!;
    expect(reason.value).toBe('APP_ENV=production');
    expect(reason.message).toContain('/project/.env');
    expect(reason.fix).toContain('change APP_ENV');
  });

  it('marks a statically refused database so it is never connected to', () => {
    const verdict = judge({ env: { DATABASE_URL: 'postgres://db.example.com/app_dev', TEST_DATABASE_URL: 'postgres://localhost/app_test' }, verdict: 'refused' });
    const [remote, local] = verdict.targets;
    expect(staticallyRefused(remote!, verdict.outcomes)).toBe(true);
    expect(staticallyRefused(local!, verdict.outcomes)).toBe(false);
  });
});

describe('renderReasons', () => {
  it('lists each failed rule with its fix and nothing that passed', async () => {
    const { renderReasons } = await import('../../src/safety/render.js');
    const { PLAIN } = await import('../../src/cli/output.js');
    const verdict = judge({ env: { DATABASE_URL: 'postgres://localhost/orders_live', NODE_ENV: 'production' }, verdict: 'refused' });
    const text = renderReasons(verdict, PLAIN);
    expect(text).toContain('✗ app environment: NODE_ENV=production');
    expect(text).toContain('✗ database name (PostgreSQL orders_live on localhost:5432 (DATABASE_URL)): The database name "orders_live"');
    expect(text.match(/fix: /g)).toHaveLength(2);
    expect(text).not.toContain('✓');
  });
});
