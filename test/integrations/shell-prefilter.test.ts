import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
});
