import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { readComposeServices } from '../../src/safety/compose.js';
import { mergeEnvironment } from '../../src/safety/environment.js';
import { judgeTargets } from '../../src/safety/judge.js';
import { resolveTargets } from '../../src/target/resolve.js';
import { testDir } from '../helpers/cli.js';

/** Real compose files in a temporary project, read the way `check` reads them, then judged offline. */
async function judgeHost(files: Record<string, string>, host: string) {
  const dir = testDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const compose = await readComposeServices(dir);
  const env = { DATABASE_URL: `postgres://dev@${host}/app_dev` };
  const resolved = resolveTargets({ env, dotenv: [], cwd: dir, osUser: 'dev' });
  const verdict = judgeTargets({
    targets: resolved.all,
    problems: resolved.problems,
    variables: mergeEnvironment(env, []),
    config: DEFAULT_CONFIG,
    project: { projectRoot: dir, configFile: null, composeFiles: compose.files, composeServices: compose.services, composeProblems: compose.problems },
  });
  const hostRule = verdict.outcomes.find((o) => o.rule === 'host-not-local');
  return { verdict: verdict.verdict, failed: verdict.reasons.map((r) => r.rule), hostMessage: hostRule?.message ?? '' };
}

const service = (key: string, extra = '') => `services:\n  ${key}:\n    image: postgres\n${extra}`;
const alias = (name: string) => service('db', `    networks:\n      backend:\n        aliases: ["${name}"]\n`);

const RDS = 'mydb.abc123.us-east-1.rds.amazonaws.com';

describe('compose names never make a public, cloud or production host local', () => {
  const refused: Array<[string, Record<string, string>, string]> = [
    ['a network alias that is an RDS endpoint', { 'compose.yaml': alias(RDS) }, RDS],
    ['the same alias with a trailing dot', { 'compose.yaml': alias(RDS) }, `${RDS}.`],
    ['the same alias in upper case', { 'compose.yaml': alias(RDS.toUpperCase()) }, RDS.toUpperCase()],
    ['a network alias with a public TLD', { 'compose.yaml': alias('prod.db.example.com') }, 'prod.db.example.com'],
    ['a public alias without a production word', { 'compose.yaml': alias('db.example.com') }, 'db.example.com'],
    ['a container_name with a public TLD', { 'compose.yaml': service('db', '    container_name: db.example.com\n') }, 'db.example.com'],
    ['a hostname with a public TLD', { 'compose.yaml': service('db', '    hostname: shop-db.example.org\n') }, 'shop-db.example.org'],
    ['a service key with a public TLD', { 'compose.yaml': service('db.example.net') }, 'db.example.net'],
    ['a hostname added by compose.override.yaml', { 'compose.yaml': service('db'), 'compose.override.yaml': service('db', '    hostname: db.example.com\n') }, 'db.example.com'],
    ['an alias added by docker-compose.override.yml', { 'docker-compose.yml': service('db'), 'docker-compose.override.yml': alias(RDS) }, RDS],
    ['a service literally named prod', { 'compose.yaml': service('prod') }, 'prod'],
    ['a service named PROD in upper case', { 'compose.yaml': service('PROD') }, 'PROD'],
    ['a hostname with a production word', { 'compose.yaml': service('db', '    hostname: live-db\n') }, 'live-db'],
    ['a name only in extra_hosts (it names another machine)', { 'compose.yaml': service('app', '    extra_hosts:\n      - "shopdb:10.0.0.5"\n') }, 'shopdb'],
    ['a dotted name with a trailing dot and a public TLD', { 'compose.yaml': alias('db.example.com.') }, 'db.example.com'],
    ["an alias under .internal (Google Cloud's VM names)", { 'compose.yaml': alias('db.c.shop-prj.internal') }, 'db.c.shop-prj.internal'],
    ['an alias under .local (mDNS reaches machines on the network)', { 'compose.yaml': alias('orders.local') }, 'orders.local'],
    ['an alias under .corp', { 'compose.yaml': alias('orders.corp') }, 'orders.corp'],
  ];
  it.each(refused)('%s is not local', async (_name, files, host) => {
    const result = await judgeHost(files, host);
    expect(result.verdict).toBe('refused');
    expect(result.failed).toContain('host-not-local');
    expect(result.hostMessage).not.toContain('compose service');
  });

  it('a replica word in a compose name still refuses', async () => {
    const result = await judgeHost({ 'compose.yaml': service('db-replica') }, 'db-replica');
    expect(result.failed).toContain('replica-endpoint');
  });

  it('names the compose file that defined the rejected name, and why', async () => {
    const result = await judgeHost({ 'compose.yaml': service('db'), 'compose.override.yaml': alias(RDS) }, RDS);
    expect(result.hostMessage).toContain(`compose.override.yaml names "${RDS}"`);
    expect(result.hostMessage).toContain('managed database endpoint (Amazon RDS/Aurora)');
  });

  it('a cloud endpoint written with a trailing dot is still recognised as the cloud', async () => {
    const result = await judgeHost({}, `${RDS}.`);
    expect(result.hostMessage).toContain('Amazon RDS/Aurora');
  });
});

describe('compose names that are local', () => {
  const local: Array<[string, Record<string, string>, string, string]> = [
    ['a service key', { 'compose.yaml': service('db') }, 'db', 'compose.yaml'],
    ['a service key in upper case', { 'compose.yaml': service('db') }, 'DB', 'compose.yaml'],
    ["Laravel Sail's laravel.test (a reserved suffix)", { 'docker-compose.yml': service('laravel.test') }, 'laravel.test', 'docker-compose.yml'],
    ['an alias under .test', { 'compose.yaml': alias('pg.shop.test') }, 'pg.shop.test', 'compose.yaml'],
    ['a hostname defined only in the override file', { 'compose.yaml': service('app'), 'compose.override.yaml': service('db', '    hostname: pg\n') }, 'pg', 'compose.override.yaml'],
  ];
  it.each(local)('%s is local, citing the file it came from', async (_name, files, host, file) => {
    const result = await judgeHost(files, host);
    expect(result.verdict).toBe('safe');
    expect(result.hostMessage).toBe(`${host}: compose service (${file})`);
  });
});
