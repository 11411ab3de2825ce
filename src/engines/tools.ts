import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DbsafeError } from '../errors.js';
import { isExecutable } from '../executable.js';
import { ExitCode } from '../exit-codes.js';
import { redactSecretsInText } from '../target/describe.js';
import { extraToolDirs } from './tool-locations.js';
import type { ToolInfo } from './types.js';

/** Debian/Ubuntu package that provides each client tool, for "install it with …" messages. */
export const TOOL_PACKAGES: Record<string, string> = {
  pg_dump: 'postgresql-client',
  pg_restore: 'postgresql-client',
  psql: 'postgresql-client',
  mysqldump: 'mariadb-client (or mysql-client)',
  'mariadb-dump': 'mariadb-client',
  mysql: 'mariadb-client (or mysql-client)',
  mariadb: 'mariadb-client',
  sqlite3: 'sqlite3',
  zstd: 'zstd',
  lz4: 'lz4',
  mongodump: 'mongodb-database-tools',
  mongorestore: 'mongodb-database-tools',
  mongosh: 'mongodb-mongosh',
  gpg: 'gnupg',
  rclone: 'rclone',
  restic: 'restic',
};

/** Homebrew formula of each client tool: dbsafe finds keg-only formulae without a PATH change. */
const BREW_FORMULAE: Record<string, string> = {
  pg_dump: 'brew install libpq',
  pg_restore: 'brew install libpq',
  psql: 'brew install libpq',
  mysqldump: 'brew install mysql-client',
  'mariadb-dump': 'brew install mariadb',
  mysql: 'brew install mysql-client',
  mariadb: 'brew install mariadb',
  sqlite3: 'nothing to install, /usr/bin/sqlite3 ships with macOS',
  mongodump: 'brew install mongodb/brew/mongodb-database-tools',
  mongorestore: 'brew install mongodb/brew/mongodb-database-tools',
};

/** First line after the shebang of every shim `dbsafe install --shims` writes (shell/shim.sh). */
const SHIM_SIGNATURE = '# dbsafe PATH shim for ';

/**
 * A dbsafe PATH shim stands in for sqlite3, psql, mysql…: dbsafe's own
 * backups and restores must reach the real tool, or the shim would guard
 * dbsafe's own work (and wait on the backup that started it).
 */
