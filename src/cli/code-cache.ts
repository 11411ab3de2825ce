import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import nodeModule, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/**
 * Node 20 has no on-disk compile cache (22.1+ has enableCompileCache), and
 * compiling a command's bundle is a large part of dbsafe's start-up, paid
 * before every shell command an agent runs. V8's code cache skips that
 * compilation. The cache is bytecode, so it lives in a private directory of
 * the user's own (0700, owned by them) and is read only from there; it is
 * keyed by the bundle's path, size and mtime and Node's version, and V8
 * itself rejects data made for another source or V8, which is then rewritten.
 * Anything unusual falls back to a plain require.
 */
export function requireWithCodeCache(file: string, home: string | undefined = process.env.HOME): unknown {
  const dir = home && path.isAbsolute(home) ? privateCacheDirectory(codeCacheDirectory(home)) : null;
  if (!dir) return createRequire(file)(file);
  const source = readFileSync(file, 'utf8');
  const { size, mtimeMs } = statSync(file);
  const key = `${path.basename(file, '.cjs')}-${size}-${Math.trunc(mtimeMs)}-${process.version}.bin`;
  const cacheFile = path.join(dir, key);
  const cachedData = readOwnFile(cacheFile);
  const script = new vm.Script(nodeModule.wrap(source), {
    filename: file,
    // The bundles load packages with require, never import(): a script compiled from cached data loses
    // its dynamic-import callback on Node 20 (package.json "bundle": --supported:dynamic-import=false).
    cachedData: cachedData ?? undefined,
  });
  if (cachedData === null || script.cachedDataRejected) {
    // Written as the process ends, so the functions this run compiled lazily are in it too.
    process.once('exit', () => writeAtomically(cacheFile, () => script.createCachedData()));
  }
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

/** ~/.cache/dbsafe/code: the whole of ~/.cache/dbsafe is dbsafe's, and uninstall removes it. */
export function codeCacheDirectory(home: string): string {
  return path.join(home, '.cache', 'dbsafe', 'code');
}

/**
 * The cache directory when it is the user's own and nobody else can write
 * it; null otherwise. dbsafe makes its own directory inside an existing
 * ~/.cache, never ~/.cache itself: a home without one is left as it is.
 */
function privateCacheDirectory(dir: string): string | null {
  try {
    const cacheHome = path.dirname(path.dirname(dir));
    if (!statSync(cacheHome).isDirectory()) return null;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stats = statSync(dir);
    const uid = process.getuid?.();
    if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid) || (stats.mode & 0o022) !== 0) return null;
    return dir;
  } catch {
    return null;
  }
}

function readOwnFile(file: string): Buffer | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const stats = fstatSync(fd);
    const uid = process.getuid?.();
    if (!stats.isFile() || (uid !== undefined && stats.uid !== uid) || (stats.mode & 0o022) !== 0) return null;
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeAtomically(file: string, data: () => Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data(), { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // A cache that cannot be written only costs the next start-up its compilation.
    rmSync(temporary, { force: true });
  }
}
