import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentHookCommand } from '../../src/integrations/agents.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';
import { git, snapshotTree } from '../helpers/install.js';

const ALL_PIECES = ['--hooks', '--shell=bash,zsh,fish', '--shims', '--npm', '--agent=claude,codex,cursor,gemini'];

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

/** A machine in miniature: a HOME with a user's rc files and a git project with its own settings. */
function workspace(): { root: string; home: string; project: string; env: Record<string, string> } {
  const { dir, cleanup } = tempDir('dbsafe-install-');
  cleanups.push(cleanup);
  const home = path.join(dir, 'home');
  const project = path.join(dir, 'project');
  mkdirSync(home);
  mkdirSync(path.join(project, '.claude'), { recursive: true });
  // Quirks on purpose: no final newline, CRLF-free but tab-indented JSON, blank lines.
  writeFileSync(path.join(home, '.bashrc'), '# my bashrc\nalias ll="ls -l"');
  writeFileSync(path.join(home, '.profile'), 'export EDITOR=vi\n\n\n');
  writeFileSync(
    path.join(project, 'package.json'),
    '{\n  "name": "shop",\n  "scripts": {\n    "test": "vitest run",\n    "pretest": "echo pre",\n    "db:reset": "prisma migrate reset"\n  },\n  "devDependencies": {\n    "dbsafe": "*"\n  }\n}\n',
  );
  writeFileSync(path.join(project, '.claude', 'settings.json'), '{\n\t"permissions": {\n\t\t"allow": ["Bash(ls)"]\n\t}\n}');
  expect(git(project, ['init', '-q']).status).toBe(0);
  return { root: dir, home, project, env: { HOME: home } };
}

