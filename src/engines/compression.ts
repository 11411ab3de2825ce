import { closeSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { CODECS, type CodecName, type CodecSpec, type CompressionSetting } from './compression-setting.js';
import { descriptorOf, findTool, missingToolError, runTool, type ToolResult, type ToolRun } from './tools.js';
import { checkedFileFeed, checkedFileReader, fileAsStdin, fileReaderWithProgress } from './archive-streams.js';
import type { BackupOutput, ProgressSink, StoredBytesCheck } from './types.js';

export type { CodecName, CompressionSetting } from './compression-setting.js';

/**
 * Compression of a backup in the stream, outside the engine's dump tool:
 * the tool writes uncompressed and a fast codec compresses on the other core
 * (pg_dump 15's own zlib is what makes it slow, and it has no zstd or lz4).
 * zstd and lz4 run as their own programs (Node 20's zlib has neither); gzip
 * runs in Node's zlib, so it needs nothing installed.
 */

/**
 * The default when the configuration names none, best first: zstd -1, else
 * gzip -1. Measured here on 1 GB of poorly compressible data (random numbers
 * and md5 text, bench/postgres-random.ts): pg_dump -Fc -Z1 (today's backups)
 * 510 MB, `-Z0 | zstd -1` 452 MB in about half the time, `-Z0 | lz4 -1`
 * faster still but 859 MB (lz4 barely compresses hex text), uncompressed
 * 935 MB. zstd -1 is the fastest that keeps files no larger; gzip -1 keeps
 * today's size and speed where zstd is missing.
 */
export const DEFAULT_CODECS: readonly CompressionSetting[] = [{ codec: 'zstd', level: 1 }, { codec: 'gzip', level: 1 }];

/** A codec ready to run: its program's path (null for Node's own) and level. */
export interface ResolvedCodec {
  codec: CodecName;
  level: number | null;
  program: string | null;
}

/** How a manifest records the codec ("zstd -1", "none"). Pure. */
export function describeCodec(codec: Pick<ResolvedCodec, 'codec' | 'level'>): string {
  return codec.level === null ? codec.codec : `${codec.codec} -${codec.level}`;
}

type ProgramFinder = (name: string) => string | null;
const findOnPath: ProgramFinder = (name) => findTool([name]);

/**
 * The codec a backup uses: the configured one (its program must be
 * installed: a clear error names the package otherwise), or the first of
 * DEFAULT_CODECS that can run here.
 */
export function chooseCodec(setting: CompressionSetting | undefined, find: ProgramFinder = findOnPath): ResolvedCodec {
  const candidates = setting ? [setting] : DEFAULT_CODECS;
  for (const candidate of candidates) {
    const spec = CODECS[candidate.codec];
    const level = spec.levels ? (candidate.level ?? spec.defaultLevel) : null;
    const program = spec.program ? find(spec.program) : null;
    if (spec.program && !program) {
      if (setting) throw missingToolError([spec.program], `compress backups with ${candidate.codec} (the configuration's "compression")`);
      continue;
    }
    return { codec: candidate.codec, level, program };
  }
  return { codec: 'none', level: null, program: null };
}

/** The codec whose magic bytes `head` starts with, or null for none of them (an uncompressed archive). Pure. */
export function codecOfHead(head: Buffer): CodecName | null {
  for (const [name, spec] of Object.entries(CODECS) as Array<[CodecName, CodecSpec]>) {
    if (spec.magic && head.length >= spec.magic.length && head.subarray(0, spec.magic.length).equals(spec.magic)) return name;
  }
  return null;
}

/** The program that decompresses `codec` (null for Node's own); a clear error naming the package when it is not installed. */
export function decompressorFor(codec: CodecName, find: ProgramFinder = findOnPath): ResolvedCodec {
  const spec = CODECS[codec];
  if (!spec.program) return { codec, level: null, program: null };
  const program = find(spec.program);
  if (!program) throw missingToolError([spec.program], `read this backup, which is compressed with ${codec}`);
  return { codec, level: null, program };
}

function compressArgs(codec: ResolvedCodec): string[] {
  // -T1: one thread; the dump tool needs the other core.
  if (codec.codec === 'zstd') return [`-${codec.level}`, '-T1', '-q', '-c'];
  return [`-${codec.level}`, '-q', '-c'];
}

const DECOMPRESS_ARGS = ['-d', '-q', '-c'];

export interface CodecRun {
  tool: ToolResult;
  /** The codec program's result; null when Node did the work (or there was none). */
  codec: ToolResult | null;
}

/**
 * Run `producer` (a dump tool writing to stdout) with its output compressed
 * by `codec` into the backup `output`. With a codec program, the producer's
 * stdout is handed straight to it (the uncompressed bytes never pass through
 * Node) and the codec writes into the store's pipe (output.pipe).
 */
export async function runCompressing(producer: ToolRun, codec: ResolvedCodec, output: BackupOutput): Promise<CodecRun> {
  if (!codec.program && codec.codec !== 'none') {
    const gzip = createGzip({ level: codec.level ?? 1 });
    const written = pipeline(gzip, output.stream());
    written.catch(() => undefined);
    const tool = await runTool({ ...producer, stdout: gzip });
    await written;
    return { tool, codec: null };
  }
  const piped = (await output.pipe?.()) ?? null;
  const destination = piped ? { fd: piped.fd } : output.stream();
  const run = await runToPipe(producer, codec, destination);
  // Everything the last writer wrote is in the file (or the file's own error, ENOSPC…) once this settles.
  await piped?.finished;
  return run;
}

async function runToPipe(producer: ToolRun, codec: ResolvedCodec, destination: Writable | { fd: number }): Promise<CodecRun> {
  if (!codec.program) return { tool: await runTool({ ...producer, stdout: destination }), codec: null };
  let handed: Readable | null = null;
  const producing = runTool({ ...producer, stdout: 'hand-over', onSpawn: (child) => (handed = child.stdout) });
  if (!handed) {
    const fd = descriptorOf(destination);
    if (fd !== null) closeSync(fd);
    return { tool: await producing, codec: null };
  }
  const compressing = runTool({ program: codec.program, args: compressArgs(codec), stdin: { fromChild: handed }, stdout: destination });
  const [tool, codecResult] = await Promise.all([producing, compressing]);
  return { tool, codec: codecResult };
}

/**
 * Run `consumer` (a restore tool reading stdin) on the stored `file`,
 * decompressed by `codec` on the way. The first program reads the file
 * itself and a codec program's stdout is handed straight to the consumer:
 * no byte passes through Node (gzip excepted, which Node's zlib does).
 * With `check`, Node reads the file instead, checking each byte as it
 * feeds the first program (one read, no checksum pass before); once the
 * programs are done, the check settles and its error (damaged bytes) is
 * thrown before the programs' results are looked at.
 */
export async function runDecompressing(consumer: ToolRun, codec: ResolvedCodec, file: string, progress?: ProgressSink, check?: StoredBytesCheck): Promise<CodecRun> {
  if (!check) return decompressingFrom(consumer, codec, () => fileAsStdin(file, progress), () => fileReaderWithProgress(file, progress));
  // A program reads the FIFO this process fills from one buffer; Node's gzip (or a machine without FIFOs) reads a stream.
  const feed = codec.program || codec.codec === 'none' ? await checkedFileFeed(file, check, progress) : null;
  const stream = feed ? null : checkedFileReader(file, check, progress);
  const reader = (feed ?? stream)!;
  const run = await decompressingFrom(consumer, codec, () => ({ stdin: feed ? feed.stdin : stream!.stream }), () => stream!.stream).catch(async (error: unknown) => {
    await reader.close();
    throw error;
  });
  await reader.finish();
  return run;
}

type StdinSource = () => Pick<ToolRun, 'stdin' | 'onSpawn'>;

async function decompressingFrom(consumer: ToolRun, codec: ResolvedCodec, asStdin: StdinSource, asStream: () => Readable): Promise<CodecRun> {
  if (codec.codec === 'none') return { tool: await runTool({ ...consumer, ...asStdin() }), codec: null };
  if (!codec.program) {
    const gunzip = createGunzip();
    const source = asStream();
    source.on('error', (error) => gunzip.destroy(error));
    const tool = await runTool({ ...consumer, stdin: source.pipe(gunzip) });
    return { tool, codec: null };
  }
  let handed: Readable | null = null;
  const reading = asStdin();
  const decompressing = runTool({
    program: codec.program,
    args: DECOMPRESS_ARGS,
    stdin: reading.stdin,
    stdout: 'hand-over',
    onSpawn: (child) => {
      handed = child.stdout;
      reading.onSpawn?.(child);
    },
  });
  if (!handed) return { tool: await decompressing, codec: null };
  const consuming = runTool({ ...consumer, stdin: { fromChild: handed } });
  const [tool, codecResult] = await Promise.all([consuming, decompressing]);
  return { tool, codec: codecResult };
}

/**
 * The codec program's failure in its own words, or null when it did its
 * part: a codec killed by SIGPIPE only saw its reader stop early (a reader
 * that read just the table of contents, or failed and says why itself).
 */
export function codecFailure(run: CodecRun): string | null {
  if (!run.codec || run.codec.code === 0 || run.codec.signal === 'SIGPIPE') return null;
  return run.codec.stderr.trim() || `exit code ${run.codec.code ?? run.codec.signal}`;
}
