import { randomBytes } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Target } from '../../target/types.js';
import { fileReaderWithProgress } from '../archive-streams.js';
import { requireTool, runTool, toolInfos, toolVersion, writeSecretFile, type ToolResult } from '../tools.js';
import type { ArchiveOps, BackupFacts, BackupOutput, ProgressSink, TableCounts, ToolInfo } from '../types.js';
import { ArchiveFormatError, readArchiveHeader, readArchiveStructure } from './archive-format.js';
import { shellConnectionString, toolConfigFile } from './connection.js';
import { mongoMessages } from './messages.js';
import { withScratchDatabase, type ScratchDatabase } from '../scratch-database.js';

const TOOLS = ['mongodump', 'mongorestore', 'mongosh'] as const;
const TOOL_PURPOSES: Record<(typeof TOOLS)[number], string> = {
  mongodump: 'back up a MongoDB database',
  mongorestore: 'restore a MongoDB archive',
  mongosh: 'restore or verify a MongoDB backup',
};

function requireDatabase(target: Target): void {
  if (target.database === '') throw mongoMessages.noDatabaseName(target);
}

export function scratchDatabaseName(): string {
  return `dbsafe_verify_${randomBytes(6).toString('hex')}`;
}

/** What went wrong, from a tool's stderr: its "Failed:" lines, else its last line. */
function failureDetail(result: ToolResult): string | null {
  const failedDocuments = /(\d+) document\(s\) failed to restore/.exec(result.stderr);
  // Database Tools prefix each stderr line with a timestamp and a tab.
  const lines = result.stderr.split('\n').map((line) => line.replace(/^\d{4}-\d\d-\d\dT\S+\s+/, '').trim()).filter(Boolean);
  const failedLines = lines.filter((line) => /^Failed:|\berror\b/i.test(line));
  if (result.code === 0 && (!failedDocuments || failedDocuments[1] === '0') && failedLines.length === 0) return null;
  return (failedLines.length > 0 ? failedLines : lines.slice(-1)).join(' ') || `exit code ${result.code ?? result.signal}`;
}

/** Run a Database Tools program with the 0600 --config file holding the connection string and password. */
async function withToolConfig<T>(target: Target, work: (configArg: string) => Promise<T>): Promise<T> {
  const secret = writeSecretFile('mongodb-tools.yaml', toolConfigFile(target));
  try {
    return await work(`--config=${secret.file}`);
  } finally {
    secret.remove();
  }
}

/**
 * mongosh takes a password only on its command line or at a prompt, so the
 * whole script — connection string included — is written to a 0600 file and
 * the command line names only that file.
 */
async function runShell(target: Target, during: string, body: string): Promise<string> {
  const shell = requireTool(['mongosh'], 'restore or verify a MongoDB backup');
  const script = `const conn = new Mongo(${JSON.stringify(shellConnectionString(target))});\n${body}\n`;
  const secret = writeSecretFile('dbsafe.js', script);
  try {
    const result = await runTool({ program: shell, args: ['--nodb', '--quiet', '--norc', '--file', secret.file] });
    const failure = result.code === 0 ? null : result.stderr.trim() || result.stdout.trim() || `exit code ${result.code ?? result.signal}`;
    if (failure) throw mongoMessages.toolFailed(target, 'mongosh', during, failure.replace(/\s+/g, ' '));
    return result.stdout;
  } finally {
    secret.remove();
  }
}

async function dropDatabase(target: Target, name: string): Promise<void> {
  await runShell(target, `dropping database ${name}`, `conn.getDB(${JSON.stringify(name)}).dropDatabase();`);
}

/** MongoDB makes a database on first write (mongorestore's): `create` has nothing to do, but the record is written first all the same. */
function scratchDatabase(target: Target, purpose: string): ScratchDatabase {
  return { name: scratchDatabaseName(), purpose, create: async () => undefined, drop: (name) => dropDatabase(target, name) };
}

async function countDocuments(target: Target, name: string): Promise<TableCounts> {
  const output = await runShell(
    target,
    'counting the documents of a verified backup',
    `const d = conn.getDB(${JSON.stringify(name)});
const tables = d.getCollectionInfos({ type: 'collection' }).map((info) => info.name).filter((n) => !n.startsWith('system.')).sort()
  .map((n) => ({ name: n, rows: d.getCollection(n).countDocuments({}) }));
print(JSON.stringify(tables));`,
  );
  const last = output.trim().split('\n').pop() ?? '[]';
  return { tables: JSON.parse(last) as TableCounts['tables'] };
}

/** Restore the archive (streamed on stdin) with mongorestore; `extraArgs` choose the namespaces. Returns the failure, or null. */
async function loadArchive(target: Target, file: string, extraArgs: readonly string[], progress?: ProgressSink): Promise<string | null> {
  const program = requireTool(['mongorestore'], 'restore a MongoDB archive');
  return withToolConfig(target, async (configArg) => {
    const result = await runTool({
      program,
      // --stopOnError: mongorestore otherwise skips documents that fail to insert and still exits 0.
      args: [configArg, '--archive', `--nsInclude=${namespacePattern(target.database)}`, '--stopOnError', ...extraArgs],
      stdin: fileReaderWithProgress(file, progress),
    });
    return failureDetail(result);
  });
}


