import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consentKey, writeSealed } from '../../src/consent/seal.js';
import { findEnclosingGuard, GUARD_MARKER } from '../../src/run/nesting.js';
import { testDir } from '../helpers/cli.js';

// A guard record with `override: true` lets inner guards of the same database
// through: a hand-written one would be consent forged by writing a file.
describe('guard records cannot be forged', () => {
  const fingerprint = '0123456789abcdef';
  const nonce = 'fedcba9876543210';
  const setUp = () => {
    const home = testDir('dbsafe-guard-records-');
    const env = { HOME: home, [GUARD_MARKER]: `${process.ppid}:${fingerprint}:${nonce}` };
    const state = path.join(home, '.local/state/dbsafe');
    const file = path.join(state, 'guards', `${process.ppid}-${nonce}.json`);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    return { env, state, file };
  };

  it('a hand-written record (a live ancestor in the marker, override: true) is ignored', () => {
    const { env, file } = setUp();
    writeFileSync(file, JSON.stringify({ fingerprint, override: true }), { mode: 0o600 });
    expect(findEnclosingGuard(env, fingerprint)).toBeNull();
  });

  it('a record dbsafe sealed is honoured', () => {
    const { env, state, file } = setUp();
    writeSealed(consentKey(state), file, 'guard', { fingerprint, override: false });
    expect(findEnclosingGuard(env, fingerprint)).toEqual({ pid: process.ppid, override: false });
  });

  it('a sealed consent record renamed into a guard record is ignored', () => {
    const { env, state, file } = setUp();
    writeSealed(consentKey(state), file, 'allowed', { fingerprint, override: true });
    expect(findEnclosingGuard(env, fingerprint)).toBeNull();
  });
});
