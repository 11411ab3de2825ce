import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/log.js';
import { installBuiltDbsafe, runCli, testDir } from '../helpers/cli.js';

const AGENT_STAND_IN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/agent-stand-in.mjs');

/**
 * A project with the Claude Code hook and the PATH shims (or the npm
 * pre-scripts) installed by `dbsafe install`, a SQLite database, and an
 * agent stand-in that runs the registered hook, then the command.
 */
async function agentProject(pieces: string[]) {
  const root = testDir('dbsafe-agent-once-');
  const home = path.join(root, 'home');
  const project = path.join(root, 'app');
  spawnSync('mkdir', ['-p', home, project]);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, dbsafe: {}, scripts: { test: `node -p "'tests-ran'"`, 'db:seed': `node -p "'seed-ran'"` } }, null, 2));
  // A script the rules cannot see into (the hook allows it without a backup) that runs a guarded npm script.
  writeFileSync(path.join(project, 'chores.sh'), 'npm run db:seed\n');
  writeFileSync(path.join(project, '.env'), 'DATABASE_URL=sqlite:./app.db\n');
  spawnSync('sqlite3', [path.join(project, 'app.db'), 'CREATE TABLE t (x); INSERT INTO t VALUES (1);']);
  installBuiltDbsafe(project);
  const state = path.join(root, 'state');
  const installed = await runCli(['install', '--agent=claude', ...pieces], { cwd: project, env: { HOME: home, XDG_STATE_HOME: state } });
  expect(installed.code, installed.stderr).toBe(0);
  const settings = JSON.parse(readFileSync(path.join(project, '.claude/settings.json'), 'utf8'));
  const hookCommand: string = settings.hooks.PreToolUse[0].hooks[0].command;
  const shimDir = path.join(home, '.local/share/dbsafe/shims');
  const env = { HOME: home, XDG_STATE_HOME: state, PATH: `${shimDir}:${process.env.PATH}`, CLAUDECODE: '1', NO_COLOR: '1' };
  const backups = () => readAuditLog(path.join(project, 'backups/audit.log')).entries.filter((entry) => entry.backupId !== null).map((entry) => entry.backupId);
  const agent = (...lines: string[]) => spawnSync(process.execPath, [AGENT_STAND_IN, hookCommand, ...lines], { cwd: project, env, encoding: 'utf8' });
  return { project, env, hookCommand, backups, agent };
}

describe('one backup per command, whichever integrations see it', () => {
  it('agent hook + PATH shims: one agent `npm test` takes one backup, named after the agent’s command; the next command takes its own', async () => {
    const t = await agentProject(['--shims']);
    const first = t.agent('npm test');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('tests-ran');
    expect(first.stderr).toMatch(/already backed up by the agent hook for this command/);
    expect(t.backups()).toHaveLength(1);
    const audit = readAuditLog(path.join(t.project, 'backups/audit.log')).entries;
    expect(audit.map((e) => `${e.operation} | ${e.command} | ${e.decision}`)).toEqual(['agent Claude Code | npm test | allowed', 'run | npm test | checked-only']);

    expect(t.agent('npm test').status).toBe(0);
    expect(t.backups()).toHaveLength(2);
  });

  it('agent hook + npm pre-scripts: the pretest guard of the agent’s `npm test` takes no second backup', async () => {
    const t = await agentProject(['--npm']);
    const ran = t.agent('npm test');
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('tests-ran');
    expect(t.backups()).toHaveLength(1);
  });

  it('the hook’s record is no pass for anything outside the agent: the same command typed elsewhere is backed up', async () => {
    const t = await agentProject(['--shims']);
    // The human declines the agent's command, then runs it in their own shell (not a child of the agent).
    expect(t.agent('declined:npm test').status).toBe(0);
    expect(t.backups()).toHaveLength(1);
    const own = spawnSync('bash', ['-c', 'npm test'], { cwd: t.project, env: { ...t.env, CLAUDECODE: '' }, encoding: 'utf8' });
    expect(own.status, own.stderr).toBe(0);
    expect(t.backups()).toHaveLength(2);
  });

  it('a record the agent’s declined `npm test` left is no pass for another command of that agent: the `npm run db:seed` inside `sh ./chores.sh` is backed up', async () => {
    const t = await agentProject(['--shims']);
    const ran = t.agent('declined:npm test', 'sh ./chores.sh');
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('seed-ran');
    const audit = readAuditLog(path.join(t.project, 'backups/audit.log')).entries;
    expect(audit.map((e) => `${e.operation} | ${e.command} | ${e.decision}`)).toEqual(['agent Claude Code | npm test | allowed', 'agent Claude Code | sh ./chores.sh | allowed', 'run | npm run db:seed | allowed']);
    // The script's body is read (it runs a guarded command), so the hook guards `sh ./chores.sh` itself too.
    // The shim inside does not yet take the hook's record of the enclosing script as covering `npm run db:seed`:
    // one backup more than needed (never one less).
    expect(t.backups()).toHaveLength(3);
  });
});
