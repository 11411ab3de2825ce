import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consumeConsent, findConsentRequest, grantConsent, issueConsentRequest, stateDirectory } from '../../src/consent/store.js';
import { tempDir } from '../helpers/cli.js';

let state: ReturnType<typeof tempDir>;
let env: Record<string, string>;
beforeEach(() => {
  state = tempDir('dbsafe-consent-');
  env = { XDG_STATE_HOME: state.dir, HOME: '/nonexistent' };
});
afterEach(() => state.cleanup());

const request = (binding = 'b1') => ({
  binding,
  command: 'npm test',
  target: 'PostgreSQL shop_prod on db.example.com:5432 (DATABASE_URL)',
  confirmWord: 'shop_prod',
  cwd: '/project',
  reason: 'the database name shop_prod contains the production word "prod"',
  auditLog: path.join(state.dir, 'audit.log'),
});

describe('consent store', () => {
  it('lives in the per-user state directory, private', () => {
    expect(stateDirectory(env)).toBe(path.join(state.dir, 'dbsafe'));
    expect(stateDirectory({ HOME: '/home/dev' })).toBe('/home/dev/.local/state/dbsafe');
    const issued = issueConsentRequest(env, request());
    const file = path.join(state.dir, 'dbsafe/consent', `pending-${issued.code}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ code: issued.code, binding: 'b1' });
  });

  it('lets an allowed binding through exactly once', () => {
    const issued = issueConsentRequest(env, request());
    const found = findConsentRequest(env, issued.code);
    if (!('request' in found) || !found.request) throw new Error('not found');
    grantConsent(env, found.request);
    expect(findConsentRequest(env, issued.code)).toEqual({ problem: 'unknown' });
    expect(consumeConsent(env, 'other-binding')).toBeNull();
    expect(consumeConsent(env, 'b1')?.code).toBe(issued.code);
    expect(consumeConsent(env, 'b1')).toBeNull();
    expect(readdirSync(path.join(state.dir, 'dbsafe/consent'))).toEqual([]);
  });

  it('refuses expired codes and expired allowances', () => {
    const now = Date.now();
    const issued = issueConsentRequest(env, request(), now - 6 * 60 * 1000);
    expect(findConsentRequest(env, issued.code, now)).toMatchObject({ problem: 'expired' });
    const fresh = issueConsentRequest(env, request('b2'), now);
    grantConsent(env, fresh, now - 6 * 60 * 1000);
    expect(consumeConsent(env, 'b2', now)).toBeNull();
  });

  it('ignores an allowance file whose content names another binding', () => {
    const issued = issueConsentRequest(env, request('b3'));
    grantConsent(env, issued);
    const dir = path.join(state.dir, 'dbsafe/consent');
    writeFileSync(path.join(dir, 'allowed-b4.json'), readFileSync(path.join(dir, 'allowed-b3.json')));
    expect(consumeConsent(env, 'b4')).toBeNull();
  });
});
