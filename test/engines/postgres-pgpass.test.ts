import { describe, expect, it } from 'vitest';
import { passfileEntry } from '../../src/engines/postgres/connection.js';
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
