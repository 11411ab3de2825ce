import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { reservedKeyPaths, validateConfig } from '../../src/config/schema.js';
import { isDbsafeError } from '../../src/errors.js';
import { runCli, testDir } from '../helpers/cli.js';

function loadError(files: Record<string, string>): { code: string; exitCode: number; message: string } {
  const dir = testDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  try {
    loadConfig(dir);
  } catch (error) {
    if (!isDbsafeError(error)) throw error;
    return { code: error.code, exitCode: error.exitCode, message: error.message };
  }
  throw new Error('the configuration was accepted');
}

describe('reserved keys in the configuration', () => {
  it.each([
    ['{"__proto__": {"retention": 1}}', '__proto__'],
    ['{"constructor": {}}', 'constructor'],
    ['{"prototype": 1}', 'prototype'],
    ['{"commands": {"__proto__": []}}', 'commands.__proto__'],
    ['{"commands": {"guard": ["make x", {"command": "make y", "prototype": "z"}]}}', 'commands.guard[1].prototype'],
    ['{"notify": {"constructor": "x"}}', 'notify.constructor'],
    ['{"encryption": {"keyFile": "k", "__proto__": {"keyFile": "other"}}}', 'encryption.__proto__'],
    ['{"allowedHosts": [{"constructor": 1}]}', 'allowedHosts[0].constructor'],
  ])('%s is a configuration error (exit 2) naming %s, in dbsafe.config.json and in package.json', (json, where) => {
    const fromConfig = loadError({ 'dbsafe.config.json': json });
    expect(fromConfig).toMatchObject({ code: 'config-invalid', exitCode: 2 });
    expect(fromConfig.message).toContain(`the key "${where}" is not allowed`);
    expect(fromConfig.message).toContain('dbsafe.config.json and run the command again');
    const fromPackage = loadError({ 'package.json': `{"name": "x", "dbsafe": ${json}}` });
    expect(fromPackage).toMatchObject({ code: 'config-invalid', exitCode: 2 });
    expect(fromPackage.message).toContain(`the key "${where}" is not allowed`);
    expect(fromPackage.message).toContain('the "dbsafe" key of package.json');
  });

  it('finds every reserved key, and none in an ordinary configuration', () => {
    expect(reservedKeyPaths(JSON.parse('{"a": [{"__proto__": 1}], "b": {"c": {"constructor": 2}}}'))).toEqual(['a[0].__proto__', 'b.c.constructor']);
    expect(reservedKeyPaths({ retention: 3, allowedHosts: ['db.internal'], commands: { guard: ['make test'] } })).toEqual([]);
    expect(validateConfig({ toString: 'x' })).toEqual([expect.stringContaining('unknown key "toString"')]);
  });

  it('dbsafe backup with a reserved key exits 2 with the configuration message, not an internal error', async () => {
    const dir = testDir();
    writeFileSync(path.join(dir, 'dbsafe.config.json'), '{"constructor": {"prototype": {}}}');
    const result = await runCli(['backup'], { cwd: dir, env: { DATABASE_URL: `sqlite:${path.join(dir, 'app.sqlite')}` } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the key "constructor" is not allowed');
    expect(result.stderr).not.toContain('internal error');
  });
});

describe('"target" naming a variable that is not set', () => {
  it('dbsafe backup exits 2 naming the variable and the fix, and backs up nothing (not DATABASE_URL instead)', async () => {
    const dir = testDir();
    writeFileSync(path.join(dir, 'dbsafe.config.json'), '{"target": "NOPE_URL"}');
    const result = await runCli(['backup'], { cwd: dir, env: { DATABASE_URL: `sqlite:${path.join(dir, 'app.sqlite')}` } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"target" names NOPE_URL, which is not set');
    expect(result.stderr).toContain('Set NOPE_URL');
    expect(existsSync(path.join(dir, 'backups'))).toBe(false);
  });
});
