import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, type BenchRow } from './measure.js';


/** The fastest run: machine noise only ever adds time, so minima compare the programs themselves. */
function fastest(values: number[]): number {
  return Math.min(...values);
}

/**
 * The bash functions' cost, measured inside one real bash so only the
 * function differs: a non-matching call (`npm --version`) against
 * `command npm --version`, interleaved; and the decision a matching call
 * (`npm test` in an opted-in project) makes before dbsafe starts.
 */
export async function shellOverheadBench(runs: number): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dbsafe-bench-shell-'));
  try {
    const project = path.join(dir, 'project', 'src', 'lib');
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(dir, 'project', 'package.json'), JSON.stringify({ name: 'bench', dbsafe: {}, scripts: { test: 'true' } }));
    const init = spawnSync(process.execPath, [CLI, 'shell-init', 'bash'], { encoding: 'utf8', env: { ...process.env, HOME: dir } });
    if (init.status !== 0) throw new Error(`dbsafe shell-init bash failed: ${init.stderr}`);
    writeFileSync(path.join(dir, 'init.bash'), init.stdout);
    const script = `
      . ${JSON.stringify(path.join(dir, 'init.bash'))}
      ms() { local s=$EPOCHREALTIME; "$@" >/dev/null 2>&1; local e=$EPOCHREALTIME; echo "$1 $(( (\${e/./} - \${s/./}) ))"; }
      for i in $(seq ${runs}); do ms command npm --version; ms npm --version; done
      s=$EPOCHREALTIME; for i in $(seq 1000); do __dbsafe_candidate npm test && __dbsafe_find_project; done; e=$EPOCHREALTIME
      echo "decision $(( (\${e/./} - \${s/./}) / 1000 ))"
      s=$EPOCHREALTIME; for i in $(seq 1000); do __dbsafe_candidate npm --version; done; e=$EPOCHREALTIME
      echo "passthrough $(( (\${e/./} - \${s/./}) / 1000 ))"
    `;
    const result = spawnSync('bash', ['-c', script], { cwd: project, encoding: 'utf8', env: { ...process.env, HOME: dir } });
    if (result.status !== 0) throw new Error(`bench shell failed: ${result.stderr}`);
    const samples: Record<string, number[]> = {};
    for (const line of result.stdout.trim().split('\n')) {
      const [name, micros] = line.split(' ');
      (samples[name!] ??= []).push(Number(micros));
    }
    const plain = fastest(samples.command!);
    const wrapped = fastest(samples.npm!);
    const decision = samples.decision![0]!;
    const passthrough = samples.passthrough![0]!;
    const ratio = wrapped / plain;
    return [
      {
        measurement: `bash function, non-matching \`npm --version\` ÷ \`command npm --version\` (fastest of ${runs}, interleaved)`,
        value: `${ratio.toFixed(3)}  (${(wrapped / 1000).toFixed(1)} ms vs ${(plain / 1000).toFixed(1)} ms)`,
        target: '≤ 1.05',
        pass: ratio <= 1.05,
      },
      {
        measurement: 'bash function, non-matching call: time the function adds before `command npm` runs',
        value: `${passthrough} µs`,
        target: '',
        pass: null,
      },
      {
        measurement: 'bash function, matching `npm test`: decision before dbsafe starts (pre-filter + project walk)',
        value: `${decision} µs`,
        target: '≤ 5000 µs',
        pass: decision <= 5000,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
