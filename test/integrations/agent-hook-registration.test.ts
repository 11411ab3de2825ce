import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, privateHome, runCli, testDir } from '../helpers/cli.js';

/** A project with dbsafe installed the way npm installs it: node_modules/.bin/dbsafe, a link to the CLI. */
function projectWithDbsafe(): { dir: string; bin: string } {
  const dir = testDir('dbsafe-agent-registration-');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'shop', scripts: { test: 'vitest run' }, dbsafe: {} }));
  mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  const bin = path.join(dir, 'node_modules', '.bin', 'dbsafe');
  symlinkSync(CLI, bin);
  mkdirSync(path.join(dir, 'src', 'deep'), { recursive: true });
  return { dir, bin };
}

const registered = (dir: string): string[] => {
  const settings = JSON.parse(readFileSync(path.join(dir, '.claude', 'settings.json'), 'utf8')) as { hooks: { PreToolUse: Array<{ hooks: Array<{ command: string }> }> } };
  return settings.hooks.PreToolUse.flatMap((entry) => entry.hooks.map((hook) => hook.command));
};

/** Run the registered hook as Claude Code does: through a shell, the tool call as JSON on stdin. */
function runHook(command: string, cwd: string, agentCommand: string) {
  const input = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: agentCommand }, cwd });
  return spawnSync('sh', ['-c', command], {
    cwd,
    input,
    encoding: 'utf8',
    // npm offline: the fallback must not wait on the registry.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...privateHome(), npm_config_offline: 'true', NO_COLOR: '1' },
  });
}

describe('install --agent registers an absolute, fast hook command', () => {
  it('replaces an old npx registration with the project’s own node_modules/.bin/dbsafe, keeping other hooks', async () => {
    const { dir, bin } = projectWithDbsafe();
    const theirs = { matcher: 'Bash', hooks: [{ type: 'command', command: './scripts/audit.sh' }] };
    const old = { matcher: 'Bash', hooks: [{ type: 'command', command: 'npx --no-install dbsafe agent-hook --format claude' }] };
    mkdirSync(path.join(dir, '.claude'));
    writeFileSync(path.join(dir, '.claude', 'settings.json'), JSON.stringify({ hooks: { PreToolUse: [theirs, old] } }, null, 2));

    const result = await runCli(['install', '--agent=claude'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const commands = registered(dir);
    expect(commands).toHaveLength(2);
    expect(commands[0]).toBe('./scripts/audit.sh');
    expect(commands[1]!.startsWith(`f='${bin}'; if [ -x "$f" ]; then exec "$f" agent-hook --format claude; fi;`)).toBe(true);

    // Installing again changes nothing.
    expect((await runCli(['install', '--agent=claude'], { cwd: dir })).stdout).toContain('nothing to change');
  });

  it('answers from a subdirectory: passes a command that touches no database, blocks one it cannot judge', async () => {
    const { dir } = projectWithDbsafe();
    expect((await runCli(['install', '--agent=claude'], { cwd: dir })).code).toBe(0);
    const [command] = registered(dir);
    const deep = path.join(dir, 'src', 'deep');

    const ls = runHook(command!, deep, 'ls -la');
    expect(ls.status, ls.stderr).toBe(0);
    expect(ls.stdout).not.toContain('deny');

    // No database configured: a guarded command is blocked (fail closed).
    const test = runHook(command!, deep, 'npm test');
    expect(test.status === 2 || test.stdout.includes('"permissionDecision":"deny"'), `${test.status} ${test.stdout} ${test.stderr}`).toBe(true);
  });

  it('blocks with the fix when dbsafe is gone from node_modules (agents run the command when a hook fails otherwise)', async () => {
    const { dir, bin } = projectWithDbsafe();
    expect((await runCli(['install', '--agent=claude'], { cwd: dir })).code).toBe(0);
    const [command] = registered(dir);
    rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });

    const result = runHook(command!, dir, 'npm run migrate');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`its agent hook cannot start (${bin} is missing, and npx finds no dbsafe here)`);
    expect(result.stderr).toContain(`npm install\` in ${dir}`);
  });
});
