import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, medianOf, ratioRow, runMeasured, type BenchRow } from './measure.js';

/**
 * What an AI agent pays before every shell command it runs: the hook command
 * exactly as `dbsafe install --agent` wrote it into .claude/settings.json
 * (read back from that file), run through a shell as Claude Code runs it, for
 * a command that touches no database (`ls -la`). Against a bare `node -e ''`,
 * interleaved. Target: within 1.5×.
 */

const RUNS = 11;
const LIMIT = 1.5;

export async function agentHookBench(): Promise<BenchRow[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-agent-'));
  try {
    const project = path.join(root, 'app');
    mkdirSync(path.join(project, 'node_modules', '.bin'), { recursive: true });
    // A user's home has ~/.cache, where Node 20 keeps dbsafe's compiled code (src/cli/code-cache.ts).
    mkdirSync(path.join(root, '.cache'));
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', scripts: { test: 'vitest run' }, dbsafe: {} }));
    // As npm installs it: node_modules/.bin/dbsafe links to the package's CLI.
    symlinkSync(CLI, path.join(project, 'node_modules', '.bin', 'dbsafe'));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, XDG_STATE_HOME: path.join(root, 'state'), DATABASE_URL: 'postgres://dev@127.0.0.1:5432/app_dev' };
    await runMeasured(process.execPath, [CLI, 'install', '--agent=claude'], { env, cwd: project });
    const settings = JSON.parse(readFileSync(path.join(project, '.claude', 'settings.json'), 'utf8')) as {
      hooks: { PreToolUse: Array<{ hooks: Array<{ command: string }> }> };
    };
    const command = settings.hooks.PreToolUse[0]!.hooks[0]!.command;
    const input = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls -la' }, cwd: project });
    const baseline: number[] = [];
    const hook = await medianOf(RUNS, async () => {
      baseline.push((await runMeasured(process.execPath, ['-e', ''], { env, cwd: project })).seconds);
      return runMeasured('sh', ['-c', command], { env, cwd: project, input });
    });
    const sorted = baseline.sort((a, b) => a - b);
    return [ratioRow('registered agent hook (install --agent) for `ls -la` ÷ node -e \'\'', hook, { seconds: sorted[Math.floor(sorted.length / 2)]! }, LIMIT)];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
