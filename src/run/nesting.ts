import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { detectAgentAnywhere } from '../consent/agents.js';
import { consentKey, readSealed, writeSealed } from '../consent/seal.js';
import { isAccountStore, stateDirectory } from '../consent/store.js';

/**
 * Set by `dbsafe run` in its command's environment, so that a dbsafe inside
 * it (a shell function, a shim, an npm `pretest: dbsafe guard`) checks again
 * but does not back up the same database a second time. Entries are
 * `<pid>:<target fingerprint>:<nonce>`, comma-separated, outermost first.
 */
export const GUARD_MARKER = 'DBSAFE_GUARD_ACTIVE';

interface GuardRecord {
  fingerprint: string;
  /** The enclosing run was let through by a one-off consent: inner guards of the same database pass too. */
  override: boolean;
}

interface MarkerEntry {
  pid: number;
  fingerprint: string;
  nonce: string;
}

/** Parse the marker; malformed entries are ignored (they can only cost an extra backup). Pure. */
export function parseGuardMarker(value: string | undefined): MarkerEntry[] {
  if (!value) return [];
  return value.split(',').flatMap((part) => {
    const match = /^(\d+):([0-9a-f]{1,64}|none):([0-9a-f]{16})$/.exec(part.trim());
    return match ? [{ pid: Number(match[1]), fingerprint: match[2]!, nonce: match[3]! }] : [];
  });
}

/** A process, told apart from a later one that reuses its pid by its start time (/proc/<pid>/stat field 22). */
interface ProcessIdentity {
  pid: number;
  start: string;
}

/** What the guards need of a process: its parent, its start (to tell it from a later one with the same pid), its state and name. */
interface ProcessFacts {
  ppid: number;
  start: string;
  zombie: boolean;
  name: string;
}

/** From /proc/<pid>/stat (field 22 is the start time in clock ticks); null when the process is gone or there is no /proc. */
function procFacts(pid: number): ProcessFacts | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may contain spaces and ")": the fields after the last ")" are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), start: fields[19]!, zombie: fields[0] === 'Z', name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) };
  } catch {
    return null;
  }
}

/**
 * `ps -o ppid=,state=,lstart=,comm=` lines, for systems without /proc (macOS,
 * the BSDs): lstart is the start time to the second, which with the pid tells
 * a process from a later one reusing its pid. Pure.
 */
export function parsePsFacts(line: string): ProcessFacts | null {
  const match = /^\s*(\d+)\s+(\S+)\s+(\w{3}\s+\w{3}\s+\d+\s+[\d:]+\s+\d{4})\s+(.*)$/.exec(line);
  if (!match) return null;
  const name = match[4]!.trim();
  return { ppid: Number(match[1]), start: match[3]!.replace(/\s+/g, ' '), zombie: match[2]!.startsWith('Z'), name: name.slice(name.lastIndexOf('/') + 1) };
}

