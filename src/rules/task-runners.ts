import { globMatches } from './glob.js';
import { commandName } from './launchers.js';
import type { EnvChange, ShellWord } from './types.js';

/**
 * Tools that run other commands named in their arguments rather than as
 * their arguments: script runners (`run-s`, `npm-run-all`, `concurrently`),
 * make-like target runners and monorepo task runners.
 */
export type TaskRun =
  /** package.json scripts by name (globs allowed), run like `npm run <name>`. */
  | { kind: 'scripts'; patterns: ShellWord[] }
  /** Shell command lines. */
  | { kind: 'sources'; sources: ShellWord[] }
  /**
   * Target or task names, judged by their recipes when `readable` (the project's Makefile, justfile or
   * Taskfile), else by the script-name rules. `directory`: `make -C dir`; `env`: `make test NAME=value`,
   * which make exports to its recipes.
   */
  | { kind: 'targets'; runner: string; names: ShellWord[]; readable: boolean; directory?: { value: string | null; written: string }; env?: EnvChange[] }
  /** The runner's own command (`nx migrate latest`), which runs no task. */
  | { kind: 'own-command'; runner: string; command: string }
  | { kind: 'none' };

export interface TaskRunner {
  words: readonly string[];
  run: 'scripts' | 'sources' | 'targets';
  valueOptions?: readonly string[];
  /** Options naming the directory the runner works in. */
  dirOptions?: readonly string[];
  /** `NAME=value` arguments are variables exported to what it runs (make). */
  exportsAssignments?: boolean;
  /** The runner's own commands, which take the place of a task name and run no task (`nx migrate` updates Nx's packages and code). */
  ownCommands?: readonly string[];
}

export const TASK_RUNNERS: readonly TaskRunner[] = [
  { words: ['run-s'], run: 'scripts', valueOptions: ['--npm-path', '--max-parallel'] },
  { words: ['run-p'], run: 'scripts', valueOptions: ['--npm-path', '--max-parallel'] },
  { words: ['npm-run-all'], run: 'scripts', valueOptions: ['--npm-path', '--max-parallel'] },
  { words: ['concurrently'], run: 'sources', valueOptions: ['-n', '--names', '-c', '--prefix-colors', '-p', '--prefix', '-s', '--success', '--restart-tries', '--restart-after', '-m', '--max-processes', '--name-separator', '-t', '--timestamp-format', '--default-input-target', '-l', '--prefix-length'] },
  { words: ['make'], run: 'targets', valueOptions: ['-C', '--directory', '-f', '--file', '--makefile', '-j', '--jobs', '-I', '--include-dir', '-o', '-W', '-l'], dirOptions: ['-C', '--directory'], exportsAssignments: true },
  { words: ['gmake'], run: 'targets', valueOptions: ['-C', '--directory', '-f', '--file', '--makefile', '-j', '--jobs', '-I', '-o', '-W', '-l'], dirOptions: ['-C', '--directory'], exportsAssignments: true },
  { words: ['just'], run: 'targets', valueOptions: ['-f', '--justfile', '-d', '--working-directory', '--set', '--dotenv-filename', '--dotenv-path'], dirOptions: ['-d', '--working-directory'] },
  { words: ['task'], run: 'targets', valueOptions: ['-t', '--taskfile', '-d', '--dir', '-c', '--concurrency', '-o', '--output'], dirOptions: ['-d', '--dir'] },
  { words: ['turbo', 'run'], run: 'targets', valueOptions: ['--filter', '-F', '--concurrency', '--cache-dir', '--graph', '--log-order', '--output-logs', '--env-mode', '--cache'] },
  { words: ['turbo'], run: 'targets', valueOptions: ['--filter', '-F', '--concurrency', '--cache-dir', '--graph', '--log-order', '--output-logs', '--env-mode', '--cache'] },
  { words: ['nx', 'run-many'], run: 'targets', valueOptions: ['-p', '--projects', '--exclude', '-c', '--configuration', '--parallel'] },
  { words: ['nx', 'run'], run: 'targets', valueOptions: ['-c', '--configuration'] },
  { words: ['nx', 'affected'], run: 'targets', valueOptions: ['--base', '--head', '-c', '--configuration', '--exclude', '--parallel'] },
  { words: ['nx'], run: 'targets', valueOptions: ['-c', '--configuration'], ownCommands: ['migrate', 'graph', 'dep-graph', 'format', 'format:check', 'format:write', 'generate', 'g', 'add', 'init', 'list', 'report', 'reset', 'clear-cache', 'repair', 'show', 'sync', 'sync:check', 'daemon', 'connect', 'connect-to-nx-cloud', 'release', 'watch', 'view-logs', 'import', 'login', 'logout'] },
  { words: ['lerna', 'run'], run: 'targets', valueOptions: ['--scope', '--ignore', '--concurrency', '--since'] },
];

