import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runAsPostgres } from '../helpers/private-postgres.js';
import { live } from '../../src/engines/postgres/live.js';
import { isDbsafeError } from '../../src/errors.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import { runCli, tempDir } from '../helpers/cli.js';

/**
 * A private PostgreSQL primary and a streaming standby of it, started for
 * this file only (NOTES.md, "A real PostgreSQL standby"): the shared server
 * allows no replication and trusts every password, so the standby and the
 * wrong-password cases need their own instance. Both are stopped and removed.
 */
const PASSWORD_ROLE = 'dbsafe_test_pw';
let base = '';
let primaryPort = 0;
let standbyPort = 0;

function asPostgres(program: string, args: string[]): void {
  runAsPostgres(program, args, path.join(base, 'commands.log'));
}

function sql(port: number, statement: string): string {
  return execFileSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', statement], { encoding: 'utf8' }).trim();
}

const serverOptions = (port: number) => `-p ${port} -k ${path.join(base, 'sock')} -c listen_addresses=127.0.0.1 -c fsync=off`;
const targetOf = (url: string) => parseDatabaseUrl(url, { kind: 'flag', name: '--url' }, '/tmp');

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'dbsafe-pg-private-'));
  mkdirSync(path.join(base, 'sock'));
  if (process.getuid?.() === 0) {
    const { uid, gid } = { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) };
    chownSync(base, uid, gid);
    chownSync(path.join(base, 'sock'), uid, gid);
  }
  [primaryPort, standbyPort] = [await freePort(), await freePort()];
  const primary = path.join(base, 'primary');
  const standby = path.join(base, 'standby');
  asPostgres('initdb', ['-D', primary, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  // First match wins: the password role must authenticate by password; everything else is trusted.
  const hba = [
    `host all ${PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256`,
    'host all all 127.0.0.1/32 trust',
    'host replication all 127.0.0.1/32 trust',
    'local all all trust',
    '',
  ].join('\n');
  writeFileSync(path.join(primary, 'pg_hba.conf'), hba);
  asPostgres('pg_ctl', ['-D', primary, '-o', serverOptions(primaryPort), '-l', path.join(base, 'primary.log'), '-w', 'start']);
  sql(primaryPort, `CREATE ROLE ${PASSWORD_ROLE} LOGIN PASSWORD 'right-password'`);
  sql(primaryPort, 'CREATE DATABASE app_dev');
  asPostgres('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', standby, '-R', '-X', 'stream', '-c', 'fast']);
  asPostgres('pg_ctl', ['-D', standby, '-o', serverOptions(standbyPort), '-l', path.join(base, 'standby.log'), '-w', 'start']);
}, 60_000);

afterAll(() => {
  for (const dir of ['standby', 'primary']) {
    try {
      asPostgres('pg_ctl', ['-D', path.join(base, dir), '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Not started (setup failed earlier): nothing to stop.
    }
  }
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('a private PostgreSQL primary and standby', () => {
  it('reads the standby as a standby, and the primary as a primary', async () => {
    const standby = await live.probe(targetOf(`postgres://postgres@127.0.0.1:${standbyPort}/app_dev`));
    expect(standby).toMatchObject({ standby: true, readOnly: true });
    const primary = await live.probe(targetOf(`postgres://postgres@127.0.0.1:${primaryPort}/app_dev`));
    expect(primary).toMatchObject({ standby: false, readOnly: false });
  });

  it('makes `dbsafe check` refuse the standby (exit 3)', async () => {
    const project = tempDir();
    try {
      const result = await runCli(['check', '--json', '--url', `postgres://postgres@127.0.0.1:${standbyPort}/app_dev`], { cwd: project.dir });
      expect(result.code).toBe(3);
      const report = JSON.parse(result.stdout) as { verdict: string; reasons: Array<{ rule: string }>; targets: Array<{ live: { standby: boolean } }> };
      expect(report.verdict).toBe('refused');
      expect(report.reasons.map((r) => r.rule)).toContain('standby');
      expect(report.targets[0]?.live.standby).toBe(true);
    } finally {
      project.cleanup();
    }
  });

  it('explains a wrong password, and accepts the right one', async () => {
    const url = (password: string) => `postgres://${PASSWORD_ROLE}:${password}@127.0.0.1:${primaryPort}/app_dev`;
    let error: unknown;
    try {
      await live.probe(targetOf(url('wrong-password')));
    } catch (caught) {
      error = caught;
    }
    expect(isDbsafeError(error) && error.code).toBe('live-authentication');
    expect((error as Error).message).toContain(`refused the login of user "${PASSWORD_ROLE}"`);
    expect((error as Error).message).toContain('Correct the user name or password in --url');
    expect((error as Error).message).not.toContain('wrong-password');
    expect((await live.probe(targetOf(url('right-password')))).standby).toBe(false);
  });
});
