import path from 'node:path';
import type { FrameworkInput, FrameworkReading } from './types.js';

/** The value of `--flag X` or `--flag=X` (or any of its spellings) on the command line. */
export function flagValue(argv: readonly string[] | null, spellings: readonly string[]): string | undefined {
  if (!argv) return undefined;
  for (const [index, word] of argv.entries()) {
    for (const flag of spellings) {
      if (word === flag) return argv[index + 1];
      if (word.startsWith(`${flag}=`)) return word.slice(flag.length + 1);
    }
  }
  return undefined;
}

/** The words of a command after the package runner (`npx`, `pnpm exec`, `yarn`, `bunx`…). */
export function commandWords(argv: readonly string[] | null): string[] {
  if (!argv) return [];
  const words = [...argv];
  const runners: Record<string, number> = { npx: 1, bunx: 1, pnpx: 1 };
  if (runners[words[0] ?? '']) return words.slice(1).filter((word, index) => index > 0 || !word.startsWith('-'));
  if (['pnpm', 'yarn', 'bun'].includes(words[0] ?? '') && ['exec', 'dlx', 'x'].includes(words[1] ?? '')) return words.slice(2);
  if (['pnpm', 'yarn'].includes(words[0] ?? '') && words[1] && !['test', 'run'].includes(words[1])) return words.slice(1);
  return words;
}

/** Test runners that set NODE_ENV=test in their own process when it is unset. */
const NODE_TEST_RUNNERS = ['jest', 'vitest'];

function readsTestScript(input: FrameworkInput, words: string[]): string | undefined {
  const [tool, first, second] = words;
  if (!['npm', 'pnpm', 'yarn', 'bun'].includes(tool ?? '')) return undefined;
  const isTest = first === 'test' || first === 't' || (first === 'run' && second === 'test');
  if (!isTest) return undefined;
  const text = input.readFile(path.join(input.dir, 'package.json'));
  if (typeof text !== 'string') return undefined;
  try {
    const script = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts?.test;
    return typeof script === 'string' ? script : undefined;
  } catch {
    return undefined;
  }
}

/** The test runner this command starts, if it is one that sets NODE_ENV=test. */
export function nodeTestRunner(input: FrameworkInput): string | undefined {
  const words = commandWords(input.argv);
  const direct = NODE_TEST_RUNNERS.find((runner) => words[0] === runner || words[0]?.endsWith(`/${runner}`));
  if (direct) return direct;
  const script = readsTestScript(input, words);
  if (!script) return undefined;
  const scriptWords = script.split(/\s+|&&|;/);
  const runner = NODE_TEST_RUNNERS.find((name) => scriptWords.includes(name));
  return runner ? `${words.join(' ')} (${runner})` : undefined;
}

/**
 * The environment a NODE_ENV-keyed configuration (knexfile, sequelize config)
 * is read for: the framework's `--env` flag, then NODE_ENV, then NODE_ENV=test
 * that jest and vitest set in their own process, then `development`.
 */
export function selectNodeEnvironment(
  input: FrameworkInput,
  tool: string,
  envFlags: readonly string[],
): Pick<FrameworkReading, 'environment' | 'variables'> & { name: string } {
  const fromFlag = flagValue(input.argv, envFlags);
  if (fromFlag) return { name: fromFlag, environment: { name: fromFlag, reason: `${fromFlag}: \`${envFlags[0]} ${fromFlag}\` on the command line` } };
  const nodeEnv = input.variable('NODE_ENV');
  if (nodeEnv) return { name: nodeEnv, environment: { name: nodeEnv, reason: `${nodeEnv}: NODE_ENV=${nodeEnv}` } };
  const runner = nodeTestRunner(input);
  if (runner) {
    return {
      name: 'test',
      environment: { name: 'test', reason: `test: \`${runner}\` runs with NODE_ENV=test` },
      variables: { NODE_ENV: { value: 'test', source: { variable: 'NODE_ENV', isDefault: true } } },
    };
  }
  return { name: 'development', environment: { name: 'development', reason: `development: ${tool}'s default when neither ${envFlags[0]} nor NODE_ENV is set` } };
}
