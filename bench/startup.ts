import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, medianOf, ratioRow, runMeasured, type BenchRow } from './measure.js';

/**
 * Start-up cost of the commands the integrations call on every guarded
 * command line, against a bare `node -e ''` measured in the same run,
 * interleaved so machine noise hits both alike. Target: within 1.5×.
 */

const RUNS = 11;
const LIMIT = 1.5;

const COMMANDS: ReadonlyArray<{ measurement: string; args: string[]; input?: string }> = [
  { measurement: 'dbsafe check --offline ÷ node -e \'\'', args: ['check', '--offline'] },
  { measurement: 'dbsafe explain -- npm test ÷ node -e \'\'', args: ['explain', '--', 'npm', 'test'] },
  // What an AI agent pays on every shell command it runs, most of which touch no database.
  {
    measurement: 'dbsafe agent-hook for `ls -la` (Claude Code) ÷ node -e \'\'',
    args: ['agent-hook'],
    input: JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'ls -la' } }),
  },
];

export async function startupBench(): Promise<BenchRow[]> {
  const project = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-startup-'));
  try {
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', scripts: { test: 'vitest run' }, dbsafe: {} }));
    // A user's home has ~/.cache, where Node 20 keeps dbsafe's compiled code (src/cli/code-cache.ts).
    mkdirSync(path.join(project, '.cache'));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: project, DATABASE_URL: 'postgres://dev@127.0.0.1:5432/app_dev' };
    const rows: BenchRow[] = [];
    for (const command of COMMANDS) {
      const baseline: number[] = [];
      const mine = await medianOf(RUNS, async () => {
        baseline.push((await runMeasured(process.execPath, ['-e', ''], { env, cwd: project })).seconds);
        return runMeasured(process.execPath, [CLI, ...command.args], { env, cwd: project, input: command.input });
      });
      const sorted = baseline.sort((a, b) => a - b);
      rows.push(ratioRow(command.measurement, mine, { seconds: sorted[Math.floor(sorted.length / 2)]! }, LIMIT));
    }
    return rows;
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}
