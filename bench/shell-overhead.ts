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
 * function differs. On a loaded machine two runs of `npm --version` differ
 * by more than the function costs, so the ratio is computed from its parts:
 * the fastest `command npm --version` (interleaved runs), plus the time the
 * wrapper adds before it, measured over many calls with the program itself
 * stubbed out (`command` replaced by a no-op function in a second bash).
 * The directly measured ratio is reported too. Also: the decision a
 * matching call (`npm test` in an opted-in project) makes before dbsafe starts.
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
    // The wrapper's own work: 2000 wrapped calls against 2000 bare ones, the program a no-op; fastest of 5 rounds.
    const addedScript = `
      . ${JSON.stringify(path.join(dir, 'init.bash'))}
      command() { :; }
      for round in 1 2 3 4 5; do
        s=$EPOCHREALTIME; for ((i = 0; i < 2000; i++)); do npm --version; done; e=$EPOCHREALTIME
        echo "wrapped $(( \${e/./} - \${s/./} ))"
        s=$EPOCHREALTIME; for ((i = 0; i < 2000; i++)); do command npm --version; done; e=$EPOCHREALTIME
        echo "bare $(( \${e/./} - \${s/./} ))"
      done
    `;
    const added = spawnSync('bash', ['-c', addedScript], { cwd: project, encoding: 'utf8', env: { ...process.env, HOME: dir } });
    if (added.status !== 0) throw new Error(`bench shell failed: ${added.stderr}`);
    const rounds: Record<string, number[]> = {};
    for (const line of added.stdout.trim().split('\n')) {
      const [name, micros] = line.split(' ');
      (rounds[name!] ??= []).push(Number(micros));
    }
    const addedMicros = Math.max(0, (fastest(rounds.wrapped!) - fastest(rounds.bare!)) / 2000);
    const samples: Record<string, number[]> = {};
    for (const line of result.stdout.trim().split('\n')) {
      const [name, micros] = line.split(' ');
      (samples[name!] ??= []).push(Number(micros));
    }
    const plain = fastest(samples.command!);
    const wrapped = fastest(samples.npm!);
    const decision = samples.decision![0]!;
    const passthrough = samples.passthrough![0]!;
    const measuredRatio = wrapped / plain;
    const ratio = (plain + addedMicros) / plain;
    return [
      {
        measurement: `bash function on an unguarded command ÷ plain: (fastest \`command npm --version\` of ${runs} + time the wrapper adds) ÷ fastest plain`,
        value: `${ratio.toFixed(4)}  (${addedMicros.toFixed(0)} µs added to ${(plain / 1000).toFixed(1)} ms)`,
        target: '≤ 1.02',
        pass: ratio <= 1.02,
      },
      {
        measurement: `bash function, non-matching \`npm --version\` ÷ \`command npm --version\`, measured directly (fastest of ${runs}, interleaved; machine noise included)`,
        value: `${measuredRatio.toFixed(3)}  (${(wrapped / 1000).toFixed(1)} ms vs ${(plain / 1000).toFixed(1)} ms)`,
        target: '',
        pass: null,
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
