import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/schema.js';
import { classifyCommand } from '../../src/rules/classify.js';
import { parsePlainLine } from '../../src/rules/simple-parse.js';
import { userCommandRules, validateCommandRulesConfig } from '../../src/rules/user-rules.js';
import { runCli, tempDir } from '../helpers/cli.js';

const parse = (source: string) => parsePlainLine(source) ?? { commands: [], syntaxError: true };
const noScripts = () => null;

function classify(argv: string[], config: Parameters<typeof userCommandRules>[0]) {
  return classifyCommand({ command: argv, cwd: '/project', readScripts: noScripts, parse, userRules: userCommandRules(config) });
}

describe('the "commands" configuration', () => {
  it('accepts strings and rows with their own id and reason', () => {
    expect(validateConfig({ commands: { guard: ['make test', { command: 'make db-*', reason: 'rebuilds the database', id: 'makefile-db' }], allow: ['npm run test:unit-fast'] } })).toEqual([]);
  });

  it.each([
    [[], 'must be an object like {"guard": ["make test"], "allow": ["npm run test:unit-fast"]}'],
    [{ protect: ['make test'] }, 'has unknown key "protect" (use "guard" for commands to protect, "allow" for commands to let through)'],
    [{ guard: 'make test' }, '.guard must be a list of commands, e.g. ["make test"]'],
    [{ guard: [''] }, '.guard[0] must be a command such as "make test", or an object {"command": "make test", "reason": "…"}'],
    [{ allow: [{ command: 'make x', why: 'y' }] }, '.allow[0] has unknown key "why" (known: command, reason, id)'],
    [{ guard: [{ command: 'make x', reason: 3 }] }, '.guard[0] "reason" must be a non-empty string'],
    [{ guard: ['make test && make seed'] }, '.guard[0] "make test && make seed" contains shell syntax; write the command and its leading arguments as plain words (use * as a wildcard), e.g. "make test" or "./scripts/reset-*.sh"'],
  ])('rejects %j with a message that names the fix', (value, message) => {
    expect(validateCommandRulesConfig(value)).toBe(message);
    expect(validateConfig({ commands: value })).toEqual([`"commands" ${message}`]);
  });

  it('extends the table: a guard rule guards a command no built-in row knows', () => {
    expect(classify(['make', 'wipe'], undefined)).toMatchObject({ guarded: false, rule: 'no-rule' });
    expect(classify(['make', 'wipe'], { guard: ['make wipe'] })).toMatchObject({ guarded: true, rule: 'config-guard' });
    expect(classify(['./scripts/reset-db.sh'], { guard: ['scripts/reset-db.sh'] })).toMatchObject({ guarded: true, rule: 'config-guard' });
    expect(classify(['sudo', 'make', 'db-reset'], { guard: [{ command: 'make db-*', id: 'makefile-db', reason: 'rebuilds the database' }] })).toMatchObject({ guarded: true, rule: 'makefile-db', reason: 'rebuilds the database' });
  });

  it('overrides the table: an allow rule lets a built-in guarded command through, the longer rule wins', () => {
    expect(classify(['npx', 'jest', '--selectProjects', 'unit'], undefined).guarded).toBe(true);
    expect(classify(['npx', 'jest', '--selectProjects', 'unit'], { allow: ['jest'] })).toMatchObject({ guarded: false, rule: 'config-allow' });
    const both = { allow: ['rails'], guard: ['rails db:*'] };
    expect(classify(['rails', 'db:seed'], both)).toMatchObject({ guarded: true, rule: 'config-guard' });
    expect(classify(['rails', 'test'], both)).toMatchObject({ guarded: false, rule: 'config-allow' });
    expect(classify(['make', 'test'], undefined)).toMatchObject({ guarded: true, rule: 'script-test' });
    expect(classify(['make', 'test'], { allow: ['make test'] })).toMatchObject({ guarded: false, rule: 'config-allow' });
    expect(classify(['make', 'wipe'], { allow: ['make wipe'], guard: ['make wipe'] })).toMatchObject({ guarded: true });
  });

  it('dbsafe explain exits 2 with the problem and the file to fix when the rules are invalid', async () => {
    const project = tempDir();
    try {
      writeFileSync(path.join(project.dir, 'dbsafe.config.json'), JSON.stringify({ commands: { guard: ['make test | tee'] } }));
      const run = await runCli(['explain', '--', 'make test'], { cwd: project.dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('"commands" .guard[0] "make test | tee" contains shell syntax');
      expect(run.stderr).toContain(`Fix ${path.join(project.dir, 'dbsafe.config.json')}`);
      expect(run.stdout).toBe('');
    } finally {
      project.cleanup();
    }
  });
});
