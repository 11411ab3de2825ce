import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readArchiveStructure } from '../../src/engines/mongodb/archive-format.js';
import { archive, namespacePattern } from '../../src/engines/mongodb/archive.js';
import { toolConfigFile, toolConnectionString } from '../../src/engines/mongodb/connection.js';
import { DbsafeError } from '../../src/errors.js';
import { parseDatabaseUrl } from '../../src/target/url.js';
import type { Target } from '../../src/target/types.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { fileOutput } from '../fixtures/backup-output.js';

/**
 * MongoDB cannot be installed here. These tests run dbsafe against the
 * STAND-IN scripts in test/fixtures/stand-ins (mongodump, mongorestore,
 * mongosh): they honour the tools' command-line contract, read and write
 * mongodump's archive format, and record every call, so the tests check the
 * exact arguments dbsafe passes and that the password only ever travels in
 * 0600 files.
 */
const STAND_INS = path.join(REPO_ROOT, 'test/fixtures/stand-ins');
const PASSWORD = `s3cr:et@"pa ss'`;

interface Call {
  tool: string;
  argv: string[];
  config?: string;
  script?: string;
}

function targetFor(url: string): Target {
  return parseDatabaseUrl(url, { kind: 'env', name: 'MONGODB_URI' }, '/');
}

