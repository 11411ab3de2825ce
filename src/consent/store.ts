import { randomBytes } from 'node:crypto';
import { readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redactCommandLine } from '../redact.js';
import { detectAgentAnywhere } from './agents.js';
import { CONSENT_TTL_MS, generateCode } from './code.js';
import { storeMessages } from './messages.js';
import { consentKey, ensurePrivateDirectory, readSealed, writeSealed } from './seal.js';

type Env = Record<string, string | undefined>;

/** The account's home directory from the user database, which no variable of the session changes. */
function accountHome(): string {
  try {
    return os.userInfo().homedir;
  } catch {
    // No passwd entry (a container run with an arbitrary uid): HOME is all there is.
    return os.homedir();
  }
}

/**
 * Where dbsafe keeps per-user state (consent records, guard records):
 * `<home>/.local/state/dbsafe`, outside every repository. The home is HOME
 * (tests and sandboxes set their own); XDG_STATE_HOME is deliberately not
 * read, so `dbsafe allow` in the human's shell and the guard in the agent's
 * session find the same store whatever either exported.
 */
export function stateDirectory(env: Env): string {
  const home = env.HOME && path.isAbsolute(env.HOME) ? env.HOME : accountHome();
  return path.join(home, '.local', 'state', 'dbsafe');
}

/**
 * Is this the account's own store (HOME is the home in the user database)?
 * A store elsewhere is a test's or a sandbox's: its allowances are honoured
 * only when no agent is detected, so an agent cannot point HOME at a store
 * it filled itself.
 */
export function isAccountStore(env: Env): boolean {
  const home = env.HOME && path.isAbsolute(env.HOME) ? env.HOME : accountHome();
  return canonical(home) === canonical(accountHome());
}

/** The same directory spelled two ways (a trailing slash, a symlinked /home) is the same home. */
function canonical(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** A refusal that a human may turn into a one-off pass. */
export interface ConsentRequest {
  code: string;
  binding: string;
  /** For the human reading `dbsafe allow`: the command (secrets masked), the database, the directory. */
  command: string;
  target: string;
  /** The database's short name the human types to confirm. */
  confirmWord: string;
  cwd: string;
  /** The rule that refused. */
  reason: string;
  /** Where `allow` records the override. */
  auditLog: string;
  /** The agent that ran the refused command, if one was detected. */
  agent?: string | null;
  issuedAt: string;
  expiresAt: string;
}

export interface ConsentGrant extends ConsentRequest {
  allowedAt: string;
  /** The allowance must be used before this time. */
  usableUntil: string;
}

interface ConsentStore {
  dir: string;
  key: Buffer;
}

function openStore(env: Env): ConsentStore {
  const state = stateDirectory(env);
  const key = consentKey(state);
  const dir = path.join(state, 'consent');
  ensurePrivateDirectory(dir);
  return { dir, key };
}

const pendingFile = (store: ConsentStore, code: string): string => path.join(store.dir, `pending-${code}.json`);
const allowedFile = (store: ConsentStore, binding: string): string => path.join(store.dir, `allowed-${binding}.json`);

/**
 * Delete what can no longer be used: requests and allowances past their
 * time, claims left by a killed process, and unverifiable files older than
 * a code's lifetime.
 */
function sweepExpired(store: ConsentStore, now: number): void {
  for (const name of readdirSync(store.dir)) {
    const file = path.join(store.dir, name);
    const kind = name.startsWith('pending-') ? 'pending' : name.startsWith('allowed-') ? 'allowed' : null;
    const record = kind ? readSealed<{ expiresAt?: string; usableUntil?: string }>(store.key, file, kind) : null;
    let end: number;
    if (record && 'value' in record) end = Date.parse((kind === 'allowed' ? record.value.usableUntil : record.value.expiresAt) ?? '');
    else {
      try {
        end = statSync(file).mtimeMs + CONSENT_TTL_MS;
      } catch {
        continue;
      }
    }
    if (Number.isNaN(end) || end < now) rmSync(file, { force: true });
  }
}

/** Record a refusal a human may allow. A newer refusal of the same command replaces the older one. */
export function issueConsentRequest(env: Env, request: Omit<ConsentRequest, 'code' | 'issuedAt' | 'expiresAt'>, now = Date.now()): ConsentRequest {
  const store = openStore(env);
  sweepExpired(store, now);
  for (const older of listPendingIn(store, now)) if (older.binding === request.binding) rmSync(pendingFile(store, older.code), { force: true });
  const issued: ConsentRequest = {
    ...request,
    command: redactCommandLine(request.command),
    code: generateCode(),
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + CONSENT_TTL_MS).toISOString(),
  };
  writeSealed(store.key, pendingFile(store, issued.code), 'pending', issued);
  return issued;
}

