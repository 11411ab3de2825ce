import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { choosePgTool, findPgToolCandidates, parseToolVersion, type PgToolCandidate } from '../../src/engines/postgres/binaries.js';
import { isDbsafeError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';

const tool = (major: number, minor = 0): PgToolCandidate => ({ file: `/usr/lib/postgresql/${major}/bin/pg_dump`, version: `${major}.${minor}`, major });

function failure(run: () => unknown): Error & { code?: string } {
  try {
    run();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a failure');
}

describe('choosePgTool', () => {
  const cases: Array<{ name: string; candidates: PgToolCandidate[]; server: number | null; chosen: number }> = [
    { name: 'the matching major wins over a newer one', candidates: [tool(17), tool(15), tool(13)], server: 15, chosen: 15 },
    { name: 'else the oldest newer one', candidates: [tool(17), tool(16), tool(13)], server: 14, chosen: 16 },
    { name: 'reading an archive takes the newest', candidates: [tool(13), tool(17), tool(15)], server: null, chosen: 17 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(choosePgTool('pg_dump', c.candidates, c.server === null ? null : { major: c.server, version: `${c.server}.2` }).major).toBe(c.chosen);
    });
  }

  it('refuses a client older than the server, naming both versions and what to install', () => {
    const error = failure(() => choosePgTool('pg_dump', [tool(15, 20), tool(14, 3)], { major: 17, version: '17.6' }));
    expect(error.code).toBe('postgres-client-too-old');
    expect(error.message).toContain('pg_dump 15.20');
    expect(error.message).toContain('PostgreSQL 17.6');
    expect(error.message).toContain('apt-get install postgresql-client-17');
    expect(error.message).toContain('DBSAFE_PG_BIN');
  });

  it('names the package when no client is installed at all', () => {
    const error = failure(() => choosePgTool('pg_restore', [], { major: 16, version: '16.1' }));
    expect(isDbsafeError(error) && error.code).toBe('tool-missing');
    expect(error.message).toContain('pg_restore was not found');
    expect(error.message).toContain('apt-get install postgresql-client-16');
  });
});

describe('parseToolVersion', () => {
  it.each([
    ['pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)', '15.20', 15],
    ['pg_restore (PostgreSQL) 17.6', '17.6', 17],
    ['pg_dump (PostgreSQL) 9.6.24', '9.6', 9],
  ])('%s', (line, version, major) => {
    expect(parseToolVersion(line)).toEqual({ version, major });
  });
});

describe('findPgToolCandidates', () => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());

  it('finds the installed Debian client by its version', async () => {
    const found = await findPgToolCandidates('pg_dump', { PATH: '/usr/bin:/bin' });
    expect(found.some((c) => c.file === '/usr/lib/postgresql/15/bin/pg_dump' && c.major === 15)).toBe(true);
  });

  it('uses only DBSAFE_PG_BIN when it is set, and says so when the tool is not there', async () => {
    const empty = path.join(temp.dir, 'empty');
    mkdirSync(empty);
    const error = await findPgToolCandidates('pg_dump', { DBSAFE_PG_BIN: empty }, 15).catch((e: Error & { code?: string }) => e);
    expect((error as { code?: string }).code).toBe('tool-missing');
    expect((error as Error).message).toContain(`DBSAFE_PG_BIN is ${empty}`);
    expect((error as Error).message).toContain('apt-get install postgresql-client-15');

    // A stand-in pg_dump that only answers --version, as an old client would.
    const old = path.join(temp.dir, 'old');
    mkdirSync(old);
    writeFileSync(path.join(old, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 12.22"\n');
    chmodSync(path.join(old, 'pg_dump'), 0o755);
    const pinned = await findPgToolCandidates('pg_dump', { DBSAFE_PG_BIN: old }, 15);
    expect(pinned).toEqual([{ file: path.join(old, 'pg_dump'), version: '12.22', major: 12 }]);
  });
});
