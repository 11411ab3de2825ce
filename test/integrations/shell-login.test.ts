import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';

/**
 * The shell setups of macOS, simulated here: login shells (Terminal and iTerm
 * open one per window) that read ~/.bash_profile or ~/.profile rather than
 * ~/.bashrc; PATH reordered after ~/.zshenv by path_helper and `brew shellenv`;
 * and commands that are already functions of the user's (conda's).
 */
const STAND_IN = `#!/bin/sh
printf '%s\\n' "$*" >> "$DBSAFE_STANDIN_RECORD"
`;

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  cleanups = [];
});

function machine(homeFiles: Record<string, string> = {}) {
  const { dir, cleanup } = tempDir('dbsafe-login-');
  cleanups.push(cleanup);
  const home = path.join(dir, 'home');
  const bin = path.join(dir, 'stand-in-bin');
  const brewBin = path.join(dir, 'homebrew', 'bin');
  const project = path.join(dir, 'project');
  for (const d of [home, bin, brewBin, project]) mkdirSync(d, { recursive: true });
  for (const [name, text] of Object.entries(homeFiles)) writeFileSync(path.join(home, name), text);
  writeFileSync(path.join(bin, 'dbsafe'), STAND_IN, { mode: 0o755 });
  // Homebrew's npm, which `brew shellenv` puts in front of PATH.
  writeFileSync(path.join(brewBin, 'npm'), '#!/bin/sh\necho homebrew-npm "$@"\n', { mode: 0o755 });
  chmodSync(path.join(brewBin, 'npm'), 0o755);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'shop', dbsafe: {}, scripts: { test: `node -p "'real-test-ran'"` } }));
  const record = path.join(dir, 'record');
  const shimDir = path.join(home, '.local', 'share', 'dbsafe', 'shims');
  const run = (argv: string[], pathValue = `${bin}:${process.env.PATH}`) =>
    spawnSync(argv[0]!, argv.slice(1), { cwd: project, encoding: 'utf8', env: { HOME: home, PATH: pathValue, DBSAFE_STANDIN_RECORD: record, HISTFILE: '' } });
  const recorded = () => (existsSync(record) ? readFileSync(record, 'utf8') : '');
  const install = async (args: string[]) => {
    const result = await runCli(['install', ...args], { cwd: project, env: { HOME: home } });
    expect(result.code).toBe(0);
    return result;
  };
  const read = (name: string) => (existsSync(path.join(home, name)) ? readFileSync(path.join(home, name), 'utf8') : null);
  return { dir, home, bin, brewBin, project, shimDir, run, recorded, install, read };
}

