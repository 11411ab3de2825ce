import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prefilterMayGuard, shellPrefilter } from '../../src/rules/prefilter.js';
import { renderShellInit, SHELLS, type ShellName } from '../../src/integrations/shells.js';
import { tempDir } from '../helpers/cli.js';

const SAMPLE_ARGUMENTS: string[][] = [
  [],
  ['test'],
  ['--version'],
  ['-h'],
  ['install'],
  ['install', 'lodash'],
  ['run', 'db:migrate'],
  ['run', 'build'],
  ['prisma', 'migrate', 'reset', '--force'],
  ['exec', '--', 'jest'],
  ['-c', 'npm test'],
  ['artisan', 'migrate:fresh'],
  ['manage.py', 'flush', '--noinput'],
  ['db:reset'],
  ['it\'s "quoted" $HOME `x` *'],
  ['a?b', '[x]'],
];

const { dir, cleanup } = tempDir('dbsafe-prefilter-');
afterAll(cleanup);

function quoteSh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function quoteFish(word: string): string {
  return `'${word.replace(/[\\']/g, '\\$&')}'`;
}

describe.each(['bash', 'zsh', 'fish'] as ShellName[])('the generated %s pre-filter', (shell) => {
  it('answers exactly as the rules’ reference pre-filter for every wrapped word', () => {
    const filters = shellPrefilter().filter((filter) => !SHELLS[shell].unwrapped.includes(filter.word));
    const init = path.join(dir, `init.${shell}`);
    writeFileSync(init, renderShellInit(shell, path.join(dir, 'shims')));
    const quote = shell === 'fish' ? quoteFish : quoteSh;
    const cases = filters.flatMap((filter) => SAMPLE_ARGUMENTS.map((args) => ({ filter, args })));
    const lines = cases.map(({ filter, args }) =>
      shell === 'fish'
        ? `__dbsafe_candidate ${[filter.word, ...args].map(quote).join(' ')}; echo $status`
        : `__dbsafe_candidate ${[filter.word, ...args].map(quote).join(' ')}; echo $?`,
    );
    const script = path.join(dir, `cases.${shell}`);
    writeFileSync(script, `${shell === 'fish' ? 'source' : '.'} ${quote(init)}\n${lines.join('\n')}\n`);
    const result = spawnSync(shell, [script], { encoding: 'utf8', cwd: dir, env: { PATH: process.env.PATH, HOME: dir } });
    expect(result.stderr).toBe('');
    const answers = result.stdout.trim().split('\n');
    expect(answers).toHaveLength(cases.length);
    const disagreements = cases.filter((c, i) => (answers[i] === '0') !== prefilterMayGuard(c.filter, c.args)).map((c) => `${c.filter.word} ${c.args.join(' ')}`);
    expect(disagreements).toEqual([]);
  });

  it('reads the recipe file for make, just and task, answering as the reference; a recipe naming no database command starts no Node', () => {
    const projects: Record<string, Record<string, string>> = {
      'db-make': { Makefile: 'build:\n\tgo build ./...\n\nreset:\n\tPGPASSWORD=x psql -h localhost app < seed.sql\n' },
      'plain-make': { Makefile: 'build:\n\ttsc -p .\n\tcp -r public dist/\n\nlint:\n\teslint src\n' },
      'variable-make': { makefile: 'CLIENT ?= psq\nrun:\n\t$(CLIENT)l app\n' },
      'db-just': { justfile: 'up:\n    docker compose up -d\nmigrate:\n    ./bin/migrate-all\n' },
      'plain-just': { justfile: 'fmt:\n    prettier --write .\n' },
      'plain-task': { 'Taskfile.yml': "version: '3'\ntasks:\n  build:\n    cmds:\n      - hugo --minify\n" },
      'none': {},
    };
    const init = path.join(dir, `init.${shell}`);
    writeFileSync(init, renderShellInit(shell, path.join(dir, 'shims')));
    const quote = shell === 'fish' ? quoteFish : quoteSh;
    const filters = shellPrefilter().filter((filter) => filter.recipe && !SHELLS[shell].unwrapped.includes(filter.word));
    expect(filters.map((filter) => filter.word).sort()).toEqual(['gmake', 'just', 'make', 'task']);
    const argumentSets = [[], ['build'], ['lint'], ['-C', 'sub', 'build'], ['--justfile=x', 'fmt']];
    const expected: string[] = [];
    const lines: string[] = [];
    for (const [name, files] of Object.entries(projects)) {
      const project = path.join(dir, `recipes-${name}`);
      mkdirSync(project, { recursive: true });
      for (const [file, text] of Object.entries(files)) writeFileSync(path.join(project, file), text);
      lines.push(`cd ${quote(project)}`);
      const read = (file: string) => (existsSync(path.join(project, file)) ? readFileSync(path.join(project, file), 'utf8') : null);
      for (const filter of filters) {
        for (const args of argumentSets) {
          lines.push(`__dbsafe_candidate ${[filter.word, ...args].map(quote).join(' ')}; echo ${shell === 'fish' ? '$status' : '$?'}`);
          expected.push(`${name} ${filter.word} ${args.join(' ')}: ${prefilterMayGuard(filter, args, read) ? 0 : 1}`);
        }
      }
    }
    const script = path.join(dir, `recipes.${shell}`);
    writeFileSync(script, `${shell === 'fish' ? 'source' : '.'} ${quote(init)}\n${lines.join('\n')}\n`);
    const result = spawnSync(shell, [script], { encoding: 'utf8', cwd: dir, env: { PATH: process.env.PATH, HOME: dir } });
    expect(result.stderr).toBe('');
    const answers = result.stdout.trim().split('\n');
    expect(answers.map((answer, i) => `${expected[i]!.replace(/\d$/, '')}${answer}`)).toEqual(expected);
    // The reference itself: database recipes may be guarded, plain ones are not, and another directory or file goes to Node.
    const make = filters.find((filter) => filter.word === 'make')!;
    const at = (name: string) => (file: string) => projects[name]![file] ?? null;
    expect(prefilterMayGuard(make, ['build'], at('db-make'))).toBe(true);
    expect(prefilterMayGuard(make, ['build'], at('plain-make'))).toBe(false);
    expect(prefilterMayGuard(make, ['run'], at('variable-make'))).toBe(true);
    expect(prefilterMayGuard(make, ['build'], at('none'))).toBe(false);
    expect(prefilterMayGuard(make, ['-C', 'sub', 'build'], at('plain-make'))).toBe(true);
  });
});