function isDbsafeShim(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(128);
    return head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('latin1').includes(SHIM_SIGNATURE);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The directories searched for a client tool, in order: `extraDirs`, PATH, the system's, then package managers' keg-only directories. */
function searchDirs(extraDirs: readonly string[], env: NodeJS.ProcessEnv): string[] {
  return [...new Set([...extraDirs, ...(env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/local/bin', '/usr/bin', '/bin', ...extraToolDirs(env)])];
}

function isRealTool(candidate: string): boolean {
  return isExecutable(candidate) && !isDbsafeShim(candidate);
}

/**
 * The first of `names` found in `extraDirs` (searched first), on PATH, or in
 * Homebrew's keg-only and Postgres.app's directories (never a dbsafe shim).
 * Explicit search rather than relying on the shell, so that a cron job with a
 * bare PATH gets the same answer and a clear error when nothing is found.
 */
export function findTool(names: readonly string[], extraDirs: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string | null {
  const onPath = [...extraDirs, ...(env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/local/bin', '/usr/bin', '/bin'];
  for (const name of names) {
    for (const dir of onPath) {
      const candidate = path.join(dir, name);
      if (isRealTool(candidate)) return candidate;
    }
  }
  // Only when PATH has none: the keg-only directories cost a few directory reads.
  for (const name of names) {
    for (const dir of extraToolDirs(env)) {
      const candidate = path.join(dir, name);
      if (isRealTool(candidate)) return candidate;
    }
  }
  return null;
}

/** Every copy of `name`, in search order, for choosing by version (a pg_dump matching the server may not be the first on PATH). */
export function findAllTools(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return searchDirs([], env).map((dir) => path.join(dir, name)).filter(isRealTool);
}

export function missingToolError(names: readonly string[], purpose: string): DbsafeError {
  const pkg = TOOL_PACKAGES[names[0] ?? ''] ?? 'the engine client tools';
  return new DbsafeError(
    'tool-missing',
    `${names.join(' or ')} was not found on PATH (nor in Homebrew's or Postgres.app's directories), and dbsafe needs it to ${purpose}. Install it (Debian/Ubuntu: apt-get install ${pkg}; macOS: ${BREW_FORMULAE[names[0] ?? ''] ?? "brew install the engine's client"}) or add its directory to PATH.`,
    ExitCode.failure,
  );
}

export function requireTool(names: readonly string[], purpose: string, extraDirs: readonly string[] = []): string {
  const found = findTool(names, extraDirs);
  if (!found) throw missingToolError(names, purpose);
  return found;
}

/** Client tools that do one job; any one of `names` installed is enough. */
export interface ToolGroup {
  names: readonly string[];
  /** What dbsafe needs them for, completing "dbsafe needs it to …". */
  purpose: string;
}

/**
 * Path and version of every tool of `groups`, for `doctor`. When no tool of a
 * group is installed, each carries the same message a backup would fail with.
 */
export async function toolInfos(groups: readonly ToolGroup[], env: NodeJS.ProcessEnv = process.env): Promise<ToolInfo[]> {
  const perGroup = await Promise.all(
    groups.map(async (group) => {
      const infos: ToolInfo[] = await Promise.all(
        group.names.map(async (name) => {
          const found = findTool([name], [], env);
          return { name, path: found, version: found ? await toolVersion(found) : null };
        }),
      );
      if (infos.some((info) => info.path !== null)) return infos;
      const problem = missingToolError(group.names, group.purpose).message;
      return infos.map((info) => ({ ...info, problem }));
    }),
  );
  return perGroup.flat();
}

export interface ToolRun {
  /** Absolute path of the program. */
  program: string;
  args: readonly string[];
  /** Extra environment for the child: this is where passwords go (never in args). */
  env?: Record<string, string | undefined>;
  /**
   * Text or a stream fed to the child's stdin; or `{ fromChild }`, another
   * child's stdout (run with stdout 'hand-over') given to this child as its
   * stdin, so the bytes go straight from one to the other without passing
   * through this process; or `{ fd }`, a file descriptor the child reads
   * directly (this process's copy is closed once the child has it).
   */
  stdin?: string | Readable | { fromChild: Readable } | { fd: number };
  /**
   * Where stdout goes: a Writable (the child's output is piped into it),
   * 'capture', 'hand-over' (left unread for `onSpawn`'s caller to give to
   * another child), or `{ fd }`, a file descriptor the child writes to
   * directly (this process's copy is closed once the child has it). Default: capture.
   */
  stdout?: Writable | 'capture' | 'hand-over' | { fd: number };
  /** Told the child as soon as it is spawned (a 'hand-over' stdout is `child.stdout`). */
  onSpawn?: (child: ChildProcess) => void;
  /** Aborting kills the child with SIGTERM. */
  signal?: AbortSignal;
  cwd?: string;
  /** Also run when dbsafe stops its tools: a tool started through another program (`docker exec`) must be stopped where it runs. */
  onStop?: () => void;
}

export interface ToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The last 64 KiB of stderr, secrets redacted. */
  stderr: string;
}

/**
 * Client tools run by this process, so that an interrupted backup or restore
 * can stop them: a pg_dump left running after dbsafe dies would keep writing
 * a file nobody owns, or keep a restore half-applied.
 */
const runningTools = new Set<ChildProcess>();
const stopHooks = new Map<ChildProcess, () => void>();
let stoppedBy: NodeJS.Signals | null = null;

/** Stop every running client tool and start no new one (Ctrl-C, SIGTERM). */
export function stopAllTools(signal: NodeJS.Signals): void {
  stoppedBy ??= signal;
  for (const child of runningTools) {
    child.kill('SIGTERM');
    stopHooks.get(child)?.();
  }
}

/** The signal that stopped the tools, or null while work may go on. */
export function toolsStoppedBy(): NodeJS.Signals | null {
  return stoppedBy;
}

const STDERR_LIMIT = 64 * 1024;

/**
 * Password variables of the user's shell that client tools would read from
 * their environment, where any process of the user can read them
 * (/proc/PID/environ). dbsafe resolves PGPASSWORD into the target (libpq's
 * precedence) and hands each tool its password in a private file instead.
 */
const INHERITED_PASSWORD_VARIABLES = ['PGPASSWORD'] as const;

function childEnvironment(extra: ToolRun['env']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INHERITED_PASSWORD_VARIABLES) delete env[name];
  return { ...env, ...extra };
}

/**
 * The descriptor of a `{ fd }` given as stdin or stdout, else null. Only a
 * plain `{ fd }` counts: a file stream has an `fd` property too (null until
 * it opens), and is piped like any stream.
 */
export function descriptorOf(io: unknown): number | null {
  if (typeof io !== 'object' || io === null || !('fd' in io)) return null;
  if ('pipe' in io || 'write' in io || 'read' in io) return null;
  return typeof io.fd === 'number' ? io.fd : null;
}

/** Run a client tool to completion. Never throws for a non-zero exit: callers judge `code` and `stderr`. */
export function runTool(run: ToolRun): Promise<ToolResult> {
  if (stoppedBy) {
    // A descriptor handed over is closed all the same, so its reader sees the end.
    for (const fd of [descriptorOf(run.stdout), descriptorOf(run.stdin)]) if (fd !== null) closeSync(fd);
    return Promise.reject(interruptedError(stoppedBy));
  }
  return new Promise((resolve, reject) => {
    const handedStdin = run.stdin && typeof run.stdin === 'object' && 'fromChild' in run.stdin ? run.stdin.fromChild : null;
    const stdoutFd = descriptorOf(run.stdout);
    const stdinFd = descriptorOf(run.stdin);
    const child = spawn(run.program, [...run.args], {
      cwd: run.cwd,
      env: childEnvironment(run.env),
      stdio: [handedStdin ?? stdinFd ?? 'pipe', stdoutFd ?? 'pipe', 'pipe'],
      signal: run.signal,
      killSignal: 'SIGTERM',
    });
    // This process's copies are closed: the writer then sees EPIPE when this child stops reading, and the reader EOF when the child exits.
    handedStdin?.destroy();
    if (stdoutFd !== null) closeSync(stdoutFd);
    if (stdinFd !== null) closeSync(stdinFd);
    runningTools.add(child);
    run.onSpawn?.(child);
    // stdout is null when given a descriptor; stderr is always a pipe of ours.
    const childStdout = child.stdout;
    const childStderr = child.stderr!;
    if (run.onStop) stopHooks.set(child, run.onStop);
    let stdout = '';
    let stderr = '';
    let stdoutDone: Promise<void> = Promise.resolve();
    childStderr.setEncoding('utf8');
    childStderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_LIMIT);
    });
    if (run.stdout === 'hand-over' || stdoutFd !== null || !childStdout) {
      // Read by the child it is handed to, or written by the child straight to its descriptor.
    } else if (run.stdout && run.stdout !== 'capture' && stdoutFd === null) {
      stdoutDone = pipeline(childStdout, run.stdout as Writable);
      // Judged once the child closes; a failure before that (disk full) must not count as unhandled.
      stdoutDone.catch(() => undefined);
    } else {
      childStdout.setEncoding('utf8');
      childStdout.on('data', (chunk: string) => {
        stdout += chunk;
      });
    }
    let stdinDone: Promise<void> = Promise.resolve();
    if (typeof run.stdin === 'string') {
      // A child that exits before reading its input (it failed, or rejected an option) closes the pipe: its exit code says why.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(run.stdin);
    } else if (handedStdin || stdinFd !== null) {
      // The child reads the other child's pipe directly.
    } else if (run.stdin && 'pipe' in run.stdin) stdinDone = pipeline(run.stdin, child.stdin!).catch((error: NodeJS.ErrnoException) => {
      // The child may exit before reading all its input (it failed): its exit code says why.
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    });
    else child.stdin?.end();

    let spawnError: Error | undefined;
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (code, signal) => {
      runningTools.delete(child);
      stopHooks.delete(child);
      if (stoppedBy) {
        // Let the output streams settle first: a file stream failing after the rejection would go unhandled.
        const signal = stoppedBy;
        void Promise.allSettled([stdoutDone, stdinDone]).then(() => reject(interruptedError(signal)));
        return;
      }
      if (spawnError && (spawnError as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(missingToolError([path.basename(run.program)], 'run'));
        return;
      }
      Promise.all([stdoutDone, stdinDone]).then(
        () => resolve({ code, signal, stdout, stderr: redactSecretsInText(stderr) }),
        reject,
      );
    });
  });
}

/** Run a tool and write its stdout to `file` (created 0600). */
export async function runToolToFile(run: Omit<ToolRun, 'stdout'>, file: string): Promise<ToolResult> {
  return runTool({ ...run, stdout: createWriteStream(file, { mode: 0o600 }) });
}

/** The first line of `program --version`, or null when it cannot be run. */
export async function toolVersion(program: string): Promise<string | null> {
  try {
    const result = await runTool({ program, args: ['--version'] });
    if (result.code !== 0) return null;
    return result.stdout.split('\n')[0]?.trim() || null;
  } catch {
    return null;
  }
}

/** Secret directories of this process, removed at exit too: a second Ctrl-C ends dbsafe without running `finally` blocks. */
const secretDirs = new Set<string>();
let removeSecretsAtExit = false;

export interface SecretFile {
  file: string;
  /** Remove the file and its directory (idempotent). */
  remove: () => void;
  /** A detached child removes it when done: dbsafe's exit must not remove it first. */
  handOver: () => void;
}

/**
 * A private 0600 file in a private 0700 directory, for credentials a client
 * tool reads from a file (PostgreSQL password files, MySQL option files,
 * mongodump --config). Remove it with `remove`, also on failure.
 */
export function writeSecretFile(name: string, contents: string): SecretFile {
  const dir = mkdtempSync(path.join(tmpdir(), 'dbsafe-secret-'));
  const file = path.join(dir, name);
  secretDirs.add(dir);
  if (!removeSecretsAtExit) {
    removeSecretsAtExit = true;
    process.once('exit', () => secretDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  }
  writeFileSync(file, contents, { mode: 0o600 });
  return {
    file,
    remove: () => {
      secretDirs.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    },
    handOver: () => secretDirs.delete(dir),
  };
}

export function interruptedError(signal: NodeJS.Signals): DbsafeError {
  return new DbsafeError(
    'interrupted',
    `Interrupted (${signal}): the running step was stopped before it finished. Nothing half-written was kept: a partial backup file is removed, and a restore leaves the database as it was. Run the command again when you are ready.`,
    128 + (constants.signals[signal] ?? 2),
  );
}
