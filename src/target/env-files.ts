import path from 'node:path';
import { createRequire } from 'node:module';
import { readOptionalFile } from '../config/optional-file.js';
import type { DotenvFile } from './resolve.js';
import type { TargetProblem } from './types.js';

// dotenv loads node:crypto (~10 ms): require it only when a .env file exists.
const requireModule = createRequire(import.meta.url);
function parseDotenv(text: string): Record<string, string> {
  return (requireModule('dotenv') as typeof import('dotenv')).parse(text);
}

/** Variables that name the app environment, and so which `.env.<environment>` files a framework loads. */
const APP_ENVIRONMENT_VARIABLES = ['APP_ENV', 'NODE_ENV', 'RAILS_ENV', 'RACK_ENV'] as const;

/**
 * Commands that run a test suite: the runner sets NODE_ENV=test (RAILS_ENV=test…)
 * inside its own process, so the suite loads `.env.test`. Each row: the command
 * word, then words that must follow it (in order, options skipped).
 */
const TEST_RUNNERS: ReadonlyArray<readonly string[]> = [
  ['vitest'],
  ['jest'],
  ['mocha'],
  ['ava'],
  ['tap'],
  ['playwright', 'test'],
  ['cypress', 'run'],
  ['node', '--test'],
  ['bun', 'test'],
  ['deno', 'test'],
  ['rspec'],
  ['rails', 'test'],
  ['pytest'],
  ['npm', 'test'],
  ['npm', 't'],
  ['npm', 'run', 'test*'],
  ['pnpm', 'test'],
  ['pnpm', 'run', 'test*'],
  ['pnpm', 'test*'],
  ['yarn', 'test*'],
  ['yarn', 'run', 'test*'],
  ['bun', 'run', 'test*'],
];

/** A word matches `test*` as a script name: `test`, `test:unit`, `test-e2e`. */
function wordMatches(pattern: string, word: string): boolean {
  return pattern.endsWith('*') ? word.startsWith(pattern.slice(0, -1)) : word === pattern;
}

/** Does this invocation run a test suite? Pure. */
export function runsTestSuite(argv: readonly string[] | null | undefined): boolean {
  if (!argv || argv.length === 0) return false;
  const command = path.basename(argv[0]!);
  return TEST_RUNNERS.some(([word, ...rest]) => {
    if (word !== command) return false;
    let at = 1;
    for (const pattern of rest) {
      // Options before the word (`node --test`, `npm --silent test`) are skipped; `--test` itself is a pattern.
      while (at < argv.length && argv[at]!.startsWith('-') && !wordMatches(pattern, argv[at]!)) at += 1;
      if (at >= argv.length || !wordMatches(pattern, argv[at]!)) return false;
      at += 1;
    }
    return true;
  });
}

/** Templates and examples committed to a repository: never the values a command runs with. */
const TEMPLATE_ENVIRONMENTS = new Set(['example', 'sample', 'template', 'dist', 'defaults', 'schema']);

/** How the app environment was chosen, for explain/check. */
export interface EnvironmentChoice {
  name: string;
  /** `NODE_ENV in the environment`, `APP_ENV in .env`, `vitest runs with NODE_ENV=test`. */
  reason: string;
}

/**
 * The app environment whose .env files a command loads: the shell's (or the
 * command line's) environment variable, else the test environment for a test
 * runner, else an APP_ENV/RAILS_ENV/NODE_ENV set in `.env` itself (Symfony's
 * APP_ENV=dev, dotenv-rails). Pure.
 */
export function chooseEnvironment(env: Record<string, string | undefined>, argv: readonly string[] | null | undefined, baseFiles: readonly DotenvFile[]): EnvironmentChoice | null {
  const usable = (value: string | undefined): value is string => value !== undefined && /^[\w-]+$/.test(value) && !TEMPLATE_ENVIRONMENTS.has(value);
  for (const name of APP_ENVIRONMENT_VARIABLES) {
    const value = env[name];
    if (usable(value)) return { name: value, reason: `${name} in the environment` };
  }
  if (runsTestSuite(argv)) return { name: 'test', reason: `\`${argv!.slice(0, 3).join(' ')}\` runs a test suite, in the test environment (NODE_ENV=test)` };
  for (const name of APP_ENVIRONMENT_VARIABLES) {
    const file = [...baseFiles].reverse().find((f) => usable(f.values[name]));
    if (file) return { name: file.values[name]!, reason: `${name} in ${file.file}` };
  }
  return null;
}

/**
 * The .env file names read, lowest precedence first: `.env`, `.env.local`,
 * then the files of the app environment (`.env.development`,
 * `.env.development.local`). In the test environment `.env.local` is left out,
 * as Next.js and dotenv-flow leave it out. Files for environments the command
 * does not run in (`.env.production`, `.env.example`) are never read.
 */
export function envFileNames(environment: string | null): string[] {
  if (environment === null) return ['.env', '.env.local'];
  if (environment === 'test') return ['.env', `.env.test`, `.env.test.local`];
  return ['.env', '.env.local', `.env.${environment}`, `.env.${environment}.local`];
}

function readDotenvFiles(files: readonly string[]): { files: DotenvFile[]; problems: TargetProblem[] } {
  const read: DotenvFile[] = [];
  const problems: TargetProblem[] = [];
  for (const file of files) {
    const result = readOptionalFile(file);
    if (!result.found) {
      if (result.unreadable === undefined) continue;
      const name = path.basename(file);
      problems.push({
        origin: { kind: 'dotenv', name, file },
        code: 'unreadable-env-file',
        message: `${file} exists but cannot be read (${result.unreadable}), so dbsafe cannot tell which database it names. Fix its permissions (chmod u+r ${name}) or remove it.`,
      });
      continue;
    }
    read.push({ file, values: parseDotenv(result.text) });
  }
  return { files: read, problems };
}

export interface EnvFilesRead {
  files: DotenvFile[];
  problems: TargetProblem[];
  environment: EnvironmentChoice | null;
  /**
   * Another list some tools load for the same command, judged too: in the
   * test environment Vite (vitest) also loads `.env.local`, Next.js and
   * dotenv-flow do not.
   */
  alsoJudged?: DotenvFile[];
}

/**
 * The .env files a command loads. `dirs`: the project root, then the package
 * of a monorepo the command runs in (its files take precedence).
 */
export function readEnvFiles(dirs: string | readonly string[], env: Record<string, string | undefined>, argv: readonly string[] | null = null): EnvFilesRead {
  const directories = typeof dirs === 'string' ? [dirs] : dirs;
  const inEach = (names: readonly string[]) => directories.flatMap((dir) => names.map((name) => path.join(dir, name)));
  const base = readDotenvFiles(inEach(envFileNames(null)));
  const environment = chooseEnvironment(env, argv, base.files);
  if (environment === null) return { ...base, environment };
  const chosen = readDotenvFiles(inEach(envFileNames(environment.name)));
  if (environment.name !== 'test') return { ...chosen, environment };
  const withLocal = readDotenvFiles(inEach(['.env', '.env.local', '.env.test', '.env.test.local']));
  return { ...chosen, environment, alsoJudged: withLocal.files };
}

/** Read an explicit list of .env files (a framework's own choice), lowest precedence first. */
export function readListedEnvFiles(files: readonly string[]): { files: DotenvFile[]; problems: TargetProblem[] } {
  return readDotenvFiles(files);
}