export function psFacts(pid: number): ProcessFacts | null {
  try {
    const line = execFileSync('ps', ['-o', 'ppid=,state=,lstart=,comm=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000, env: { ...process.env, LC_ALL: 'C' } });
    return parsePsFacts(line.split('\n')[0] ?? '');
  } catch {
    return null;
  }
}

const HAS_PROC = existsSync('/proc/self/stat');

/** The facts of `pid` from /proc, or from `ps` where there is no /proc. */
function processFacts(pid: number): ProcessFacts | null {
  return HAS_PROC ? procFacts(pid) : psFacts(pid);
}

/** The parent chain of this process, nearest first; null when not even the parent can be read. */
export function ancestorChain(facts: (pid: number) => ProcessFacts | null = processFacts): ProcessIdentity[] | null {
  const chain: ProcessIdentity[] = [];
  let pid = process.ppid;
  for (let depth = 0; pid > 1 && depth < 64; depth++) {
    const entry = facts(pid);
    if (!entry) return depth === 0 ? null : chain;
    chain.push({ pid, start: entry.start });
    pid = entry.ppid;
  }
  return chain;
}

/** The same chain read both ways, for tests on Linux that the ps path agrees with /proc. */
export const processFactReaders = { proc: procFacts, ps: psFacts };

function ancestorPids(): Set<number> | null {
  const chain = ancestorChain();
  return chain ? new Set(chain.map((entry) => entry.pid)) : null;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function recordFile(env: Record<string, string | undefined>, entry: Pick<MarkerEntry, 'pid' | 'nonce'>): string {
  return path.join(stateDirectory(env), 'guards', `${entry.pid}-${entry.nonce}.json`);
}

export interface EnclosingGuard {
  pid: number;
  override: boolean;
}

/**
 * The `dbsafe run` this process runs inside, for the same database. A marker
 * counts only when its process is a live ancestor AND left its record in the
 * per-user state directory, so a copied or hand-written variable cannot
 * skip a backup or borrow an override.
 */
export function findEnclosingGuard(env: Record<string, string | undefined>, fingerprint: string): EnclosingGuard | null {
  const entries = parseGuardMarker(env[GUARD_MARKER]).filter((entry) => entry.fingerprint === fingerprint);
  if (entries.length === 0) return null;
  const ancestors = ancestorPids();
  for (const entry of entries.reverse()) {
    const live = ancestors ? ancestors.has(entry.pid) : isRunning(entry.pid);
    if (!live) continue;
    try {
      // Sealed like a consent record: a hand-written one cannot skip a backup or lend an override.
      const read = readSealed<GuardRecord>(consentKey(stateDirectory(env)), recordFile(env, entry), 'guard');
      const record = read && 'value' in read ? read.value : null;
      if (record?.fingerprint === fingerprint) {
        const override = record.override === true && (isAccountStore(env) || detectAgentAnywhere(env) === null);
        return { pid: entry.pid, override };
      }
    } catch {
      // No record, or an unsafe store: not a guard this user's dbsafe started.
    }
  }
  return null;
}

/** Announce this process as a guard of `fingerprint`: returns the child's marker value and a cleanup. */
export function enterGuard(env: Record<string, string | undefined>, fingerprint: string, override: boolean): { marker: string; leave: () => void } {
  const entry = { pid: process.pid, fingerprint, nonce: randomBytes(8).toString('hex') };
  const file = recordFile(env, entry);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Records of guards that were killed (SIGKILL, a crash) never got removed: clear them here.
  for (const name of readdirSync(path.dirname(file))) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (pid > 0 && !isRunning(pid)) rmSync(path.join(path.dirname(file), name), { force: true });
  }
  writeSealed(consentKey(stateDirectory(env)), file, 'guard', { fingerprint, override } satisfies GuardRecord);
  const existing = env[GUARD_MARKER];
  const own = `${entry.pid}:${entry.fingerprint}:${entry.nonce}`;
  return { marker: existing ? `${existing},${own}` : own, leave: () => rmSync(file, { force: true }) };
}

/**
 * The agent hook backs up before the agent runs a command; the same command
 * then meets dbsafe again in a shim, a shell function or an npm pre-script
 * (a sibling of the hook, not its child, so the marker above cannot reach
 * it). The hook's guard records the agent: its nearest ancestor past the
 * hook that is not a shell or a launcher. The first guard of the same
 * database within a few minutes that runs inside that same agent process
 * takes the record instead of a second backup. Records are per user (0700
 * state directory), used once, bound to the agent's pid and start time, and
 * dead with the agent.
 */
const AGENT_RECORD_PREFIX = 'agent-';
/** Long enough for a permission prompt the agent shows before running the command. */
export const AGENT_RECORD_TTL_MS = 10 * 60 * 1000;
/** Processes that run a hook on the agent's behalf and end with it (/proc/<pid>/comm). */
const LAUNCHER = /^(sh|dash|bash|zsh|fish|ksh|mksh|busybox|env|timeout|npx|npm( .*)?)$/;

interface AgentHookRecord {
  fingerprint: string;
  backupId: string;
  agent: ProcessIdentity;
  expires: number;
  /** Salted hashes of the words of the agent's command line (it may hold a password: never stored as text). */
  salt: string;
  words: string[];
}

const WORD_SEPARATORS = /[\s;&|()<>'"`$=]+/;

/** The words of a shell line, each also by its last path part (`./node_modules/.bin/prisma` → `prisma`). Pure. */
export function lineWords(line: string): Set<string> {
  const words = new Set<string>();
  for (const token of line.split(WORD_SEPARATORS)) {
    if (token === '') continue;
    words.add(token);
    words.add(token.slice(token.lastIndexOf('/') + 1));
  }
  return words;
}

const hashWord = (salt: string, word: string): string => createHash('sha256').update(`${salt}\0${word}`).digest('hex');

/** Words a package manager's own spelling adds: `npm run test` (a pre-script guard) is the agent's `npm test`. */
const RUNNER_WORDS = new Set(['run', 'run-script', 'exec']);

/**
 * The words of the command a guard protects that the agent's line must hold
 * for the hook's record to count, or null when it has none (a bare `dbsafe
 * guard`, which always backs up). Pure.
 */
export function guardedWords(commandLine: string | readonly string[] | undefined): string[] | null {
  if (!Array.isArray(commandLine) || commandLine.length === 0) return null;
  // Each word by its last path part only: the agent's line holds both forms (see lineWords).
  const words = (commandLine as readonly string[]).join(' ').split(WORD_SEPARATORS).map((token) => token.slice(token.lastIndexOf('/') + 1));
  return [...new Set(words)].filter((word) => word !== '' && !RUNNER_WORDS.has(word));
}

function commandName(pid: number): string {
  return processFacts(pid)?.name ?? '';
}

function guardsDirectory(env: Record<string, string | undefined>): string {
  return path.join(stateDirectory(env), 'guards');
}

/** Still running (a zombie has ended), and the same process, not a later one with its pid. */
function isSameLiveProcess(entry: ProcessIdentity): boolean {
  const facts = processFacts(entry.pid);
  return facts !== null && !facts.zombie && facts.start === entry.start;
}

function readAgentRecords(env: Record<string, string | undefined>, dir: string): Array<{ file: string; record: AgentHookRecord | null }> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.startsWith(AGENT_RECORD_PREFIX));
  } catch {
    return [];
  }
  if (names.length === 0) return [];
  // Sealed like consent records: a hand-written record would otherwise stand in for a backup.
  const key = consentKey(stateDirectory(env));
  return names.map((name) => {
    const file = path.join(dir, name);
    const read = readSealed<AgentHookRecord>(key, file, 'agent-hook');
    return { file, record: read && 'value' in read ? read.value : null };
  });
}

