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
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'shop', dbsafe: {}, scripts: { test: 'echo real-test-ran' } }));
  writeFileSync(path.join(plain, 'package.json'), JSON.stringify({ name: 'other', scripts: { test: 'echo plain-test-ran' } }));
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
