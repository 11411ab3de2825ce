import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  consumeConsent,
  findConsentRequest,
  grantConsent,
  isAccountStore,
  issueConsentRequest,
  listPendingRequests,
  stateDirectory,
} from '../../src/consent/store.js';
import { tempDir } from '../helpers/cli.js';
import { isDbsafeError, type DbsafeError } from '../../src/errors.js';

let state: ReturnType<typeof tempDir>;
let env: Record<string, string>;
beforeEach(() => {
  state = tempDir('dbsafe-consent-');
  env = { HOME: state.dir };
});
afterEach(() => state.cleanup());

let rejections: string[] = [];
beforeEach(() => {
  rejections = [];
});
const human = { isAgent: () => false, onRejected: (_file: string, problem: string) => rejections.push(problem) };
const consentDir = () => path.join(state.dir, '.local/state/dbsafe/consent');
const request = (binding = 'b1') => ({
  binding,
  command: 'npm test',
  target: 'PostgreSQL shop_prod on db.example.com:5432 (DATABASE_URL)',
  confirmWord: 'shop_prod',
  cwd: '/project',
  reason: 'the database name shop_prod contains the production word "prod"',
  auditLog: path.join(state.dir, 'audit.log'),
});
const allowed = (binding = 'b1') => {
  const issued = issueConsentRequest(env, request(binding));
  grantConsent(env, issued);
  return path.join(consentDir(), `allowed-${binding}.json`);
};

function dbsafeErrorOf(action: () => unknown): DbsafeError {
  try {
    action();
  } catch (error) {
    if (isDbsafeError(error)) return error;
    throw error;
  }
  throw new Error('expected a DbsafeError');
}

