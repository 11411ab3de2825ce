import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STAND_IN_GUARDED } from '../run/project.js';
import { describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/log.js';
import type { AncestorProcess } from '../../src/consent/ancestry.js';
import { ancestryFromPs, readAncestry } from '../../src/consent/ancestry.js';
import { AGENT_PROGRAMS, detectAgentAnywhere, detectAgentInAncestry } from '../../src/consent/agents.js';
import { integrationsDisabled } from '../../src/consent/integrations.js';
import { MARKER_IDS } from '../../src/engines/sqlite/live.js';
import { CLI, runCollecting, testDir } from '../helpers/cli.js';
import { DETACHED } from './terminal.js';

const proc = (name: string, argv: string[] = [name], exe: string | null = `/usr/bin/${name}`, pid = 100): AncestorProcess => ({ pid, name, exe, argv });
const SHELL = proc('bash', ['-bash'], '/usr/bin/bash', 10);
const INIT = proc('systemd', ['/sbin/init'], '/usr/lib/systemd/systemd', 1);

describe('detectAgentInAncestry (pure: the ancestry in, the verdict out)', () => {
  it.each<[string, AncestorProcess, string]>([
    ['the executable by name', proc('claude', ['claude'], '/home/u/.local/share/claude/versions/2.0.1'), 'Claude Code'],
    ['a script run by node (node /path/to/claude)', proc('node', ['node', '/usr/local/bin/claude', '--resume'], '/usr/bin/node'), 'Claude Code'],
    ['a package path run by node', proc('node', ['node', '/usr/lib/node_modules/@openai/codex/bin/codex.js'], '/usr/bin/node'), 'Codex'],
    ['a process title set by the program', proc('gemini', ['node', '/x/index.js'], '/usr/bin/node'), 'Gemini CLI'],
    ['a python entry point', proc('python3', ['python3', '/home/u/.local/bin/aider', '--model', 'x'], '/usr/bin/python3.12'), 'Aider'],
    ['python -m', proc('python3', ['python3', '-m', 'aider'], '/usr/bin/python3'), 'Aider'],
    ['cursor-agent', proc('cursor-agent'), 'Cursor agent'],
    ['opencode', proc('opencode'), 'OpenCode'],
    ['qwen', proc('qwen'), 'Qwen Code'],
    ['cline', proc('cline'), 'Cline'],
    ['goose', proc('goose'), 'Goose'],
    ['amp', proc('amp'), 'Amp'],
  ])('finds %s', (_case, agent, name) => {
    expect(detectAgentInAncestry([SHELL, agent, INIT])?.name).toBe(name);
  });

  it('says which process gave it away', () => {
    expect(detectAgentInAncestry([SHELL, proc('claude', ['claude'], null, 4242)])).toEqual({ name: 'Claude Code', variable: 'process claude, pid 4242' });
  });

  it.each<[string, AncestorProcess[]]>([
    ['a terminal session', [SHELL, proc('tmux: server', ['tmux'], '/usr/bin/tmux'), proc('sshd'), INIT]],
    ['an editor whose file is named like an agent', [SHELL, proc('vim', ['vim', 'claude'], '/usr/bin/vim'), INIT]],
    ['node running something else', [proc('node', ['node', '/app/server.js'], '/usr/bin/node'), INIT]],
    ['the Cursor IDE (its agent is cursor-agent)', [proc('cursor', ['cursor'], '/opt/cursor/cursor'), INIT]],
    ['nothing readable', []],
  ])('finds no agent in %s', (_case, ancestry) => {
    expect(detectAgentInAncestry(ancestry)).toBeNull();
  });

  it('every program of the table has at least one name', () => {
    for (const program of AGENT_PROGRAMS) expect(program.names.length).toBeGreaterThan(0);
  });

  it('reads the ancestry only when the environment says nothing', () => {
    let reads = 0;
    const ancestry = () => {
      reads++;
      return [proc('claude')];
    };
    expect(detectAgentAnywhere({ CLAUDECODE: '1' }, ancestry)?.variable).toBe('CLAUDECODE');
    expect(reads).toBe(0);
    expect(detectAgentAnywhere({}, ancestry)?.name).toBe('Claude Code');
    expect(reads).toBe(1);
  });

  it('DBSAFE=0 is ignored when an agent is an ancestor, and the ancestry is read only when DBSAFE=0 is set', () => {
    expect(integrationsDisabled({ DBSAFE: '0' }, () => [SHELL, proc('codex')]).disabled).toBe(false);
    expect(integrationsDisabled({ DBSAFE: '0' }, () => [SHELL, proc('codex')]).reason).toContain('Codex (process codex');
    expect(integrationsDisabled({ DBSAFE: '0' }, () => [SHELL, INIT]).disabled).toBe(true);
    expect(integrationsDisabled({}, () => {
      throw new Error('read without need');
    }).disabled).toBe(false);
  });
});

describe('readAncestry', () => {
  it('reads this process’s real parents from the system', () => {
    const ancestry = readAncestry();
    expect(ancestry[0]?.pid).toBe(process.ppid);
    expect(ancestry.length).toBeGreaterThan(0);
  });

  it('reads the same chain with ps where there is no /proc', () => {
    const fromProc = readAncestry();
    const fromPs = ancestryFromPs(process.ppid);
    expect(fromPs.map((p) => p.pid)).toEqual(fromProc.map((p) => p.pid));
    expect(fromPs[0]?.argv.length).toBeGreaterThan(0);
  });
});

/**
 * A stand-in agent: an executable named `claude` that runs its arguments as
 * a child (as an agent runs its shell commands), started outside the test
 * runner's process tree so only the test decides what its ancestors are.
 */
function fakeAgent(kind: 'script' | 'node'): { bin: string; home: string; run: (argv: string[], cwd: string, env?: Record<string, string>) => ReturnType<typeof runCollecting> } {
  const root = testDir('dbsafe-fake-agent-');
  const bin = path.join(root, 'bin');
  mkdirSync(bin);
  const claude = path.join(bin, 'claude');
  if (kind === 'script') writeFileSync(claude, '#!/bin/sh\n"$@"\n', { mode: 0o755 });
  else writeFileSync(claude, "const { spawnSync } = require('node:child_process');\nconst [cmd, ...args] = process.argv.slice(2);\nprocess.exitCode = spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;\n");
  const launch = kind === 'script' ? [claude] : [process.execPath, claude];
  return {
    bin,
    home: root,
    run: (argv, cwd, env = {}) =>
      runCollecting('python3', [DETACHED, ...launch, ...argv], {
        cwd,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, NO_COLOR: '1', TERM: 'dumb', CLAUDECODE: '1', ...env },
      }),
  };
}