describe('MongoDB archive (against the mongodump/mongorestore/mongosh stand-ins)', () => {
  let dir: { dir: string; cleanup: () => void };
  let state: string;
  const savedEnv = { PATH: process.env.PATH, DBSAFE_STANDIN_DIR: process.env.DBSAFE_STANDIN_DIR };
  const target = () => targetFor(`mongodb://dbsafe:${encodeURIComponent(PASSWORD)}@127.0.0.1:27017/app`);
  const database = (name: string) => {
    const file = path.join(state, 'db', `${name}.json`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown[]>) : null;
  };
  const calls = (): Call[] =>
    readFileSync(path.join(state, 'calls.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Call);
  const APP = {
    users: [
      { _id: 1, name: '顧客 🎉', tags: ['a', 'b'], active: true, score: 1.5 },
      { _id: 2, name: 'Zoë', tags: [], active: false, score: null },
      { _id: 3, name: 'plain', nested: { city: 'Paris', zip: 75001 } },
    ],
    orders: [{ _id: 10, user: 1, total: 12.5 }, { _id: 11, user: 3, total: 7 }],
    empty: [],
  };

  beforeEach(() => {
    dir = tempDir();
    state = path.join(dir.dir, 'stand-in');
    process.env.DBSAFE_STANDIN_DIR = state;
    process.env.PATH = `${STAND_INS}${path.delimiter}${savedEnv.PATH ?? ''}`;
    const dbDir = path.join(state, 'db');
    mkdirSync(dbDir, { recursive: true });
    writeFileSync(path.join(state, 'server.json'), JSON.stringify({ version: '7.0.14', password: PASSWORD }));
    writeFileSync(path.join(dbDir, 'app.json'), JSON.stringify(APP));
    writeFileSync(path.join(dbDir, 'other.json'), JSON.stringify({ keep: [{ _id: 1 }] }));
  });

  afterEach(() => {
    process.env.PATH = savedEnv.PATH;
    if (savedEnv.DBSAFE_STANDIN_DIR === undefined) delete process.env.DBSAFE_STANDIN_DIR;
    dir.cleanup();
  });

  it('backs up with mongodump --config=<0600 file> --archive --db=app: the password is in the file, never in argv', async () => {
    const file = path.join(dir.dir, 'app.archive.tmp');
    const output = fileOutput(file);
    const facts = await archive.backup(target(), output);

    expect(facts).toEqual({ clientTool: 'mongodump 100.10.0', serverVersion: 'MongoDB 7.0.14' });
    expect(readFileSync(file).subarray(0, 4)).toEqual(Buffer.from([0x6d, 0xe2, 0x99, 0x81]));
    expect(output.streamedBytes()).toBe(statSync(file).size);
    const [dump] = calls();
    expect(dump!.tool).toBe('mongodump');
    expect(dump!.argv).toEqual([expect.stringMatching(/^--config=\/.*\/dbsafe-secret-[^/]+\/mongodb-tools\.yaml$/), '--archive', '--db=app']);
    expect(parse(dump!.config!)).toEqual({ uri: 'mongodb://dbsafe@127.0.0.1:27017/?authSource=app', password: PASSWORD });
    expect(dump!.argv.join(' ')).not.toContain('s3cr');
    // The config file is gone once mongodump has finished.
    expect(existsSync(dump!.argv[0]!.slice('--config='.length))).toBe(false);
    expect((await readArchiveStructure(file)).namespaces).toEqual(['app.users', 'app.orders', 'app.empty']);
  });

  it('round trip: restore proves the archive in a scratch database, then replaces the target exactly; other databases untouched', async () => {
    const file = path.join(dir.dir, 'app.archive');
    await archive.backup(target(), fileOutput(file));
    await archive.checkArchive(file);
    const damaged = { users: [{ _id: 1, name: 'changed' }], late: [{ _id: 99 }] };
    writeFileSync(path.join(state, 'db', 'app.json'), JSON.stringify(damaged));
    const progress: number[] = [];

    await archive.restore(target(), file, (bytes) => progress.push(bytes));

    expect(database('app')).toEqual(APP);
    expect(database('other')).toEqual({ keep: [{ _id: 1 }] });
    expect(readdirSync(path.join(state, 'db')).sort()).toEqual(['app.json', 'other.json']);
    expect(progress.at(-1)).toBe(statSync(file).size);

    const [, scratchLoad, dropScratch, dropTarget, finalLoad] = calls();
    const scratch = /--nsTo=(dbsafe_verify_[0-9a-f]{12})\.\*/.exec(scratchLoad!.argv.join(' '))?.[1];
    expect(scratch).toBeDefined();
    expect(scratchLoad!.argv).toEqual([expect.stringMatching(/^--config=/), '--archive', '--nsInclude=app.*', '--stopOnError', '--nsFrom=app.*', `--nsTo=${scratch}.*`]);
    expect(dropScratch!.argv).toEqual(['--nodb', '--quiet', '--norc', '--file', expect.stringMatching(/dbsafe-secret-[^/]+\/dbsafe\.js$/)]);
    expect(dropScratch!.script).toContain(`conn.getDB("${scratch}").dropDatabase();`);
    expect(dropTarget!.script).toContain('conn.getDB("app").dropDatabase();');
    expect(finalLoad!.argv).toEqual([expect.stringMatching(/^--config=/), '--archive', '--nsInclude=app.*', '--stopOnError', '--drop']);
    for (const call of calls()) expect(call.argv.join(' ')).not.toContain('s3cr');
  });

  it('scratchRestore counts the documents of every collection in a throw-away database and drops it', async () => {
    const file = path.join(dir.dir, 'app.archive');
    await archive.backup(target(), fileOutput(file));
    expect(await archive.scratchRestore(target(), file)).toEqual({
      tables: [
        { name: 'empty', rows: 0 },
        { name: 'orders', rows: 2 },
        { name: 'users', rows: 3 },
      ],
    });
    expect(readdirSync(path.join(state, 'db')).sort()).toEqual(['app.json', 'other.json']);
  });

  it('an archive that fails to load part-way leaves the target untouched and the scratch database dropped', async () => {
    const file = path.join(dir.dir, 'app.archive');
    await archive.backup(target(), fileOutput(file));
    const current = { users: [{ _id: 1, name: 'current' }], late: [{ _id: 99 }] };
    writeFileSync(path.join(state, 'db', 'app.json'), JSON.stringify(current));
    process.env.DBSAFE_STANDIN_FAIL_RESTORE_INTO = 'dbsafe_verify_';
    try {
      const error = await archive.restore(target(), file).catch((e: unknown) => e);
      expect((error as DbsafeError).code).toBe('mongodb-restore-refused');
      expect((error as DbsafeError).message).toMatch(/invalid BSONSize.*"app" was not touched/s);
    } finally {
      delete process.env.DBSAFE_STANDIN_FAIL_RESTORE_INTO;
    }
    expect(database('app')).toEqual(current);
    expect(readdirSync(path.join(state, 'db')).sort()).toEqual(['app.json', 'other.json']);
    expect(calls().filter((call) => call.script?.includes('getDB("app").dropDatabase()'))).toEqual([]);
  });

  it('a wrong password is reported with the fix, without the password', async () => {
    const wrong = targetFor('mongodb://dbsafe:nope-wrong@127.0.0.1:27017/app');
    const file = path.join(dir.dir, 'x.archive');
    const error = await archive.backup(wrong, fileOutput(file)).catch((e: unknown) => e);
    expect((error as DbsafeError).code).toBe('mongodb-auth');
    expect((error as DbsafeError).message).toContain('Check the user name, password and authSource in MONGODB_URI');
    expect((error as DbsafeError).message).not.toContain('nope-wrong');
    expect((error as DbsafeError).exitCode).toBe(4);
    expect(existsSync(file)).toBe(false);
  });

  it('checkArchive reads the whole archive format and refuses a truncated one, a foreign file and an empty file', async () => {
    const file = path.join(dir.dir, 'app.archive');
    await archive.backup(target(), fileOutput(file));
    const complete = readFileSync(file);
    for (const cut of [complete.length - 4, complete.length - 30, Math.floor(complete.length / 2), 10]) {
      writeFileSync(file, complete.subarray(0, cut));
      await expect(archive.checkArchive(file), `cut at ${cut}`).rejects.toThrow(/not a complete mongodump archive: it (ends in the middle|was cut short).*dbsafe list/s);
    }
    writeFileSync(file, 'SQLite format 3\u0000');
    await expect(archive.checkArchive(file)).rejects.toThrow(/magic number \(0x8199e26d\)/);
    writeFileSync(file, '');
    await expect(archive.checkArchive(file)).rejects.toThrow(/it is empty/);
  });

  it('names the package to install when mongodump is not on PATH', async () => {
    process.env.PATH = '/usr/bin:/bin';
    const error = await archive.backup(target(), fileOutput(path.join(dir.dir, 'x.archive'))).catch((e: unknown) => e);
    expect((error as DbsafeError).code).toBe('tool-missing');
    expect((error as DbsafeError).message).toContain('apt-get install mongodb-database-tools');
  });

  it('lists mongodump, mongorestore and mongosh for doctor', async () => {
    const tools = await archive.clientTools();
    expect(tools).toEqual([
      { name: 'mongodump', path: path.join(STAND_INS, 'mongodump'), version: 'mongodump version: 100.10.0' },
      { name: 'mongorestore', path: path.join(STAND_INS, 'mongorestore'), version: 'mongorestore version: 100.10.0' },
      { name: 'mongosh', path: path.join(STAND_INS, 'mongosh'), version: '2.3.1' },
    ]);
  });
});

describe('MongoDB connection strings for the tools', () => {
  it('keeps the password out of the URI, names the auth database, and carries TLS and other options', () => {
    const target = targetFor('mongodb://ann:p%40ss@db1:27018,db2/shop?replicaSet=rs0&tls=true&tlsCAFile=/etc/ca.pem');
    expect(toolConnectionString(target)).toBe('mongodb://ann@db1:27018,db2:27018/?authSource=shop&replicaSet=rs0&tls=true&tlsCAFile=%2Fetc%2Fca.pem');
    expect(toolConfigFile(target)).toBe('uri: mongodb://ann@db1:27018,db2:27018/?authSource=shop&replicaSet=rs0&tls=true&tlsCAFile=%2Fetc%2Fca.pem\npassword: p@ss\n');
    expect(toolConnectionString(targetFor('mongodb://ann@h/shop?authSource=admin'))).toBe('mongodb://ann@h/?authSource=admin');
    expect(toolConnectionString(targetFor('mongodb://localhost/shop'))).toBe('mongodb://localhost/');
  });

  it('escapes the wildcard and escape characters of namespace patterns', () => {
    expect(namespacePattern('app')).toBe('app.*');
    expect(namespacePattern('a*b\\c')).toBe('a\\*b\\\\c.*');
  });
});
