import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redactCommandLine } from '../redact.js';
import { CONSENT_TTL_MS, generateCode } from './code.js';

/**
 * Per-user state, outside every repository: a code stored in the project
 * could be committed, and one project must not be able to plant an
 * allowance for another.
 */
export function stateDirectory(env: Record<string, string | undefined>): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'dbsafe');
  return path.join(env.HOME || os.homedir(), '.local', 'state', 'dbsafe');
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
  issuedAt: string;
  expiresAt: string;
}

export interface ConsentGrant extends ConsentRequest {
  allowedAt: string;
  /** The allowance must be used before this time. */
  usableUntil: string;
}

function consentDir(env: Record<string, string | undefined>): string {
  const dir = path.join(stateDirectory(env), 'consent');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function writePrivateJson(file: string, value: unknown): void {
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, file);
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Forget requests and allowances that expired more than an hour ago. */
function sweepExpired(dir: string, now: number): void {
  for (const name of readdirSync(dir)) {
    const record = readJson<{ expiresAt?: string; usableUntil?: string }>(path.join(dir, name));
    const end = Date.parse(record?.usableUntil ?? record?.expiresAt ?? '');
    if (!Number.isNaN(end) && end < now - 60 * 60 * 1000) rmSync(path.join(dir, name), { force: true });
  }
}

export function issueConsentRequest(
  env: Record<string, string | undefined>,
  request: Omit<ConsentRequest, 'code' | 'issuedAt' | 'expiresAt'>,
  now = Date.now(),
): ConsentRequest {
  const dir = consentDir(env);
  sweepExpired(dir, now);
  const issued: ConsentRequest = {
    ...request,
    command: redactCommandLine(request.command),
    code: generateCode(),
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + CONSENT_TTL_MS).toISOString(),
  };
  writePrivateJson(path.join(dir, `pending-${issued.code}.json`), issued);
  return issued;
}

export type LookupResult = { request: ConsentRequest } | { problem: 'unknown' | 'expired'; request?: ConsentRequest };

export function findConsentRequest(env: Record<string, string | undefined>, code: string, now = Date.now()): LookupResult {
  const request = readJson<ConsentRequest>(path.join(consentDir(env), `pending-${code}.json`));
  if (!request) return { problem: 'unknown' };
  if (Date.parse(request.expiresAt) < now) return { problem: 'expired', request };
  return { request };
}

/** Turn a pending code into an allowance for its binding; the code cannot be allowed twice. */
export function grantConsent(env: Record<string, string | undefined>, request: ConsentRequest, now = Date.now()): ConsentGrant {
  const dir = consentDir(env);
  const grant: ConsentGrant = { ...request, allowedAt: new Date(now).toISOString(), usableUntil: new Date(now + CONSENT_TTL_MS).toISOString() };
  writePrivateJson(path.join(dir, `allowed-${request.binding}.json`), grant);
  rmSync(path.join(dir, `pending-${request.code}.json`), { force: true });
  return grant;
}

/**
 * Use the allowance for `binding`, if there is a live one. The rename is the
 * claim: of two dbsafe processes racing for one allowance, exactly one wins,
 * so "once" means once.
 */
export function consumeConsent(env: Record<string, string | undefined>, binding: string, now = Date.now()): ConsentGrant | null {
  const dir = consentDir(env);
  const claimed = path.join(dir, `claimed-${binding}-${randomBytes(4).toString('hex')}.json`);
  try {
    renameSync(path.join(dir, `allowed-${binding}.json`), claimed);
  } catch {
    return null;
  }
  const grant = readJson<ConsentGrant>(claimed);
  rmSync(claimed, { force: true });
  if (!grant || grant.binding !== binding || Date.parse(grant.usableUntil) < now) return null;
  return grant;
}