function listPendingIn(store: ConsentStore, now: number): ConsentRequest[] {
  const requests: ConsentRequest[] = [];
  for (const name of readdirSync(store.dir)) {
    const match = /^pending-([A-Z0-9]+)\.json$/.exec(name);
    if (!match) continue;
    const read = readSealed<ConsentRequest>(store.key, path.join(store.dir, name), 'pending');
    if (read && 'value' in read && read.value.code === match[1] && Date.parse(read.value.expiresAt) >= now) requests.push(read.value);
  }
  return requests.sort((a, b) => Date.parse(b.issuedAt) - Date.parse(a.issuedAt));
}

/** The live refusals waiting for a human, newest first (expired ones are deleted on the way). */
export function listPendingRequests(env: Env, now = Date.now()): ConsentRequest[] {
  const store = openStore(env);
  sweepExpired(store, now);
  return listPendingIn(store, now);
}

export type LookupResult = { request: ConsentRequest } | { problem: 'unknown' | 'expired'; request?: ConsentRequest };

export function findConsentRequest(env: Env, code: string, now = Date.now()): LookupResult {
  const store = openStore(env);
  const read = readSealed<ConsentRequest>(store.key, pendingFile(store, code), 'pending');
  if (!read || !('value' in read) || read.value.code !== code) return { problem: 'unknown' };
  if (Date.parse(read.value.expiresAt) < now) {
    rmSync(pendingFile(store, code), { force: true });
    return { problem: 'expired', request: read.value };
  }
  return { request: read.value };
}

/** Turn a pending request into an allowance for its binding; the request cannot be allowed twice. */
export function grantConsent(env: Env, request: ConsentRequest, now = Date.now()): ConsentGrant {
  const store = openStore(env);
  const grant: ConsentGrant = { ...request, allowedAt: new Date(now).toISOString(), usableUntil: new Date(now + CONSENT_TTL_MS).toISOString() };
  writeSealed(store.key, allowedFile(store, request.binding), 'allowed', grant);
  rmSync(pendingFile(store, request.code), { force: true });
  return grant;
}

export interface ConsumeOptions {
  now?: number;
  /** Is an AI agent running this? Asked only for a store outside the account's home. */
  isAgent?: () => boolean;
  /** Told about an allowance file that is not consent (forged, edited, a link); prints a warning unless given. */
  onRejected?: (file: string, problem: string) => void;
}

/**
 * Use the allowance for `binding`, if there is a live one that `dbsafe allow`
 * sealed. The rename is the claim: of two dbsafe processes racing for one
 * allowance, exactly one wins, so "once" means once.
 */
export function consumeConsent(env: Env, binding: string, options: ConsumeOptions = {}): ConsentGrant | null {
  const now = options.now ?? Date.now();
  const isAgent = options.isAgent ?? (() => detectAgentAnywhere(env) !== null);
  if (!isAccountStore(env) && isAgent()) return null;
  let store: ConsentStore;
  try {
    store = openStore(env);
  } catch {
    // A store others could write into holds no consent; the refusal stands.
    return null;
  }
  const claimed = path.join(store.dir, `claimed-${binding}-${randomBytes(4).toString('hex')}.json`);
  try {
    renameSync(allowedFile(store, binding), claimed);
  } catch {
    sweepExpired(store, now);
    return null;
  }
  const read = readSealed<ConsentGrant>(store.key, claimed, 'allowed');
  rmSync(claimed, { force: true });
  sweepExpired(store, now);
  const rejected = options.onRejected ?? ((file, problem) => process.stderr.write(`${storeMessages.rejected(file, problem)}\n`));
  if (!read) return null;
  if (!('value' in read)) {
    rejected(allowedFile(store, binding), read.problem);
    return null;
  }
  const grant = read.value;
  if (grant.binding !== binding) rejected(allowedFile(store, binding), 'it was sealed for another command');
  if (grant.binding !== binding || Date.parse(grant.usableUntil) < now) return null;
  return grant;
}
