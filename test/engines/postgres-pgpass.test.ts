import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { libpqEnvironment, passfileEntry } from '../../src/engines/postgres/connection.js';
import { parseConnectionString } from '../../src/target/url.js';
import { passwordFromPassfileText } from '../../src/engines/postgres/pgpass.js';

const key = { host: '127.0.0.1', port: '5432', database: 'app_dev', user: 'app' };

describe('libpq password files', () => {
  it('finds the first matching line, "*" matching anything, escapes undone', () => {
    const text = ['# comment', 'other:5432:app_dev:app:no', '127.0.0.1:5432:*:app:p\\:w\\\\d:with:colons', '*:*:*:*:fallback', ''].join('\n');
    expect(passwordFromPassfileText(text, key)).toBe('p:w\\d:with:colons');
    expect(passwordFromPassfileText(text, { ...key, user: 'someone' })).toBe('fallback');
    expect(passwordFromPassfileText('127.0.0.1:5432:app_dev:app\n', key)).toBeUndefined();
  });

  it("dbsafe's own entry matches any connection and reads back as the same password", () => {
    for (const password of ['plain', 'with:colon', 'back\\slash', "quote'and space"]) {
      expect(passwordFromPassfileText(passfileEntry(password), key)).toBe(password);
    }
  });

  it('a password with a line break cannot be written: a clear error, not a broken file', () => {
    expect(() => passfileEntry('two\nlines')).toThrow(/line break/);
  });
});

describe('the environment of a libpq tool', () => {
  const targetOf = (url: string) => parseConnectionString(url, { kind: 'flag', name: '--url' }, { cwd: '/' })[0]!;

  it('host names in PGHOST and hostaddr in PGHOSTADDR; a password only in a 0600 file of a 0700 directory, removed afterwards', () => {
    const prepared = libpqEnvironment(targetOf('postgres://app:s3cret@db.local/app_dev?hostaddr=127.0.0.1'));
    try {
      expect(prepared.env).toMatchObject({ PGHOST: 'db.local', PGHOSTADDR: '127.0.0.1', PGUSER: 'app', PGDATABASE: 'app_dev', PGPASSWORD: undefined, PGSERVICE: undefined });
      const file = prepared.env.PGPASSFILE!;
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      expect(readFileSync(file, 'utf8')).toBe('*:*:*:*:s3cret\n');
      expect(JSON.stringify(prepared.env)).not.toContain('s3cret');
    } finally {
      prepared.remove();
    }
    expect(existsSync(prepared.passfileDir!)).toBe(false);
  });

  it('without a password there is no password file: the user\'s own ~/.pgpass stays in effect', () => {
    const prepared = libpqEnvironment(targetOf('postgres://app@localhost/app_dev'));
    expect(prepared.env.PGPASSFILE).toBeUndefined();
    expect(prepared.passfileDir).toBeUndefined();
  });
});
