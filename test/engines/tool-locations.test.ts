import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPgToolCandidates } from '../../src/engines/postgres/binaries.js';
import { extraToolDirs } from '../../src/engines/tool-locations.js';
import { findAllTools, findTool, missingToolError } from '../../src/engines/tools.js';
import { tempDir } from '../helpers/cli.js';

/**
 * macOS layouts, simulated in a temporary directory: Homebrew's keg-only
 * formulae (libpq, postgresql@N, mysql-client) stay off PATH, Postgres.app and
 * the EDB installer keep one bin directory per version.
 */
const temp = tempDir('dbsafe-mac-tools-');
afterAll(() => temp.cleanup());

function standIn(file: string, versionLine: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\necho "${versionLine}"\n`);
  chmodSync(file, 0o755);
  return file;
}

const mac = path.join(temp.dir, 'mac');
const brew = path.join(mac, 'opt', 'homebrew');
const libpq = standIn(path.join(brew, 'opt', 'libpq', 'bin', 'pg_dump'), 'pg_dump (PostgreSQL) 17.2');
const pg16 = standIn(path.join(brew, 'opt', 'postgresql@16', 'bin', 'pg_dump'), 'pg_dump (PostgreSQL) 16.6');
const mysqlClient = standIn(path.join(brew, 'opt', 'mysql-client', 'bin', 'mysqldump'), 'mysqldump  Ver 9.1.0');
const postgresApp = standIn(path.join(mac, 'Applications', 'Postgres.app', 'Contents', 'Versions', '15', 'bin', 'pg_dump'), 'pg_dump (PostgreSQL) 15.8');
standIn(path.join(mac, 'Library', 'PostgreSQL', '14', 'bin', 'pg_dump'), 'pg_dump (PostgreSQL) 14.13');
const mongodump = standIn(path.join(brew, 'opt', 'mongodb-database-tools', 'bin', 'mongodump'), 'mongodump version: 100.10.0');
mkdirSync(path.join(brew, 'opt', 'node', 'bin'), { recursive: true });

describe('client tools outside PATH (macOS layouts, simulated)', () => {
  it('lists Homebrew keg-only formulae, Postgres.app and EDB directories, newest first, only where they hold tools', () => {
    expect(extraToolDirs({}, undefined, mac)).toEqual([
      path.join(brew, 'opt', 'libpq', 'bin'),
      path.join(brew, 'opt', 'postgresql@16', 'bin'),
      path.join(brew, 'opt', 'mysql-client', 'bin'),
      path.join(brew, 'opt', 'mongodb-database-tools', 'bin'),
      path.join(mac, 'Applications', 'Postgres.app', 'Contents', 'Versions', '15', 'bin'),
      path.join(mac, 'Library', 'PostgreSQL', '14', 'bin'),
    ]);
  });

  it('follows HOMEBREW_PREFIX (Intel Macs, custom prefixes, Linuxbrew)', () => {
    const custom = path.join(temp.dir, 'custom-brew');
    standIn(path.join(custom, 'opt', 'postgresql@17', 'bin', 'pg_restore'), 'pg_restore (PostgreSQL) 17.2');
    standIn(path.join(custom, 'opt', 'postgresql@9', 'bin', 'pg_restore'), 'pg_restore (PostgreSQL) 9.6.24');
    expect(extraToolDirs({ HOMEBREW_PREFIX: custom }, undefined, path.join(temp.dir, 'no-mac')).slice(0, 2)).toEqual([
      path.join(custom, 'opt', 'postgresql@17', 'bin'),
      path.join(custom, 'opt', 'postgresql@9', 'bin'),
    ]);
  });

  it('finds a keg-only pg_dump without any PATH change, after PATH, and every copy for choosing a version', async () => {
    const env = { PATH: path.join(temp.dir, 'empty-bin'), HOMEBREW_PREFIX: brew };
    expect(findTool(['mongodump'], [], env)).toBe(mongodump);
    expect(findAllTools('mysqldump', env)).toContain(mysqlClient);
    const all = findAllTools('pg_dump', env);
    expect(all.indexOf(libpq)).toBeGreaterThan(-1);
    expect(all.indexOf(pg16)).toBeGreaterThan(all.indexOf(libpq));
    // The machine's own pg_dump (Debian's, on /usr/bin) comes before the kegs: PATH wins.
    if (all.includes('/usr/bin/pg_dump')) expect(all.indexOf('/usr/bin/pg_dump')).toBeLessThan(all.indexOf(libpq));
    const candidates = await findPgToolCandidates('pg_dump', env);
    expect(candidates.filter((c) => c.file.startsWith(brew)).map((c) => [c.file, c.major])).toEqual([
      [libpq, 17],
      [pg16, 16],
    ]);
  });

  it('considers every pg_dump on PATH, not only the first', async () => {
    const first = standIn(path.join(temp.dir, 'path-a', 'pg_dump'), 'pg_dump (PostgreSQL) 13.4');
    const second = standIn(path.join(temp.dir, 'path-b', 'pg_dump'), 'pg_dump (PostgreSQL) 17.1');
    const candidates = await findPgToolCandidates('pg_dump', { PATH: `${path.dirname(first)}:${path.dirname(second)}`, HOMEBREW_PREFIX: path.join(temp.dir, 'none') });
    expect(candidates.filter((c) => c.file.startsWith(temp.dir)).map((c) => c.major)).toEqual([13, 17]);
    expect(postgresApp).toContain('Postgres.app');
  });

  it('advises the formula dbsafe then finds, not one it cannot', () => {
    expect(missingToolError(['pg_dump'], 'back up').message).toContain('macOS: brew install libpq');
    expect(missingToolError(['mysqldump'], 'back up').message).toContain('macOS: brew install mysql-client');
  });
});
