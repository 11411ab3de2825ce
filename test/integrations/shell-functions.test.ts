import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installBuiltDbsafe, runCli, tempDir } from '../helpers/cli.js';
import { TmuxShell } from '../helpers/terminal.js';

/**
 * A recording stand-in for dbsafe, first on PATH: proves what the shell
 * functions hand to `dbsafe run`, and that other calls never start dbsafe.
 */
const STAND_IN = `#!/bin/sh
printf '%s\\n' "$*" >> "$DBSAFE_STANDIN_RECORD"
`;

const SHELL_ARGV: Record<string, string[]> = {
  bash: ['bash', '--noprofile', '-i'],
  zsh: ['zsh', '-i'],
  fish: ['fish', '-i'],
};

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  cleanups = [];
});

async function interactiveShell(shell: string) {
  const { dir, cleanup } = tempDir('dbsafe-shell-');
  cleanups.push(cleanup);
  const home = path.join(dir, 'home');
  const bin = path.join(dir, 'stand-in-bin');
  const project = path.join(dir, 'project');
  const plain = path.join(dir, 'plain');
  for (const d of [home, bin, path.join(project, 'src'), plain]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(bin, 'dbsafe'), STAND_IN);
  chmodSync(path.join(bin, 'dbsafe'), 0o755);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'shop', dbsafe: {}, scripts: { test: `node -p "'real-test-ran'"` } }));
  writeFileSync(path.join(plain, 'package.json'), JSON.stringify({ name: 'other', scripts: { test: `node -p "'plain-test-ran'"` } }));
  const record = path.join(dir, 'record');
  // A fish that never ran starts a background job generating completions, which
  // would still be writing into HOME while the test removes it.
  mkdirSync(path.join(home, '.config', 'fish'), { recursive: true });
  writeFileSync(path.join(home, '.config', 'fish', 'fish_variables'), 'SETUVAR __fish_initialized:3400\n');

  const installed = await runCli(['install', `--shell=${shell}`], { cwd: project, env: { HOME: home } });
  expect(installed.code).toBe(0);

  const terminal = TmuxShell.start(SHELL_ARGV[shell]!, {
    cwd: path.join(project, 'src'),
    env: { HOME: home, PATH: `${bin}:${process.env.PATH}`, TERM: 'xterm-256color', DBSAFE_STANDIN_RECORD: record, NO_COLOR: '1',
      // No history files written into the temporary HOME while it is being removed.
      HISTFILE: '',
      fish_history: '',
    },
  });
  cleanups.push(() => terminal.stop());
  await terminal.waitForPrompt();
  const recorded = () => (existsSync(record) ? readFileSync(record, 'utf8') : '');
  let step = 0;
  const run = async (line: string) => {
    step += 1;
    const done = path.join(dir, `done-${step}`);
    terminal.type(`${line}; echo ok > ${done}`);
    await terminal.waitForFile(done);
  };
  return { dir, plain, record, recorded, run };
}

describe.each(Object.keys(SHELL_ARGV))('interactive %s with `dbsafe install --shell`', (shell) => {
  it('routes `npm test` in an opted-in project through dbsafe run; `npm --version`, `command npm`, DBSAFE=0 and other projects never start dbsafe', async () => {
    const t = await interactiveShell(shell);

    await t.run('npm test');
    expect(t.recorded()).toBe('run -- npm test\n');

    await t.run(`npm --version > ${t.dir}/version.txt`);
    expect(readFileSync(path.join(t.dir, 'version.txt'), 'utf8')).toMatch(/^\d+\.\d+\.\d+/);
    await t.run(`command npm test > ${t.dir}/command.txt`);
    expect(readFileSync(path.join(t.dir, 'command.txt'), 'utf8')).toContain('real-test-ran');
    await t.run(`DBSAFE=0 npm test > ${t.dir}/bypass.txt`);
    expect(readFileSync(path.join(t.dir, 'bypass.txt'), 'utf8')).toContain('real-test-ran');
    await t.run(`cd ${t.plain} && npm test > ${t.dir}/plain.txt`);
    expect(readFileSync(path.join(t.dir, 'plain.txt'), 'utf8')).toContain('plain-test-ran');
    expect(t.recorded()).toBe('run -- npm test\n');

    // An AI agent's shell cannot switch the guard off.
    await t.run(`cd ${t.dir}/project && DBSAFE=0 CLAUDECODE=1 npx prisma migrate reset --force`);
    expect(t.recorded()).toBe('run -- npm test\nrun -- npx prisma migrate reset --force\n');
  });
});

