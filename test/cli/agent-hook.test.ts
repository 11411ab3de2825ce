import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

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
const AGENT_ENV = { CLAUDECODE: '1' };

describe('dbsafe agent-hook', () => {
  it('`ls` is allowed at once: exit 0, no output', async () => {
    const dir = project(PRODUCTION);
    const started = Date.now();
    const result = await runCli(['agent-hook', '--format', 'claude'], { cwd: dir, env: AGENT_ENV, input: claudeCall('ls -la', dir) });
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(elapsed).toBeLessThan(3000);
  });

  it('fails closed: unreadable input or an unknown format blocks (exit 2), never lets the command run', async () => {
    const dir = project(PRODUCTION);
    const garbage = await runCli(['agent-hook', '--format', 'claude'], { cwd: dir, env: AGENT_ENV, input: '{"tool_name": "Bash", ' });
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('the hook input is not JSON');
    const unknown = await runCli(['agent-hook', '--format', 'copilot'], { cwd: dir, env: AGENT_ENV, input: claudeCall('npx prisma migrate reset --force', dir) });
    expect(unknown.code).toBe(2);
  });

});
