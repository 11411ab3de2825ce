import { describe, expect, it } from 'vitest';
import { toolInfos } from '../../src/engines/tools.js';

describe('toolInfos (client tools for doctor)', () => {
  it('gives path and version of installed tools and no problem', async () => {
    const [git] = await toolInfos([{ names: ['git'], purpose: 'test' }]);
    expect(git).toMatchObject({ name: 'git', path: expect.stringMatching(/\/git$/), version: expect.stringContaining('git version') });
    expect(git!.problem).toBeUndefined();
  });

  it('gives every tool of a group with none installed the engine message naming the tools and the fix', async () => {
    const infos = await toolInfos([{ names: ['dbsafe-absent-dump', 'dbsafe-absent-dump2'], purpose: 'back up a test database' }]);
    expect(infos.map((info) => [info.name, info.path])).toEqual([['dbsafe-absent-dump', null], ['dbsafe-absent-dump2', null]]);
    for (const info of infos) {
      expect(info.problem).toBe(
        "dbsafe-absent-dump or dbsafe-absent-dump2 was not found on PATH (nor in Homebrew's or Postgres.app's directories), and dbsafe needs it to back up a test database. Install it (Debian/Ubuntu: apt-get install the engine client tools; macOS: brew install the engine's client) or add its directory to PATH.",
      );
    }
  });

  it('a group with one installed alternative has no problem', async () => {
    const infos = await toolInfos([{ names: ['dbsafe-absent-tool', 'sh'], purpose: 'test' }]);
    expect(infos[0]).toMatchObject({ name: 'dbsafe-absent-tool', path: null });
    expect(infos.every((info) => info.problem === undefined)).toBe(true);
  });
});
