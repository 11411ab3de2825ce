import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readAuditLog } from '../../src/audit/log.js';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { createPostgresDatabase } from '../helpers/databases.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  cleanups = [];
});

function project(databaseUrl: string): string {
  const { dir, cleanup } = tempDir('dbsafe-agent-');
  cleanups.push(cleanup);
  mkdirSync(path.join(dir, 'prisma'));
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'shop', dbsafe: {} })}\n`);
  writeFileSync(path.join(dir, '.env'), `DATABASE_URL=${databaseUrl}\n`);
  return dir;
}

const claudeCall = (command: string, cwd: string) =>
  JSON.stringify({ session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command, description: 'x' }, cwd });

const PRODUCTION = 'postgres://app:s3cret@db.prod.example.com:5432/shop_production';
let AGENT_ENV: Record<string, string>;
beforeEach(() => {
  // The hook's guard keeps records in the per-user state directory: a private one per test, never the real one.
  const { dir, cleanup } = tempDir('dbsafe-agent-state-');
  cleanups.push(cleanup);
  AGENT_ENV = { CLAUDECODE: '1', HOME: dir };
});

describe('dbsafe agent-hook', () => {
  it('Claude Code: `npx prisma migrate reset --force` against a production DATABASE_URL exits 2 with the reason on stderr', async () => {
    const dir = project(PRODUCTION);
    const result = await runCli(['agent-hook', '--format', 'claude'], { cwd: dir, env: AGENT_ENV, input: claudeCall('npx prisma migrate reset --force', dir) });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('dbsafe blocked `npx prisma migrate reset --force`');
    expect(result.stderr).toContain('db.prod.example.com');
    expect(result.stderr).not.toContain('s3cret');
  });

  it('`ls` is allowed at once: exit 0, no output', async () => {
    const dir = project(PRODUCTION);
    const started = Date.now();
    const result = await runCli(['agent-hook', '--format', 'claude'], { cwd: dir, env: AGENT_ENV, input: claudeCall('ls -la', dir) });
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(elapsed).toBeLessThan(3000);
  });

  it.each([
    ['codex', { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npx prisma migrate reset --force' } }, (r: { code: number | null; stdout: string; stderr: string }) => {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('dbsafe blocked');
    }],
    ['cursor', { hook_event_name: 'beforeShellExecution', command: 'npx prisma migrate reset --force' }, (r: { code: number | null; stdout: string }) => {
      expect(r.code).toBe(0);
      const answer = JSON.parse(r.stdout) as Record<string, string>;
      expect(Object.keys(answer).sort()).toEqual(['agent_message', 'permission', 'user_message']);
      expect(answer.permission).toBe('deny');
    }],
    ['gemini', { hook_event_name: 'BeforeTool', tool_name: 'run_shell_command', tool_input: { command: 'npx prisma migrate reset --force' } }, (r: { code: number | null; stdout: string }) => {
      expect(r.code).toBe(0);
      const answer = JSON.parse(r.stdout) as Record<string, string>;
      expect(Object.keys(answer).sort()).toEqual(['decision', 'reason']);
      expect(answer.decision).toBe('deny');
    }],
  ] as const)('%s: a refused database command is denied in the agent’s own format', async (agent, call, check) => {
    const dir = project(PRODUCTION);
    const result = await runCli(['agent-hook', '--format', agent], { cwd: dir, env: AGENT_ENV, input: JSON.stringify({ ...call, cwd: dir }) });
    check(result);
  });

  it('fails closed: unreadable input or an unknown format blocks (exit 2), never lets the command run', async () => {
    const dir = project(PRODUCTION);
    const garbage = await runCli(['agent-hook', '--format', 'claude'], { cwd: dir, env: AGENT_ENV, input: '{"tool_name": "Bash", ' });
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('the hook input is not JSON');
    const unknown = await runCli(['agent-hook', '--format', 'copilot'], { cwd: dir, env: AGENT_ENV, input: claudeCall('npx prisma migrate reset --force', dir) });
    expect(unknown.code).toBe(2);
  });

  it('a database command against a local development database is backed up, then allowed', async () => {
    const db = createPostgresDatabase();
    cleanups.push(() => db.drop());
    const dir = project(db.url);
    const result = await runCli(['agent-hook', '--format', 'claude'], { cwd: dir, env: AGENT_ENV, input: claudeCall('npx prisma migrate reset --force', dir) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const backups = readdirSync(path.join(dir, 'backups')).filter((name) => name.startsWith(`${db.name}_`) && !name.endsWith('.json'));
    expect(backups).toHaveLength(1);
  });

  it('the audit line and the backup’s trigger name the agent and its command, never `dbsafe guard`; passwords in the line are masked', async () => {
    const db = createPostgresDatabase();
    cleanups.push(() => db.drop());
    const dir = project(db.url);
    const line = 'npx prisma migrate reset --force --password hunter2';
    const result = await runCli(['agent-hook', '--format', 'claude'], { cwd: dir, env: AGENT_ENV, input: claudeCall(line, dir) });
    expect(result.code, result.stderr).toBe(0);
    const [entry] = readAuditLog(path.join(dir, 'backups/audit.log')).entries;
    expect(entry).toMatchObject({ operation: 'agent Claude Code', command: 'npx prisma migrate reset --force --password ********', decision: 'allowed' });
    const manifest = readdirSync(path.join(dir, 'backups')).find((name) => name.endsWith('.json'))!;
    const text = readFileSync(path.join(dir, 'backups', manifest), 'utf8');
    expect(JSON.parse(text).trigger).toBe('agent Claude Code: npx prisma migrate reset --force --password ********');
    expect(text + readFileSync(path.join(dir, 'backups/audit.log'), 'utf8')).not.toContain('hunter2');
    // The record that joins this backup to the command keeps no text of the line either.
    const guards = path.join(AGENT_ENV.HOME!, '.local/state/dbsafe/guards');
    const records = readdirSync(guards).map((name) => readFileSync(path.join(guards, name), 'utf8'));
    expect(records.length).toBeGreaterThan(0);
    expect(records.join('')).not.toMatch(/hunter2|prisma/);
  });

  it.each([
    ['codex', 'Codex', { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npm test' } }],
    ['cursor', 'Cursor', { hook_event_name: 'beforeShellExecution', command: 'npm test' }],
    ['gemini', 'Gemini CLI', { hook_event_name: 'BeforeTool', tool_name: 'run_shell_command', tool_input: { command: 'npm test' } }],
  ] as const)('%s: the audit line names the agent (%s) and its command', async (agent, label, call) => {
    const dir = project('sqlite:./app.db');
    writeFileSync(path.join(dir, 'app.db'), '');
    const result = await runCli(['agent-hook', '--format', agent], { cwd: dir, env: AGENT_ENV, input: JSON.stringify({ ...call, cwd: dir }) });
    expect(result.code, result.stderr).toBe(0);
    expect(readAuditLog(path.join(dir, 'backups/audit.log')).entries[0]).toMatchObject({ operation: `agent ${label}`, command: 'npm test', decision: 'allowed' });
  });

  it('hands the agent’s command to its guard on stdin: the guard’s own command line (what ps shows) never holds it', async () => {
    const { createServer } = await import('node:net');
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../helpers/cli.js');
    // A "PostgreSQL" that accepts and never answers keeps the guard's live check, and so the guard, running while we look.
    const held: import('node:net').Socket[] = [];
    const server = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const socket of held) socket.destroy();
      server.close();
    });
    const port = (server.address() as import('node:net').AddressInfo).port;
    const dir = project(`postgres://app@127.0.0.1:${port}/shop_dev`);
    const line = 'npm test -- --secret-token=hunter2-in-the-line';
    const hook = spawn(process.execPath, [CLI, 'agent-hook', '--format', 'claude'], { cwd: dir, env: { PATH: process.env.PATH, ...AGENT_ENV }, stdio: ['pipe', 'ignore', 'ignore'] });
    hook.stdin.end(claudeCall(line, dir));
    const finished = new Promise((resolve) => hook.on('close', resolve));
    let guardCommandLine: string | null = null;
    for (let i = 0; i < 400 && guardCommandLine === null; i++) {
      for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
        let cmdline = '';
        try {
          cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          continue;
        }
        if (cmdline.includes(`${CLI}\0guard\0--agent`)) guardCommandLine = cmdline;
      }
      if (guardCommandLine === null) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    for (const socket of held) socket.destroy();
    await finished;
    expect(guardCommandLine).not.toBeNull();
    expect(guardCommandLine!.split('\0').filter(Boolean).slice(1)).toEqual([CLI, 'guard', '--agent', 'claude']);
    expect(guardCommandLine).not.toContain('hunter2');
  });
});