describe('dbsafe install / uninstall', () => {
  it('install twice, then uninstall, leaves every file byte-identical (created files removed again)', async () => {
    const ws = workspace();
    const before = snapshotTree(ws.root);

    const first = await runCli(['install', ...ALL_PIECES], { cwd: ws.project, env: ws.env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const afterFirst = snapshotTree(ws.root);
    expect(afterFirst).not.toEqual(before);
    expect(readFileSync(path.join(ws.home, '.bashrc'), 'utf8')).toContain('# >>> dbsafe >>>');
    expect(readFileSync(path.join(ws.project, '.husky', 'pre-commit'), 'utf8')).toContain('dbsafe hook pre-commit');
    expect(git(ws.project, ['config', 'core.hooksPath']).stdout.trim()).toBe('.husky/_');
    const pkg = JSON.parse(readFileSync(path.join(ws.project, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.pretest).toBe('dbsafe guard && echo pre');
    expect(pkg.scripts['predb:reset']).toBe('dbsafe guard');

    const second = await runCli(['install', ...ALL_PIECES], { cwd: ws.project, env: ws.env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to change');
    expect(snapshotTree(ws.root)).toEqual(afterFirst);

    const removed = await runCli(['uninstall'], { cwd: ws.project, env: ws.env });
    expect(removed.stderr).toBe('');
    expect(removed.code).toBe(0);
    const after = snapshotTree(ws.root);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, bytes] of before) expect(after.get(file), file).toBe(bytes);
  });

  it('merges into existing agent settings and keeps entries that are not dbsafe’s', async () => {
    const ws = workspace();
    const settings = path.join(ws.project, '.claude', 'settings.json');
    const theirs = { matcher: 'Bash', hooks: [{ type: 'command', command: './scripts/audit-bash.sh' }] };
    writeFileSync(settings, `${JSON.stringify({ hooks: { PreToolUse: [theirs] } }, null, 2)}\n`);
    const original = readFileSync(settings, 'utf8');
    expect((await runCli(['install', '--agent=claude'], { cwd: ws.project, env: ws.env })).code).toBe(0);
    const merged = JSON.parse(readFileSync(settings, 'utf8')) as { hooks: { PreToolUse: unknown[] } };
    // No dbsafe in the project's node_modules: the hook runs the dbsafe that installed it, by absolute path.
    const command = agentHookCommand('claude', { kind: 'node-script', file: CLI }, ws.project);
    expect(command.startsWith(`f='${CLI}'; if [ -f "$f" ]; then exec node "$f" agent-hook --format claude; fi;`)).toBe(true);
    expect(merged.hooks.PreToolUse).toEqual([theirs, { matcher: 'Bash', hooks: [{ type: 'command', command }] }]);
    expect((await runCli(['uninstall', '--agent'], { cwd: ws.project, env: ws.env })).code).toBe(0);
    expect(readFileSync(settings, 'utf8')).toBe(original);
  });

  it('adds its lines to an existing husky setup without touching .husky/_ or the user’s hook', async () => {
    const ws = workspace();
    const husky = path.join(ws.project, '.husky');
    mkdirSync(husky);
    writeFileSync(path.join(husky, 'pre-commit'), 'npm run lint\n');
    git(ws.project, ['config', 'core.hooksPath', '.husky/_']);
    mkdirSync(path.join(husky, '_'));
    writeFileSync(path.join(husky, '_', 'h'), 'husky runner\n');
    const before = snapshotTree(ws.root);
    const result = await runCli(['install', '--hooks'], { cwd: ws.project, env: ws.env });
    expect(result.code).toBe(0);
    const hook = readFileSync(path.join(husky, 'pre-commit'), 'utf8');
    expect(hook.startsWith('npm run lint\n# >>> dbsafe >>>\n')).toBe(true);
    expect(readFileSync(path.join(husky, '_', 'h'), 'utf8')).toBe('husky runner\n');
    expect((await runCli(['uninstall', '--hooks'], { cwd: ws.project, env: ws.env })).code).toBe(0);
    expect(snapshotTree(ws.root)).toEqual(before);
    expect(git(ws.project, ['config', 'core.hooksPath']).stdout.trim()).toBe('.husky/_');
  });

  it.each([
    ['lefthook', 'lefthook.yml', 'lefthook (lefthook.yml)'],
    ['pre-commit', '.pre-commit-config.yaml', 'pre-commit (.pre-commit-config.yaml)'],
  ])('leaves a %s setup alone and says what to add there', async (_name, file, label) => {
    const ws = workspace();
    writeFileSync(path.join(ws.project, file), 'pre-commit:\n');
    const before = snapshotTree(ws.root);
    const result = await runCli(['install', '--hooks'], { cwd: ws.project, env: ws.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(label);
    expect(result.stdout).toContain('dbsafe hook pre-commit');
    expect(snapshotTree(ws.root)).toEqual(before);
  });

  it('leaves a custom core.hooksPath alone and names it', async () => {
    const ws = workspace();
    git(ws.project, ['config', 'core.hooksPath', 'tools/githooks']);
    const result = await runCli(['install', '--hooks'], { cwd: ws.project, env: ws.env });
    expect(result.stdout).toContain('a custom core.hooksPath (tools/githooks)');
    expect(existsSync(path.join(ws.project, '.husky'))).toBe(false);
    expect(git(ws.project, ['config', 'core.hooksPath']).stdout.trim()).toBe('tools/githooks');
  });

  it('without a terminal and without flags, asks for flags instead of guessing (exit 2)', async () => {
    const ws = workspace();
    const before = snapshotTree(ws.root);
    const result = await runCli(['install'], { cwd: ws.project, env: ws.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--hooks --shell');
    expect(snapshotTree(ws.root)).toEqual(before);
  });

  it('refuses an unknown shell or agent name with the valid ones (exit 2), changing nothing', async () => {
    const ws = workspace();
    const before = snapshotTree(ws.root);
    const shell = await runCli(['install', '--shell=tcsh'], { cwd: ws.project, env: ws.env });
    expect(shell.code).toBe(2);
    expect(shell.stderr).toContain('"tcsh" is not a shell dbsafe integrates with. Use one of: bash, zsh, fish');
    const agent = await runCli(['install', '--agent=copilot'], { cwd: ws.project, env: ws.env });
    expect(agent.code).toBe(2);
    expect(agent.stderr).toContain('Use one of: claude, codex, cursor, gemini');
    expect(snapshotTree(ws.root)).toEqual(before);
  });

  it('refuses to edit an agent settings file that is not valid JSON, and says how to fix it', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws.project, '.claude', 'settings.json'), '{ "permissions": { ,}');
    const result = await runCli(['install', '--agent=claude'], { cwd: ws.project, env: ws.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not valid JSON');
    expect(readFileSync(path.join(ws.project, '.claude', 'settings.json'), 'utf8')).toBe('{ "permissions": { ,}');
  });

  it('--yes installs the defaults: git hooks, the login shell, agents the project has settings for', async () => {
    const ws = workspace();
    const result = await runCli(['install', '--yes'], { cwd: ws.project, env: { ...ws.env, SHELL: '/usr/bin/zsh' } });
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(ws.home, '.zshrc'), 'utf8')).toContain('dbsafe.zsh');
    expect(readFileSync(path.join(ws.home, '.bashrc'), 'utf8')).not.toContain('dbsafe');
    expect(readFileSync(path.join(ws.project, '.claude', 'settings.json'), 'utf8')).toContain('dbsafe agent-hook --format claude');
    expect(existsSync(path.join(ws.project, '.cursor'))).toBe(false);
    expect(existsSync(path.join(ws.project, '.husky', 'pre-push'))).toBe(true);
  });
});

describe('dbsafe install on a terminal', () => {
  it('asks which pieces to install, with the defaults preselected; Enter installs them', async () => {
    const { TmuxShell } = await import('../helpers/terminal.js');
    const ws = workspace();
    const done = path.join(ws.root, 'done');
    const terminal = TmuxShell.start(['sh', '-c', `"${process.execPath}" "${CLI}" install; echo $? > "${done}"; sleep 5`], {
      cwd: ws.project,
      env: { HOME: ws.home, PATH: process.env.PATH ?? '', TERM: 'xterm-256color', SHELL: '/bin/bash' },
    });
    cleanups.push(() => terminal.stop());
    const deadline = Date.now() + 15_000;
    while (!terminal.screen().includes('What should dbsafe install?') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const screen = terminal.screen();
    expect(screen).toContain('git hooks');
    expect(screen).toContain('bash shell functions');
    terminal.type('');
    expect((await terminal.waitForFile(done)).trim()).toBe('0');
    expect(readFileSync(path.join(ws.home, '.bashrc'), 'utf8')).toContain('# >>> dbsafe >>>');
    expect(existsSync(path.join(ws.project, '.husky', 'pre-commit'))).toBe(true);
    expect(readFileSync(path.join(ws.project, '.claude', 'settings.json'), 'utf8')).toContain('dbsafe agent-hook --format claude');
    expect(existsSync(path.join(ws.home, '.zshrc'))).toBe(false);
  });
});