describe('consent store location', () => {
  it('is <HOME>/.local/state/dbsafe; XDG_STATE_HOME does not move it', () => {
    expect(stateDirectory({ HOME: '/home/dev' })).toBe('/home/dev/.local/state/dbsafe');
    expect(stateDirectory({ HOME: '/home/dev', XDG_STATE_HOME: '/elsewhere' })).toBe('/home/dev/.local/state/dbsafe');
  });
  it('without HOME, is the account home from the user database', () => {
    expect(stateDirectory({})).toBe(path.join(os.userInfo().homedir, '.local/state/dbsafe'));
    expect(isAccountStore({})).toBe(true);
    expect(isAccountStore({ HOME: state.dir })).toBe(false);
    expect(isAccountStore({ HOME: `${os.userInfo().homedir}/` })).toBe(true);
    const link = path.join(state.dir, 'home-link');
    symlinkSync(os.userInfo().homedir, link);
    expect(isAccountStore({ HOME: link })).toBe(true);
  });
  it('is private: key 0600, directories 0700, records 0600', () => {
    const issued = issueConsentRequest(env, request());
    const file = path.join(consentDir(), `pending-${issued.code}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(state.dir, '.local/state/dbsafe/consent.key')).mode & 0o777).toBe(0o600);
  });
});

describe('consent store', () => {
  it('lets an allowed binding through exactly once', () => {
    const issued = issueConsentRequest(env, request());
    const found = findConsentRequest(env, issued.code);
    if (!('request' in found) || !found.request) throw new Error('not found');
    grantConsent(env, found.request);
    expect(findConsentRequest(env, issued.code)).toEqual({ problem: 'unknown' });
    expect(consumeConsent(env, 'other-binding', human)).toBeNull();
    expect(consumeConsent(env, 'b1', human)?.code).toBe(issued.code);
    expect(consumeConsent(env, 'b1', human)).toBeNull();
    expect(readdirSync(consentDir())).toEqual([]);
  });

  it('refuses expired codes and expired allowances', () => {
    const now = Date.now();
    const issued = issueConsentRequest(env, request(), now - 6 * 60 * 1000);
    expect(findConsentRequest(env, issued.code, now)).toMatchObject({ problem: 'expired' });
    const fresh = issueConsentRequest(env, request('b2'), now);
    grantConsent(env, fresh, now - 6 * 60 * 1000);
    expect(consumeConsent(env, 'b2', { ...human, now })).toBeNull();
  });

  it('deletes expired requests and allowances (issue #11)', () => {
    const now = Date.now();
    const old = issueConsentRequest(env, request('old'), now - 6 * 60 * 1000);
    grantConsent(env, issueConsentRequest(env, request('stale'), now - 6 * 60 * 1000), now - 6 * 60 * 1000);
    const live = issueConsentRequest(env, request('live'), now);
    expect(listPendingRequests(env, now).map((r) => r.code)).toEqual([live.code]);
    expect(readdirSync(consentDir()).sort()).toEqual([`pending-${live.code}.json`]);
    expect(existsSync(path.join(consentDir(), `pending-${old.code}.json`))).toBe(false);
  });

  it('keeps one pending request per command: a newer refusal replaces the older', () => {
    issueConsentRequest(env, request('same'));
    const newer = issueConsentRequest(env, request('same'));
    expect(listPendingRequests(env).map((r) => r.code)).toEqual([newer.code]);
  });
});

describe('consent cannot be forged by writing a file', () => {
  it('a pending request copied to allowed-<binding>.json is not consent', () => {
    const issued = issueConsentRequest(env, request('b1'));
    writeFileSync(path.join(consentDir(), 'allowed-b1.json'), readFileSync(path.join(consentDir(), `pending-${issued.code}.json`)), { mode: 0o600 });
    expect(consumeConsent(env, 'b1', human)).toBeNull();
    expect(rejections).toEqual(['it is not a sealed dbsafe record']);
  });

  it('a hand-written allowance is not consent', () => {
    issueConsentRequest(env, request('b1'));
    const forged = { ...request('b1'), code: 'AAAAAA', issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString(), allowedAt: new Date().toISOString(), usableUntil: new Date(Date.now() + 60_000).toISOString() };
    writeFileSync(path.join(consentDir(), 'allowed-b1.json'), JSON.stringify(forged), { mode: 0o600 });
    expect(consumeConsent(env, 'b1', human)).toBeNull();
    writeFileSync(path.join(consentDir(), 'allowed-b1.json'), JSON.stringify({ kind: 'allowed', payload: JSON.stringify(forged), mac: '00'.repeat(32) }), { mode: 0o600 });
    expect(consumeConsent(env, 'b1', human)).toBeNull();
  });

  it.each([
    ['command', (g: Record<string, unknown>) => ({ ...g, command: 'npm run db:reset' })],
    ['target', (g: Record<string, unknown>) => ({ ...g, target: 'PostgreSQL other_prod on db.example.com:5432' })],
    ['expiry', (g: Record<string, unknown>) => ({ ...g, usableUntil: new Date(Date.now() + 24 * 3600_000).toISOString() })],
  ])('an allowance with its %s edited is not consent', (_field, edit) => {
    const file = allowed('b1');
    const sealed = JSON.parse(readFileSync(file, 'utf8')) as { kind: string; payload: string; mac: string };
    writeFileSync(file, JSON.stringify({ ...sealed, payload: JSON.stringify(edit(JSON.parse(sealed.payload))) }), { mode: 0o600 });
    expect(consumeConsent(env, 'b1', human)).toBeNull();
  });

  it('an allowance with a valid seal for another binding is not consent', () => {
    const file = allowed('b3');
    writeFileSync(path.join(consentDir(), 'allowed-b4.json'), readFileSync(file), { mode: 0o600 });
    expect(consumeConsent(env, 'b4', human)).toBeNull();
    expect(rejections).toEqual(['it was sealed for another command']);
  });

  it('a symlinked allowance is not consent, even to a genuine one', () => {
    const file = allowed('b5');
    const elsewhere = path.join(state.dir, 'genuine.json');
    renameSync(file, elsewhere);
    symlinkSync(elsewhere, file);
    expect(consumeConsent(env, 'b5', human)).toBeNull();
    expect(rejections).toEqual(['it is a symbolic link']);
  });

  it('an allowance others can read or write is not consent', () => {
    const file = allowed('b6');
    chmodSync(file, 0o644);
    expect(consumeConsent(env, 'b6', human)).toBeNull();
  });

  it('a store directory others can write (0777) is refused, and holds no consent', () => {
    const file = allowed('b7');
    chmodSync(path.dirname(file), 0o777);
    expect(consumeConsent(env, 'b7', human)).toBeNull();
    const error = dbsafeErrorOf(() => issueConsentRequest(env, request('b8')));
    expect(error.code).toBe('consent-store-unsafe');
    expect(error.message).toContain('chmod 700');
  });

  it('a key others can read is refused', () => {
    allowed('b9');
    chmodSync(path.join(state.dir, '.local/state/dbsafe/consent.key'), 0o644);
    expect(dbsafeErrorOf(() => issueConsentRequest(env, request('b10'))).message).toContain('consent key');
    expect(consumeConsent(env, 'b9', human)).toBeNull();
  });

  it('a store an agent planted elsewhere (its own HOME, its own key, a valid seal) is not honoured for an agent', () => {
    allowed('b11');
    expect(consumeConsent(env, 'b11', { isAgent: () => true })).toBeNull();
    expect(consumeConsent(env, 'b11', human)?.binding).toBe('b11');
  });

  it('a record sealed under another key (another store) is not consent here', () => {
    const other = path.join(state.dir, 'other-home');
    mkdirSync(other);
    const otherEnv = { HOME: other };
    grantConsent(otherEnv, issueConsentRequest(otherEnv, request('b12')));
    allowed('b13');
    writeFileSync(path.join(consentDir(), 'allowed-b12.json'), readFileSync(path.join(other, '.local/state/dbsafe/consent/allowed-b12.json')), { mode: 0o600 });
    expect(consumeConsent(env, 'b12', human)).toBeNull();
  });
});