/** A database name inside an --nsInclude/--nsFrom/--nsTo pattern, where `*` is a wildcard and `\\` escapes. */
export function namespacePattern(database: string): string {
  return `${database.replace(/[\\*]/g, '\\$&')}.*`;
}

function intoScratch(target: Target, scratch: string): string[] {
  return [`--nsFrom=${namespacePattern(target.database)}`, `--nsTo=${namespacePattern(scratch)}`];
}

/** Keeps the first bytes that pass through: the archive header names the server's version. */
function headCapture(limit = 64 * 1024): Transform & { head: () => Buffer } {
  const chunks: Buffer[] = [];
  let kept = 0;
  const capture = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (kept < limit) {
        chunks.push(chunk);
        kept += chunk.length;
      }
      done(null, chunk);
    },
  });
  return Object.assign(capture, { head: () => Buffer.concat(chunks) });
}

async function backup(target: Target, output: BackupOutput): Promise<BackupFacts> {
  requireDatabase(target);
  const program = requireTool(['mongodump'], 'back up a MongoDB database');
  const capture = headCapture();
  const stored = pipeline(capture, output.stream());
  stored.catch(() => undefined);
  const result = await withToolConfig(target, (configArg) =>
    // No --gzip: compression dominates dump time (NOTES, "Speed facts"), and an uncompressed archive can be checked without inflating it.
    runTool({ program, args: [configArg, '--archive', `--db=${target.database}`], stdout: capture }),
  );
  await stored;
  const failure = failureDetail(result);
  if (failure) {
    rmSync(output.path, { force: true });
    throw mongoMessages.toolFailed(target, 'mongodump', 'backing up', failure, 4);
  }
  const header = readArchiveHeader(capture.head());
  const version = (await toolVersion(program))?.match(/(\d+\.\d+\.\d+)/)?.[1] ?? header.toolVersion;
  return {
    clientTool: version ? `mongodump ${version}` : 'mongodump',
    serverVersion: header.serverVersion ? `MongoDB ${header.serverVersion}` : 'MongoDB (version not recorded in the archive)',
  };
}

/**
 * Reads the whole archive as mongodump's format defines it (magic number,
 * header, collection list, every collection's segments up to its EOF
 * marker), streaming. `mongorestore --dryRun` would need a server, which an
 * archive check does not have; the real load is proven by verify's scratch
 * restore and by restore itself, which loads into a scratch database first.
 */
async function checkArchive(file: string): Promise<void> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw mongoMessages.notAnArchive(file, `it cannot be read (${(error as Error).message})`);
  }
  if (size === 0) throw mongoMessages.notAnArchive(file, 'it is empty');
  try {
    await readArchiveStructure(file);
  } catch (error) {
    if (error instanceof ArchiveFormatError) throw mongoMessages.notAnArchive(file, error.message);
    throw mongoMessages.notAnArchive(file, `it cannot be read (${(error as Error).message})`);
  }
}

/**
 * MongoDB has no transaction over collection drops and creations, so the
 * restore proves itself first: the archive is loaded into a scratch database
 * (mongorestore --nsFrom/--nsTo), which is dropped again. Only then is the
 * target database dropped — collections made after the backup must not
 * survive, and `--drop` alone only replaces the collections in the archive —
 * and the archive is restored into it.
 */
async function restore(target: Target, file: string, progress?: ProgressSink): Promise<void> {
  requireDatabase(target);
  await checkArchive(file);
  requireTool(['mongosh'], 'restore a MongoDB database');
  await withScratchDatabase(target, scratchDatabase(target, 'restore staging'), async (scratch) => {
    const failure = await loadArchive(target, file, intoScratch(target, scratch), progress);
    if (failure) throw mongoMessages.scratchLoadFailed(target, failure);
  });
  await dropDatabase(target, target.database);
  const failure = await loadArchive(target, file, ['--drop'], progress);
  if (failure) throw mongoMessages.targetLoadFailed(target, failure);
}

async function scratchRestore(target: Target, file: string): Promise<TableCounts> {
  requireDatabase(target);
  await checkArchive(file);
  requireTool(['mongosh'], 'verify a MongoDB backup');
  return withScratchDatabase(target, scratchDatabase(target, 'verify'), async (scratch) => {
    const failure = await loadArchive(target, file, intoScratch(target, scratch));
    if (failure) throw mongoMessages.verifyLoadFailed(target, failure);
    return countDocuments(target, scratch);
  });
}

function clientTools(): Promise<ToolInfo[]> {
  return toolInfos(TOOLS.map((name) => ({ names: [name], purpose: TOOL_PURPOSES[name] })));
}

export const archive: ArchiveOps = {
  extension: 'archive',
  clientTools,
  backup,
  checkArchive,
  restore,
  scratchRestore,
};