/**
 * Called by the agent hook's guard (a child of the hook) after its backup.
 * Where there is no /proc, `ps` tells the agent process and its start.
 */
export function recordAgentHookGuard(env: Record<string, string | undefined>, fingerprint: string, backupId: string, commandLine: string, now = Date.now()): void {
  const agent = ancestorChain()?.slice(1).find((entry) => !LAUNCHER.test(commandName(entry.pid)));
  if (!agent) return;
  const dir = guardsDirectory(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const { file, record } of readAgentRecords(env, dir)) {
    // An earlier command of this agent that never met another guard: its record must not cover a later command.
    const replaced = record?.fingerprint === fingerprint && record.agent?.pid === agent.pid && record.agent.start === agent.start;
    if (!record || record.expires <= now || replaced) rmSync(file, { force: true });
  }
  const salt = randomBytes(16).toString('hex');
  const words = [...lineWords(commandLine)].map((word) => hashWord(salt, word));
  const record: AgentHookRecord = { fingerprint, backupId, agent, expires: now + AGENT_RECORD_TTL_MS, salt, words };
  writeSealed(consentKey(stateDirectory(env)), path.join(dir, `${AGENT_RECORD_PREFIX}${randomBytes(8).toString('hex')}.json`), 'agent-hook', record);
}

/**
 * Take the agent hook's record for this database, when this process runs
 * inside the agent that hook answered and its command is one the agent's
 * line spells out (a record a declined `npm test` left is no pass for the
 * `npm run db:seed` inside a later script). Returns the hook's backup id;
 * null when there is none to take.
 */
export function claimAgentHookGuard(env: Record<string, string | undefined>, fingerprint: string, words: readonly string[] | null, now = Date.now()): { backupId: string } | null {
  if (!words || words.length === 0) return null;
  const records = readAgentRecords(env, guardsDirectory(env));
  if (records.length === 0) return null;
  const own = ancestorChain();
  if (!own) return null;
  for (const { file, record } of records) {
    if (!record || record.expires <= now || record.fingerprint !== fingerprint || !record.agent || !Array.isArray(record.words)) continue;
    if (!words.every((word) => record.words.includes(hashWord(record.salt, word)))) continue;
    const agent = record.agent;
    if (!isSameLiveProcess(agent) || !own.some((entry) => entry.pid === agent.pid && entry.start === agent.start)) continue;
    try {
      // Removing it is taking it: of two guards racing for one record, only one succeeds.
      unlinkSync(file);
    } catch {
      continue;
    }
    return { backupId: record.backupId };
  }
  return null;
}
