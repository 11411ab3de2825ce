import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowedHostProblem, publicSuffixOf } from '../../src/config/allowed-hosts.js';
import { validateConfig } from '../../src/config/schema.js';
import { runCli, testDir } from '../helpers/cli.js';

describe('allowedHosts patterns that match public suffixes are refused', () => {
  it.each([
    ['*', 'whole first label'],
    ['**', 'whole first label'],
    ['*.', 'whole first label'],
    ['*com', 'whole first label'],
    ['db.*.example.com', 'whole first label'],
    ['*.*.com', 'whole first label'],
    ['10.0.0.*', 'whole first label'],
    ['*..example.com', 'not a host name pattern'],
    ['*.com', 'public suffix "com"'],
    ['*.COM', 'public suffix "com"'],
    ['*.com.', 'public suffix "com"'],
    [' *.Com.. ', 'public suffix "com"'],
    ['*.ｃｏｍ', 'public suffix "com"'],
    ['*.io', 'public suffix "io"'],
    ['*.internal', 'public suffix "internal"'],
    ['*.co.uk', 'public suffix "co.uk"'],
    ['*.CO.UK.', 'public suffix "co.uk"'],
    ['*.com.au', 'public suffix "com.au"'],
    ['*.co.jp', 'public suffix "co.jp"'],
    ['*.amazonaws.com', 'public suffix "amazonaws.com"'],
    ['*.rds.amazonaws.com', 'public suffix "rds.amazonaws.com"'],
    ['*.us-east-1.rds.amazonaws.com', 'public suffix "us-east-1.rds.amazonaws.com"'],
    ['*.eu-west-1.compute.amazonaws.com', 'public suffix "eu-west-1.compute.amazonaws.com"'],
    ['*.compute-1.amazonaws.com', 'public suffix "compute-1.amazonaws.com"'],
    ['*.postgres.database.azure.com', 'public suffix "postgres.database.azure.com"'],
    ['*.database.windows.net', 'public suffix "database.windows.net"'],
    ['*.us-east-2.aws.neon.tech', 'public suffix "us-east-2.aws.neon.tech"'],
    ['*.supabase.co', 'public suffix "supabase.co"'],
    ['*.pooler.supabase.com', 'public suffix "pooler.supabase.com"'],
    ['*.mongodb.net', 'public suffix "mongodb.net"'],
    ['*.db.ondigitalocean.com', 'public suffix "db.ondigitalocean.com"'],
    ['*.oregon-postgres.render.com', 'public suffix "oregon-postgres.render.com"'],
    ['*.aivencloud.com', 'public suffix "aivencloud.com"'],
    ['*.sql.goog', 'public suffix "sql.goog"'],
  ])('%j is refused (%s)', (entry, why) => {
    const problem = allowedHostProblem(entry);
    expect(problem).toContain(why);
    expect(problem).toContain('List the database hosts themselves');
    expect(validateConfig({ allowedHosts: ['db.internal', entry] })).toEqual([`"allowedHosts" ${problem}`]);
  });

  it.each([
    'db.internal',
    'pg.dev.example.com',
    '*.dev.internal',
    '*.example.com',
    '*.dev.example.co.uk',
    '*.example.co.uk',
    '*.example.com.au',
    '*.svc.cluster.local',
    '*.docker.internal',
    '*.localhost',
    '*.abc123xyz.us-east-1.rds.amazonaws.com',
    '*.ab12cd.mongodb.net',
    'com',
    'mydb.abc123.us-east-1.rds.amazonaws.com',
  ])('%j is accepted', (entry) => {
    expect(allowedHostProblem(entry)).toBeNull();
    expect(validateConfig({ allowedHosts: [entry] })).toEqual([]);
  });

  it('finds the longest public suffix, with the list\'s wildcard rules and its default rule', () => {
    expect(publicSuffixOf('shop.example.co.uk')).toBe('co.uk');
    expect(publicSuffixOf('x.abc.us-east-1.rds.amazonaws.com')).toBe('us-east-1.rds.amazonaws.com');
    expect(publicSuffixOf('db.example.dev')).toBe('dev');
  });

  it('dbsafe check exits 2 for allowedHosts ["*"], naming the entry and the fix, instead of trusting every host', async () => {
    const dir = testDir();
    writeFileSync(path.join(dir, 'dbsafe.config.json'), '{ "allowedHosts": ["*.com"] }');
    const result = await runCli(['check', '--offline'], { cwd: dir, env: { DATABASE_URL: 'postgres://app@prod-db.example.com/app_dev' } });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('"allowedHosts" has "*.com", which would treat every host under the public suffix "com" as local');
    expect(result.stdout).toContain('List the database hosts themselves');
  });
});
