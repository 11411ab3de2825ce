import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionUri } from '../../src/engines/mongodb/live.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import { runCli, tempDir } from '../helpers/cli.js';

/**
 * MongoDB cannot be installed on this machine, so `mongosh` is replaced by a
 * STAND-IN script: it records the arguments and environment it was given and
 * answers the way mongosh prints the probe script's JSON line. What is under
 * test is dbsafe's side: the URI travels in the environment, never in argv,
 * and the answers become the right verdicts.
 */
const STAND_IN = `#!/bin/sh
# Stand-in for mongosh (records its arguments and environment; not MongoDB).
dir="$(dirname "$0")"
printf '%s\\n' "$@" >> "$dir/args.log"
printf '%s\\n' "$DBSAFE_MONGODB_URI" >> "$dir/uri.log"
if [ -f "$dir/down" ]; then echo "MongoServerSelectionError: connect ECONNREFUSED 127.0.0.1:27017" >&2; exit 1; fi
case "$*" in
  *replaceOne*) printf '%s' "$DBSAFE_MONGODB_MARKER" > "$dir/marker.$DBSAFE_MONGODB_DATABASE"; echo '{"ok":true}' ;;
  *)
    marker=null
    [ -f "$dir/marker.$DBSAFE_MONGODB_DATABASE" ] && marker="\\"$(cat "$dir/marker.$DBSAFE_MONGODB_DATABASE")\\""
    secondary=false
    [ -f "$dir/secondary" ] && secondary=true
    echo "{\\"version\\":\\"7.0.12\\",\\"primary\\":true,\\"secondary\\":$secondary,\\"marker\\":$marker}" ;;
esac
`;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setup() {
  const project = tempDir();
  const tools = tempDir('dbsafe-mongosh-standin-');
  cleanups.push(project.cleanup, tools.cleanup);
  const standIn = path.join(tools.dir, 'mongosh');
  writeFileSync(standIn, STAND_IN);
  chmodSync(standIn, 0o755);
  const env = { PATH: `${tools.dir}:${process.env.PATH ?? '/usr/bin:/bin'}`, MONGODB_URI: 'mongodb://app:s3cret-pw@localhost:27017/shop_dev' };
  return { project: project.dir, tools: tools.dir, env };
}

type Report = { verdict: string; exitCode: number; reasons: Array<{ rule: string; message: string }>; targets: Array<{ live: { serverVersion?: string; marker?: string } }> };

describe('MongoDB live checks through a mongosh stand-in', () => {
  it('passes the URI through the environment, never on the command line', async () => {
    const { project, tools, env } = setup();
    const result = await runCli(['check', '--json'], { cwd: project, env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.targets[0]?.live).toMatchObject({ serverVersion: 'MongoDB 7.0.12', marker: null });
    const args = readFileSync(path.join(tools, 'args.log'), 'utf8');
    expect(args).toContain('--nodb');
    expect(args).not.toContain('s3cret-pw');
    expect(readFileSync(path.join(tools, 'uri.log'), 'utf8')).toContain('mongodb://app:s3cret-pw@localhost:27017/shop_dev');
    expect(result.stdout).not.toContain('s3cret-pw');
  });

  it('marks production in the dbsafe database and check then refuses', async () => {
    const { project, tools, env } = setup();
    const marked = await runCli(['mark', 'production'], { cwd: project, env });
    expect(marked.code).toBe(0);
    expect(readFileSync(path.join(tools, 'marker.shop_dev'), 'utf8')).toBe('production');
    expect(readFileSync(path.join(tools, 'args.log'), 'utf8')).toContain("getDB('dbsafe').getCollection('markers')");
    const result = await runCli(['check', '--json'], { cwd: project, env });
    expect(result.code).toBe(3);
    expect((JSON.parse(result.stdout) as Report).reasons.map((r) => r.rule)).toEqual(['production-marker']);
  });

  it('refuses a secondary', async () => {
    const { project, tools, env } = setup();
    writeFileSync(path.join(tools, 'secondary'), '');
    const result = await runCli(['check', '--json'], { cwd: project, env });
    expect(result.code).toBe(3);
    expect((JSON.parse(result.stdout) as Report).reasons.map((r) => r.rule)).toContain('standby');
  });

  it('explains an unreachable server (exit 1)', async () => {
    const { project, tools, env } = setup();
    writeFileSync(path.join(tools, 'down'), '');
    const result = await runCli(['check'], { cwd: project, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Cannot reach the MongoDB server at localhost:27017');
    expect(result.stdout).toContain('Start the server');
  });

  it('says how to install mongosh when it is missing', async () => {
    const { project, env } = setup();
    const result = await runCli(['check'], { cwd: project, env: { ...env, PATH: '/nonexistent' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('mongosh was not found on PATH');
    expect(existsSync(path.join(project, 'args.log'))).toBe(false);
  });

  it('rebuilds a connection string from a parsed target', () => {
    const target = parseDatabaseUrl('mongodb://u:p%40ss@h1:27018,h2/shop?replicaSet=rs0', { kind: 'env', name: 'MONGODB_URI' }, '/p');
    expect(connectionUri(target)).toBe('mongodb://u:p%40ss@h1:27018,h2:27018/shop?replicaSet=rs0&serverSelectionTimeoutMS=5000');
  });
});