const NO_RUN_OPTIONS = new Set(['-l', '--list', '--summary', '--fmt', '--dump', '--evaluate', '--show', '-s', '--variables', '--init', '--edit', '--choose', '--groups', '--completions', '--changelog', '-n', '--dry-run', '--just-print', '-p', '--print-data-base', '-q', '--question', '-v', '--version', '-h', '--help']);

/** `npm:test` in concurrently means `npm run test` (likewise yarn:, pnpm:, bun:). */
function expandShorthand(word: ShellWord): ShellWord {
  const match = /^(npm|yarn|pnpm|bun):(.+)$/.exec(word.text);
  return match && word.resolved ? { text: `${match[1]} run ${match[2]}`, resolved: true } : word;
}

/** nx names a target as `project:target[:configuration]`, turbo as `package#task`; the task is what the name rules judge. */
function taskName(runner: string, word: ShellWord): ShellWord {
  if (!word.resolved) return word;
  if (runner.startsWith('nx') && word.text.includes(':')) return { text: word.text.split(':')[1]!, resolved: true };
  if (runner.startsWith('turbo') && word.text.includes('#')) return { text: word.text.slice(word.text.indexOf('#') + 1), resolved: true };
  return word;
}

/** Read what a task runner runs. Pure. */
export function taskRunOf(words: readonly ShellWord[]): TaskRun {
  const first = words[0];
  if (!first?.resolved) return { kind: 'none' };
  const runner = TASK_RUNNERS.find((r) => commandName(first.text) === r.words[0] && r.words.every((w, i) => i === 0 || words[i]?.text === w));
  if (!runner) return { kind: 'none' };
  const positionals: ShellWord[] = [];
  const env: EnvChange[] = [];
  let directory: { value: string | null; written: string } | undefined;
  for (let index = runner.words.length; index < words.length; index += 1) {
    const word = words[index]!;
    if (word.text === '--') break;
    if (word.text.startsWith('-')) {
      const dirOption = runner.dirOptions?.find((option) => word.text === option || word.text.startsWith(`${option}=`));
      if (dirOption) {
        const value = word.text === dirOption ? words[index + 1] : { text: word.text.slice(dirOption.length + 1), resolved: word.resolved };
        directory = { value: value?.resolved ? value.text : null, written: `${dirOption} ${value?.text ?? ''}`.trim() };
      }
      if (runner.valueOptions?.includes(word.text)) index += 1;
      // nx run-many -t test / --targets=test,lint name the tasks through an option.
      if (runner.words[1] !== undefined && ['-t', '--target', '--targets'].includes(word.text.split('=')[0]!)) {
        const value = word.text.includes('=') ? { text: word.text.slice(word.text.indexOf('=') + 1), resolved: word.resolved } : words[index + 1];
        if (value) positionals.push(...(value.resolved ? value.text.split(',').map((text) => ({ text, resolved: true })) : [value]));
        if (!word.text.includes('=')) index += 1;
      }
      continue;
    }
    const assignment = /^[A-Za-z_][A-Za-z0-9_]*=/.test(word.text);
    if (assignment && runner.exportsAssignments) {
      const eq = word.text.indexOf('=');
      env.push({ kind: 'set', name: word.text.slice(0, eq), value: word.resolved ? word.text.slice(eq + 1) : null, text: word.text });
    }
    if (!assignment || runner.run !== 'targets') positionals.push(word);
  }
  const via = runner.words.join(' ');
  if (runner.run === 'scripts') return { kind: 'scripts', patterns: positionals };
  if (runner.run === 'sources') return { kind: 'sources', sources: positionals.map(expandShorthand) };
  const names = via === 'nx' || via === 'nx run' ? positionals.slice(0, 1) : positionals;
  if (names[0]?.resolved && runner.ownCommands?.includes(names[0].text)) return { kind: 'own-command', runner: via, command: names[0].text };
  // -f and its kin name another file: only the target names are judged then. `make -C dir` (and `task -d dir`) read that directory's recipes.
  const readable =
    ['make', 'gmake', 'just', 'task'].includes(via) &&
    (directory === undefined || (directory.value !== null && via !== 'just')) &&
    !words.some((w) => /^(-f|--file|--makefile|--justfile|-t|--taskfile)(=|$)/.test(w.text));
  // `just --list`, `make --version`: options that print and run no recipe.
  if (names.length === 0 && words.some((w) => NO_RUN_OPTIONS.has(w.text.split('=')[0]!))) return { kind: 'none' };
  return { kind: 'targets', runner: via, names: names.map((word) => taskName(via, word)), readable, ...(directory ? { directory } : {}), ...(env.length > 0 ? { env } : {}) };
}

/** Script names a run-s/npm-run-all pattern selects (`test:*`); the pattern itself when nothing matches. */
export function scriptsMatching(pattern: string, scripts: Record<string, string>): string[] {
  if (!pattern.includes('*')) return [pattern];
  const matching = Object.keys(scripts).filter((name) => globMatches(pattern.replaceAll('**', '*'), name));
  return matching.length > 0 ? matching : [pattern];
}
