import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { BackupOutput, ProgressSink } from '../engines/types.js';
import { backupIdOfFile, manifestName, partialName, partialOwner } from './naming.js';
import { newestFirst, parseManifest, type Manifest } from './manifest.js';
import { followFile } from './follow-output.js';
import { openPipeReader } from './pipe-output.js';

export interface HashedOutput extends BackupOutput {
  /** sha256 and size of what passed through `stream()`, or null when the engine wrote `path` itself. */
  streamed(): { sha256: string; size: number } | null;
  /** Did the engine write through `stream()` (progress then comes from the stream)? */
  usedStream(): boolean;
  /** The first error the file itself reported (ENOSPC…), whatever the engine made of it. */
  fileError(): NodeJS.ErrnoException | null;
}

/** A temporary backup file whose bytes are hashed and counted as they are written. */
export function hashedOutput(file: string, progress?: ProgressSink): HashedOutput {
  let result: { sha256: string; size: number } | null = null;
  let sinkError: NodeJS.ErrnoException | null = null;
  let used = false;
  return {
    path: file,
    usedStream: () => used,
    streamed: () => result,
    fileError: () => sinkError,
    stream() {
      used = true;
      const hash = createHash('sha256');
      const sink = createWriteStream(file, { mode: 0o600, flags: 'wx' });
      let size = 0;
      let waitingForDrain: ((error?: Error | null) => void) | null = null;
      sink.on('error', (error: NodeJS.ErrnoException) => {
        sinkError ??= error;
        // A write waiting for 'drain' would otherwise wait forever once the file failed.
        waitingForDrain?.(error);
        waitingForDrain = null;
      });
      return new Writable({
        write(chunk: Buffer, _encoding, done) {
          if (sinkError) return done(sinkError);
          hash.update(chunk);
          size += chunk.length;
          progress?.(size);
          if (sink.write(chunk)) return done();
          waitingForDrain = done;
          sink.once('drain', () => {
            waitingForDrain = null;
            done(sinkError);
          });
        },
        final(done) {
          if (sinkError) return done(sinkError);
          sink.end(() => {
            if (!sinkError) result = { sha256: hash.digest('hex'), size };
            done(sinkError);
          });
        },
        destroy(error, done) {
          sink.destroy();
          done(error);
        },
      });
    },
    async pipe() {
      const sink = await fs.open(file, 'wx', 0o600);
      const hash = createHash('sha256');
      let size = 0;
      const reader = await openPipeReader(async (chunk) => {
        hash.update(chunk);
        size += chunk.length;
        progress?.(size);
        await sink.write(chunk).catch((error: NodeJS.ErrnoException) => {
          sinkError ??= error;
          throw error;
        });
      }).catch(async (error: unknown) => {
        await sink.close();
        throw error;
      });
      if (!reader) {
        await sink.close();
        await fs.rm(file, { force: true });
        return null;
      }
      used = true;
      const finished = reader.finished.then(
        async () => {
          await sink.close();
          result = { sha256: hash.digest('hex'), size };
        },
        async (error: unknown) => {
          await sink.close();
          throw error;
        },
      );
      // Judged by the engine once its tool has exited; never an unhandled rejection before that.
      finished.catch(() => undefined);
      return { fd: reader.fd, finished };
    },
    async file() {
      const hash = createHash('sha256');
      let size = 0;
      const followed = await followFile(file, (chunk) => {
        hash.update(chunk);
        size += chunk.length;
        progress?.(size);
      });
      used = true;
      let finished: Promise<void> | null = null;
      return {
        fd: followed.fd,
        finish() {
          finished ??= followed.finish().then(() => {
            result = { sha256: hash.digest('hex'), size };
          });
          return finished;
        },
      };
    },
  };
}

export async function hashFile(file: string, progress?: ProgressSink): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  // One 1 MiB buffer for the whole file: large reads, and no Buffer per chunk left for the garbage collector (flat memory).
  const buffer = Buffer.allocUnsafe(1 << 20);
  const handle = await fs.open(file, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
      progress?.(size);
    }
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), size };
}