describe('login bash (macOS terminals read ~/.bash_profile or ~/.profile, not ~/.bashrc)', () => {
  it('puts the shell functions into an existing ~/.bash_profile, and a login bash routes `npm test` through dbsafe', async () => {
    const m = machine({ '.bash_profile': 'export EDITOR=vi\n' });
    await m.install(['--shell=bash']);
    expect(m.read('.bash_profile')).toMatch(/^export EDITOR=vi\n# >>> dbsafe login-bash >>>\n.*BASH_VERSION.*\n# <<< dbsafe login-bash <<<\n$/s);
    expect(m.read('.profile')).toBeNull();
    const login = m.run(['bash', '-l', '-c', `PATH=${m.bin}:$PATH; npm test`]);
    expect(login.status).toBe(0);
    expect(m.recorded()).toBe('run -- npm test\n');
  });

  it('adds nothing to a ~/.bash_profile that already sources ~/.bashrc (the ~/.bashrc block covers it)', async () => {
    const m = machine({ '.bash_profile': 'if [ -f ~/.bashrc ]; then\n  . ~/.bashrc\nfi\n' });
    await m.install(['--shell=bash']);
    expect(m.read('.bash_profile')).toBe('if [ -f ~/.bashrc ]; then\n  . ~/.bashrc\nfi\n');
    expect(m.read('.bashrc')).toContain('# >>> dbsafe >>>');
  });

  it('without any login file, writes ~/.profile in a form sh and dash read without error, and uninstall deletes it again', async () => {
    const m = machine();
    await m.install(['--shell=bash']);
    expect(m.read('.bash_profile')).toBeNull();
    expect(m.read('.profile')).toContain('# >>> dbsafe login-bash >>>');
    const dash = m.run(['sh', '-l', '-c', 'echo dash-ok']);
    expect(dash.stderr).toBe('');
    expect(dash.stdout).toBe('dash-ok\n');
    expect(m.run(['bash', '-l', '-c', 'type -t npm']).stdout).toBe('function\n');

    const removed = await runCli(['uninstall', '--shell=bash'], { cwd: m.project, env: { HOME: m.home } });
    expect(removed.code).toBe(0);
    expect(m.read('.profile')).toBeNull();
    expect(m.read('.bashrc')).toBeNull();
  });

  it('keeps the PATH shims and the login-bash functions as two blocks of one ~/.profile, each removed on its own', async () => {
    const m = machine({ '.profile': 'umask 022\n' });
    await m.install(['--shell=bash', '--shims']);
    const both = m.read('.profile')!;
    expect(both).toContain('# >>> dbsafe >>>');
    expect(both).toContain('# >>> dbsafe login-bash >>>');
    await runCli(['uninstall', '--shims'], { cwd: m.project, env: { HOME: m.home } });
    expect(m.read('.profile')).not.toContain('# >>> dbsafe >>>');
    expect(m.read('.profile')).toContain('# >>> dbsafe login-bash >>>');
    await runCli(['uninstall', '--shell=bash'], { cwd: m.project, env: { HOME: m.home } });
    expect(m.read('.profile')).toBe('umask 022\n');
  });
});

describe('PATH shims after path_helper and `brew shellenv`', () => {
  it('a login zsh whose ~/.zprofile runs `brew shellenv` still finds the npm shim first', async () => {
    const m = machine();
    writeFileSync(path.join(m.home, '.zprofile'), `export PATH="${m.brewBin}:$PATH"\n`);
    await m.install(['--shims']);
    expect(m.read('.zprofile')).toMatch(new RegExp(`^export PATH="${m.brewBin}:\\$PATH"\\n# >>> dbsafe >>>`));
    const zsh = m.run(['zsh', '-l', '-c', 'command -v npm; print -r -- $PATH']);
    const [npm, pathValue] = zsh.stdout.trim().split('\n');
    expect(npm).toBe(path.join(m.shimDir, 'npm'));
    expect(pathValue!.split(':')[0]).toBe(m.shimDir);
    expect(pathValue!.split(':').filter((entry) => entry === m.shimDir)).toHaveLength(1);
  });

  it('the block moves the shim directory to the front however often and wherever it already is on PATH', async () => {
    const m = machine();
    await m.install(['--shims']);
    const reordered = `/usr/bin:${m.shimDir}:/bin:${m.brewBin}:${m.shimDir}`;
    for (const shell of ['sh', 'bash', 'zsh']) {
      const result = m.run([shell, '-c', `. "$HOME/.profile"; printf '%s' "$PATH"`], reordered);
      expect(result.stdout).toBe(`${m.shimDir}:/usr/bin:/bin:${m.brewBin}`);
    }
  });

  it('`dbsafe status` says when another npm comes before the shim on PATH, not merely that the shim is there', async () => {
    const m = machine();
    await m.install(['--shims']);
    const shadowed = await runCli(['status', '--json'], { cwd: m.project, env: { HOME: m.home, PATH: `${m.brewBin}:${m.shimDir}:${process.env.PATH}` } });
    expect(JSON.parse(shadowed.stdout).shims).toMatchObject({ onPath: true, shadowed: [{ command: 'npm', file: path.join(m.brewBin, 'npm') }] });
    const text = await runCli(['status'], { cwd: m.project, env: { HOME: m.home, PATH: `${m.brewBin}:${m.shimDir}:${process.env.PATH}` } });
    expect(text.stdout).toContain(`NOT first on this PATH for npm (${path.join(m.brewBin, 'npm')})`);
    const first = await runCli(['status', '--json'], { cwd: m.project, env: { HOME: m.home, PATH: `${m.shimDir}:${m.brewBin}:${process.env.PATH}` } });
    expect(JSON.parse(first.stdout).shims.shadowed).toEqual([]);
  });
});

describe("a command that is already the user's own shell function is not wrapped (conda's `conda`)", () => {
  const userFunction: Record<string, (file: string) => string> = {
    bash: (file) => `npm() { echo user-npm "$@"; }; . ${file}; npm test`,
    zsh: (file) => `npm() { echo user-npm "$@"; }; . ${file}; npm test`,
    fish: (file) => `function npm; echo user-npm $argv; end; source ${file}; npm test`,
  };
  const noFunction: Record<string, (file: string) => string> = {
    bash: (file) => `. ${file}; npm test`,
    zsh: (file) => `. ${file}; npm test`,
    fish: (file) => `source ${file}; npm test`,
  };
  it.each(['bash', 'zsh', 'fish'])('%s', async (shell) => {
    const m = machine();
    const init = await runCli(['shell-init', shell], { cwd: m.project, env: { HOME: m.home } });
    expect(init.code).toBe(0);
    const file = path.join(m.dir, `init.${shell}`);
    writeFileSync(file, init.stdout);
    const kept = m.run([shell, '-c', userFunction[shell]!(file)]);
    expect(kept.stdout).toBe('user-npm test\n');
    expect(m.recorded()).toBe('');
    // The same line without the user's function is routed through dbsafe: the check above can fail.
    m.run([shell, '-c', noFunction[shell]!(file)]);
    expect(m.recorded()).toBe('run -- npm test\n');
  });
});

describe('the bash templates stay bash 3.2 compatible (macOS /bin/bash)', () => {
  /** Constructs bash 3.2 rejects or reads differently: associative arrays, case changes, namerefs, mapfile, |&, &>>, ;& / ;;&, globstar, coproc, declare -g, brace steps. */
  const BASH4_ONLY: Array<[string, RegExp]> = [
    ['associative arrays', /\b(declare|local|typeset)\s+-[a-zA-Z]*A/],
    ['case-changing expansions', /\$\{[^}]*(,,|\^\^|[^{$#]\^|[^{$#],)\}/],
    ['namerefs', /\b(declare|local|typeset)\s+-[a-zA-Z]*n\b/],
    ['mapfile/readarray', /\b(mapfile|readarray)\b/],
    ['|& pipes', /\|&/],
    ['&>> redirection', /&>>/],
    ['case fall-through', /;;&|;&/],
    ['globstar', /globstar/],
    ['coproc', /\bcoproc\b/],
    ['declare -g', /\b(declare|typeset)\s+-[a-zA-Z]*g/],
    ['brace expansion steps', /\{\d+\.\.\d+\.\.\d+\}/],
    ['$EPOCHSECONDS / $EPOCHREALTIME / $BASHPID', /\$\{?(EPOCHSECONDS|EPOCHREALTIME|BASHPID)\b/],
    ['${var@Q} transformations', /\$\{[^}]*@[QEPAaKk]\}/],
    ['negative array subscripts / substring lengths', /\$\{[^}]*:\s*-?\d+:\s*-\d+\}/],
  ];
  for (const file of ['shell/dbsafe.bash', 'shell/shim.sh']) {
    it(file, () => {
      const text = readFileSync(path.join(REPO_ROOT, file), 'utf8')
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('#'))
        .join('\n');
      const found = BASH4_ONLY.filter(([, pattern]) => pattern.test(text)).map(([what]) => what);
      expect(found).toEqual([]);
      // The patterns catch what they describe.
      expect(BASH4_ONLY.find(([what]) => what === 'associative arrays')![1].test('local -A seen')).toBe(true);
      expect(BASH4_ONLY.find(([what]) => what === 'case-changing expansions')![1].test('${name,,}')).toBe(true);
    });
  }
});