/** `dbsafe ARGS` the way a hiding agent runs it: its variable unset, on a pseudo-terminal. */
const hidden = (args: string[]) => ['env', '-u', 'CLAUDECODE', 'script', '-qec', [process.execPath, CLI, ...args].join(' '), '/dev/null'];

function sqliteProject(home: string, name: string, marker?: keyof typeof MARKER_IDS): string {
  const dir = path.join(home, 'app');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', dbsafe: { commands: { guard: STAND_IN_GUARDED } } }));
  execFileSync('sqlite3', [path.join(dir, name), `CREATE TABLE t (id INTEGER);${marker ? ` PRAGMA application_id = ${MARKER_IDS[marker]};` : ''}`]);
  writeFileSync(path.join(dir, '.env'), `DATABASE_URL=sqlite:${name}\n`);
  return dir;
}

describe('an agent that unset its variable is still an agent (its process is an ancestor)', () => {
  it.each(['script', 'node'] as const)('dbsafe allow is refused on a pseudo-terminal under a `claude` %s, without CLAUDECODE', async (kind) => {
    const agent = fakeAgent(kind);
    const dir = sqliteProject(agent.home, 'shop_prod.db');
    const refused = await agent.run(['env', '-u', 'CLAUDECODE', process.execPath, CLI, 'run', '--', 'touch', 'ran'], dir);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('you are Claude Code (process claude');
    expect(refused.stderr).not.toMatch(/allow [A-Z0-9]{6}/);
    const [pending] = readdirSync(path.join(agent.home, '.local/state/dbsafe/consent'));
    const code = /pending-([A-Z0-9]{6})/.exec(pending ?? '')![1]!;

    for (const args of [['allow'], ['allow', code]]) {
      const allow = await agent.run([...hidden(args)], dir);
      expect(allow.stdout + allow.stderr).toContain('dbsafe allow refuses to run in a session of Claude Code (process claude');
      expect(allow.code).toBe(3);
    }
    expect(readdirSync(path.join(agent.home, '.local/state/dbsafe/consent')).filter((name) => name.startsWith('allowed-'))).toEqual([]);
    const audit = readAuditLog(path.join(dir, 'backups/audit.log')).entries.map((e) => `${e.operation}:${e.decision}:${e.agent}`);
    expect(audit[0]).toMatch(/^run:refused:Claude Code \(process claude/);
    expect(audit.slice(1)).toEqual([expect.stringMatching(/^allow:consent-refused:Claude Code \(process claude/), expect.stringMatching(/^allow:consent-refused:Claude Code \(process claude/)]);
  });

  it('dbsafe mark development of a production-marked database is refused under `claude`, on a pseudo-terminal, without CLAUDECODE', async () => {
    const agent = fakeAgent('script');
    const dir = sqliteProject(agent.home, 'dev.sqlite3', 'production');
    const result = await agent.run(hidden(['mark', 'development']), dir);
    expect(result.stdout + result.stderr).toContain('an AI agent is running this command: Claude Code (process claude');
    expect(result.code).toBe(3);
    expect(Number(execFileSync('sqlite3', [path.join(dir, 'dev.sqlite3'), 'PRAGMA application_id'], { encoding: 'utf8' }).trim())).toBe(MARKER_IDS.production);
    expect(readAuditLog(path.join(dir, 'backups/audit.log')).entries[0]).toMatchObject({ operation: 'mark development', decision: 'refused' });
  });

  it('DBSAFE=0 does not switch the integrations off under `claude` without CLAUDECODE; it does for a person', async () => {
    const agent = fakeAgent('script');
    const dir = sqliteProject(agent.home, 'dev.sqlite3');
    const underAgent = await agent.run(['env', '-u', 'CLAUDECODE', 'DBSAFE=0', process.execPath, CLI, 'status'], dir);
    expect(underAgent.code).toBe(0);
    expect(underAgent.stdout).not.toContain('DBSAFE=0 is set');
    const person = await runCollecting('python3', [DETACHED, process.execPath, CLI, 'status'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: agent.home, DBSAFE: '0', NO_COLOR: '1' } });
    expect(person.stdout).toContain('DBSAFE=0 is set');
  });
});