async function fsyncPath(target: string, flags: string): Promise<void> {
  const handle = await fs.open(target, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Make a finished temporary file permanent: fsync its data, rename it into
 * place, fsync the directory so the rename itself survives a power cut.
 */
export async function commitFile(temporary: string, final: string): Promise<void> {
  await fsyncPath(temporary, 'r+');
  await fs.rename(temporary, final);
  await fsyncPath(path.dirname(final), 'r');
}

/** Write a manifest last, atomically: a backup is real only once this returns. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<string> {
  const final = path.join(dir, manifestName(manifest.id));
  const temporary = path.join(dir, partialName(manifestName(manifest.id), process.pid));
  try {
    await fs.writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await commitFile(temporary, final);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  return final;
}

const removedOnExit = new Set<string>();

/**
 * Remove `file` when the process exits, even through process.exit (a second
 * Ctrl-C): for temporary plaintext of an encrypted backup, which must not
 * wait for the next run's clean-up. Returns the function that forgets it.
 */
export function removeOnExit(file: string): () => void {
  if (removedOnExit.size === 0) process.once('exit', removeAllOnExit);
  removedOnExit.add(file);
  return () => {
    removedOnExit.delete(file);
    if (removedOnExit.size === 0) process.off('exit', removeAllOnExit);
  };
}

function removeAllOnExit(): void {
  for (const file of removedOnExit) rmSync(file, { force: true, recursive: true });
  removedOnExit.clear();
}

/** Is a process with this pid alive? EPERM means alive but not ours. */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When process `pid` started (ms since the epoch), read from Linux's /proc; null where that cannot be told. */
export function processStartedAt(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, starttime field 22, in USER_HZ (100) ticks since boot.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && bootSeconds > 0 ? bootSeconds * 1000 + ticks * 10 : null;
  } catch {
    return null;
  }
}

/** Boot time and the wall clock drift apart by a second or so: a pid counts as reused only well past that. */
const PID_REUSE_MARGIN_MS = 60_000;

/**
 * Is the writer of a temporary file last written at `writtenMs` gone? Its
 * pid is dead, or it now belongs to a process that started after the file
 * was written: pids are reused, and a killed writer's plaintext must not
 * survive because some later process happens to get the same number.
 */
export function writerGone(pid: number, writtenMs: number): boolean {
  if (!processAlive(pid)) return true;
  const started = processStartedAt(pid);
  return started !== null && started > writtenMs + PID_REUSE_MARGIN_MS;
}

/** Remove temporary files left by dbsafe processes that died mid-write; a live writer's files are left alone. */
export async function removeDeadPartials(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const owner = partialOwner(name);
    if (owner === null || owner === process.pid) continue;
    const file = path.join(dir, name);
    const written = (await fs.stat(file).catch(() => null))?.mtimeMs;
    if (written === undefined || !writerGone(owner, written)) continue;
    // A directory is the private one an age or gpg backup decrypts or dumps a file engine's plaintext into.
    await fs.rm(file, { force: true, recursive: true });
    removed.push(name);
  }
  return removed;
}

export interface StoredBackup {
  manifest: Manifest;
  manifestFile: string;
  /** Absolute path of the backup file. */
  file: string;
}

/** Every backup in `dir` with a valid manifest and its file present; unsorted. */
export async function readBackups(dir: string): Promise<StoredBackup[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const present = new Set(names);
  const backups: StoredBackup[] = [];
  for (const name of names) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const manifestFile = path.join(dir, name);
    const manifest = parseManifest(await fs.readFile(manifestFile, 'utf8').catch(() => ''));
    if (!manifest || manifestName(manifest.id) !== name || !present.has(manifest.file)) continue;
    backups.push({ manifest, manifestFile, file: path.join(dir, manifest.file) });
  }
  return backups;
}

/** Read the manifest beside a backup file given by path (`x.dump` → `x.json`). */
export async function readBackupAt(file: string): Promise<StoredBackup | null> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const id = backupIdOfFile(base);
  const manifestFile = path.join(dir, manifestName(id));
  const manifest = parseManifest(await fs.readFile(manifestFile, 'utf8').catch(() => ''));
  if (!manifest || manifest.file !== base) return null;
  return { manifest, manifestFile, file };
}

/**
 * Give a backup a new id (its file and manifest renamed, the manifest's id
 * and file rewritten). The file is linked under its new name before the new
 * manifest is written and the old one removed, so a crash at any point
 * leaves the backup whole under one id or the other.
 */
export async function renameBackup(backup: StoredBackup, newId: string): Promise<StoredBackup> {
  const dir = path.dirname(backup.manifestFile);
  const { id, file } = backup.manifest;
  const manifest: Manifest = { ...backup.manifest, id: newId, file: `${newId}${file.slice(id.length)}` };
  const newFile = path.join(dir, manifest.file);
  await fs.link(backup.file, newFile);
  const manifestFile = await writeManifest(dir, manifest);
  await fs.rm(backup.manifestFile, { force: true });
  await fs.rm(backup.file, { force: true });
  await fsyncPath(dir, 'r');
  return { manifest, manifestFile, file: newFile };
}

/** Delete a rotated backup: manifest first, so a crash in between leaves a file that is no longer a backup. */
export async function deleteBackup(backup: StoredBackup): Promise<void> {
  await fs.rm(backup.manifestFile, { force: true });
  await fs.rm(backup.file, { force: true });
}

/**
 * Every backup in the store, newest first. Temporary files of dbsafe
 * processes that died are removed first: a killed encrypted `verify` or
 * `restore` leaves its decrypted plaintext, which must not outlive it.
 */
export async function listBackups(store: { dir: string }): Promise<StoredBackup[]> {
  await removeDeadPartials(store.dir);
  return (await readBackups(store.dir)).sort((a, b) => newestFirst(a.manifest, b.manifest));
}