describe.each(Object.keys(SHELL_ARGV))('interactive %s: git and find are wrapped only where they run commands', (shell) => {
  it('`git rebase --exec`, `git bisect run`, `git submodule foreach`, a `!` alias and `find -exec` reach dbsafe run; every other git or find call runs without it', async () => {
    const t = await interactiveShell(shell);
    await t.run(`git --version > ${t.dir}/git-version.txt`);
    await t.run(`git status --short > /dev/null 2>&1`);
    await t.run(`git log -1 --oneline > /dev/null 2>&1`);
    await t.run(`find .. -name '*.json' > ${t.dir}/found.txt`);
    expect(readFileSync(path.join(t.dir, 'git-version.txt'), 'utf8')).toMatch(/^git version/);
    expect(readFileSync(path.join(t.dir, 'found.txt'), 'utf8')).toContain('package.json');
    expect(t.recorded()).toBe('');

    await t.run(`git rebase --exec 'npm test' main`);
    await t.run('git bisect run npm test');
    await t.run(`git submodule foreach 'npm test'`);
    await t.run(`git -c alias.t='!npm test' t`);
    await t.run(`find . -name package.json -exec npm test ';'`);
    expect(t.recorded().split('\n').filter((line) => line !== '')).toEqual([
      'run -- git rebase --exec npm test main',
      'run -- git bisect run npm test',
      'run -- git submodule foreach npm test',
      'run -- git -c alias.t=!npm test t',
      'run -- find . -name package.json -exec npm test ;',
    ]);
  });
});

describe.each(Object.keys(SHELL_ARGV))('interactive %s with the real dbsafe', (shell) => {
  it('typing `npm test` in an opted-in project backs the database up, then runs the tests', async () => {
    const { createPostgresDatabase } = await import('../helpers/databases.js');
    const { readdirSync } = await import('node:fs');
    const db = createPostgresDatabase();
    cleanups.push(() => db.drop());
    const t = await interactiveShell(shell);
    const project = path.join(t.dir, 'project');
    installBuiltDbsafe(project);
    writeFileSync(path.join(project, '.env'), `DATABASE_URL=${db.url}\n`);
    await t.run(`npm test > ${t.dir}/real.txt 2>&1`);
    expect(readFileSync(path.join(t.dir, 'real.txt'), 'utf8')).toContain('real-test-ran');
    const backups = readdirSync(path.join(project, 'backups')).filter((name) => name.startsWith(`${db.name}_`) && !name.endsWith('.json'));
    expect(backups).toHaveLength(1);
    expect(t.recorded()).toBe('');
  });
});

describe.each(['bash', 'zsh'])('interactive %s with the shell functions and the PATH shims both installed', (shell) => {
  it('the one-off bypass the functions print, `DBSAFE=0 npm test`, gets past both; `command npm test` still meets a shim', async () => {
    const { dir, cleanup } = tempDir('dbsafe-bypass-');
    cleanups.push(cleanup);
    const home = path.join(dir, 'home');
    const project = path.join(dir, 'project');
    for (const d of [home, project]) mkdirSync(d, { recursive: true });
    // No dbsafe anywhere: every guarded call stops and says how to bypass the guard once.
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'shop', dbsafe: {}, scripts: { test: `node -p "'real-test-ran'"` } }));
    const installed = await runCli(['install', `--shell=${shell}`, '--shims'], { cwd: project, env: { HOME: home } });
    expect(installed.code, installed.stderr).toBe(0);
    const shimDir = path.join(home, '.local/share/dbsafe/shims');
    const terminal = TmuxShell.start(SHELL_ARGV[shell]!, {
      cwd: project,
      env: { HOME: home, PATH: `${shimDir}:${process.env.PATH}`, TERM: 'xterm-256color', NO_COLOR: '1', HISTFILE: '' },
    });
    cleanups.push(() => terminal.stop());
    await terminal.waitForPrompt();
    let step = 0;
    const run = async (line: string) => {
      const done = path.join(dir, `done-${++step}`);
      terminal.type(`${line}; echo $? > ${done}`);
      return (await terminal.waitForFile(done)).trim();
    };

    expect(await run(`npm test > ${dir}/guarded.out 2> ${dir}/guarded.err`)).toBe('127');
    const advice = /bypass the guard once with: (.*)$/m.exec(readFileSync(path.join(dir, 'guarded.err'), 'utf8'))?.[1];
    expect(advice).toBe('DBSAFE=0 npm test');

    expect(await run(`${advice} > ${dir}/bypass.out`)).toBe('0');
    expect(readFileSync(path.join(dir, 'bypass.out'), 'utf8')).toContain('real-test-ran');

    expect(await run(`command npm test > ${dir}/command.out 2> ${dir}/command.err`)).toBe('127');
    expect(readFileSync(path.join(dir, 'command.out'), 'utf8')).not.toContain('real-test-ran');
    expect(readFileSync(path.join(dir, 'command.err'), 'utf8')).toContain('dbsafe shim:');
  });
});

it('the shell templates and the README no longer offer `command npm` as the bypass', async () => {
  const { REPO_ROOT } = await import('../helpers/cli.js');
  for (const file of ['shell/dbsafe.bash', 'shell/dbsafe.zsh', 'shell/dbsafe.fish', 'README.md']) {
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    expect(text, file).not.toMatch(/[Bb]ypass[^.\n]*with:? `?command /);
    expect(text, file).toContain('DBSAFE=0 npm test');
  }
});
