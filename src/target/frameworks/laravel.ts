import path from 'node:path';
import { LARAVEL_FRAMEWORK_DATABASE_CONFIG } from './laravel-default-config.js';
import { readLaravelDatabaseConfig, type LaravelLookup } from './laravel-database-config.js';
import { readPhpunitVariables, type PhpunitReading } from './phpunit-xml.js';
import {
  findFrameworkDir,
  optionValue,
  parseDotenvText,
  programName,
  projectFileExists,
  readProjectFile,
  shellVariables,
  withoutLaunchers,
} from './project-files.js';
import type { FrameworkInput, FrameworkProblem, FrameworkReader, FrameworkReading } from './types.js';

/** Invocations that run the test suite (PHPUnit reads phpunit.xml, Laravel then loads .env.testing). */
const TEST_RUNNERS: readonly (readonly string[])[] = [
  ['artisan', 'test'],
  ['phpunit'],
  ['pest'],
  ['paratest'],
  ['sail', 'test'],
  ['sail', 'artisan', 'test'],
  ['sail', 'php', 'artisan', 'test'],
  ['sail', 'pest'],
  ['sail', 'phpunit'],
];

const LAUNCHERS = [['php'], ['@php']] as const;

/** How the framework's built-in configuration is named in sources and messages. */
const FRAMEWORK_CONFIG_FILE = 'vendor/laravel/framework/config/database.php';

/**
 * Laravel (an `artisan` file and laravel/framework in composer.json). Laravel
 * loads ONE .env file: `.env.<X>` for `--env=X`, else `.env.<APP_ENV>` when
 * APP_ENV is set in the real environment (phpunit.xml sets APP_ENV=testing),
 * silently falling back to `.env` when that file does not exist.
 */
export const readLaravel: FrameworkReader = (input) => {
  const dir = findFrameworkDir(input, 'artisan');
  if (dir === undefined) return null;
  const composer = parseComposer(input.readFile(path.join(dir, 'composer.json')));
  if (!composer?.usesLaravel) return null;

  const problems: FrameworkProblem[] = [];
  const words = withoutLaunchers(input.argv ?? [], LAUNCHERS);
  const testRun = isLaravelTestRun(words, composer.scripts);
  const phpunit = testRun ? readPhpunitVariables(input, 'laravel', dir, words, problems) : undefined;
  const dotenv = parseDotenvText(readProjectFile(input, 'laravel', path.join(dir, '.env'), problems));
  const shell = shellVariables(input, dir, dotenv);

  const envOption = programName(words[0]) === 'artisan' ? optionValue(words, '--env') : undefined;
  const choice = chooseLaravelEnvFile(input, dir, envOption, appEnvironment(phpunit, shell, testRun), dotenv['APP_ENV']);
  const envFileText = choice.file === path.join(dir, '.env') ? undefined : readProjectFile(input, 'laravel', choice.file, problems);
  const envValues = choice.file === path.join(dir, '.env') ? dotenv : parseDotenvText(envFileText);

  const lookup: LaravelLookup = (name) => {
    const variable = phpunit?.variables[name];
    if (variable?.overridesShell) return { value: variable.value, source: { ...variable.source, variable: name } };
    const fromShell = shell(name);
    if (fromShell !== undefined) return { value: fromShell, source: { variable: name } };
    if (variable) return { value: variable.value, source: { ...variable.source, variable: name } };
    const fromFile = envValues[name];
    return fromFile === undefined ? undefined : { value: fromFile, source: { file: choice.file, variable: name } };
  };

  const reading: FrameworkReading = {
    framework: 'laravel',
    environment: choice.environment,
    envFiles: projectFileExists(input, choice.file) ? [choice.file] : [],
    candidates: [],
    problems,
  };
  if (phpunit && Object.keys(phpunit.variables).length > 0) reading.variables = phpunit.variables;
  const configFile = path.join(dir, 'config', 'database.php');
  const configRead = input.readFile(configFile);
  const configText = readProjectFile(input, 'laravel', configFile, problems);
  // Without its own config/database.php, a project uses the framework's (Laravel 11 need not publish it).
  const own = configText !== undefined || configRead !== undefined;
  const candidate = readLaravelDatabaseConfig(dir, own ? configFile : path.join(dir, FRAMEWORK_CONFIG_FILE), configText ?? (own ? undefined : LARAVEL_FRAMEWORK_DATABASE_CONFIG), lookup, problems);
  if (candidate) reading.candidates.push(candidate);
  return reading;
};

interface Composer {
  usesLaravel: boolean;
  scripts: Record<string, string[]>;
}

function parseComposer(read: ReturnType<FrameworkInput['readFile']>): Composer | undefined {
  if (typeof read !== 'string') return undefined;
  try {
    const json = JSON.parse(read) as { require?: Record<string, string>; scripts?: Record<string, string | string[]> };
    const scripts: Record<string, string[]> = {};
    for (const [name, script] of Object.entries(json.scripts ?? {})) scripts[name] = Array.isArray(script) ? script : [script];
    return { usesLaravel: Boolean(json.require?.['laravel/framework']), scripts };
  } catch {
    // An unparsable composer.json: decide on its text alone.
    return { usesLaravel: read.includes('"laravel/framework"'), scripts: {} };
  }
}

function startsWithRunner(words: readonly string[]): boolean {
  return TEST_RUNNERS.some((runner) => runner.every((word, index) => programName(words[index]) === word));
}

/** `php artisan test`, `vendor/bin/phpunit`, `sail test`…, and `composer test` when that script runs one of them. */
export function isLaravelTestRun(words: readonly string[], scripts: Record<string, string[]>): boolean {
  if (startsWithRunner(words)) return true;
  if (programName(words[0]) !== 'composer') return false;
  const name = words[1] === 'run' || words[1] === 'run-script' ? words[2] : words[1];
  return (scripts[name ?? ''] ?? []).some((line) => startsWithRunner(withoutLaunchers(line.trim().split(/\s+/), LAUNCHERS)));
}

/** APP_ENV as Laravel sees it before any .env file: phpunit.xml forced values, the shell, phpunit.xml `<env>`, and `testing` for test runs. */
function appEnvironment(phpunit: PhpunitReading | undefined, shell: (name: string) => string | undefined, testRun: boolean) {
  const fromPhpunit = phpunit?.variables['APP_ENV'];
  if (fromPhpunit?.overridesShell) return { name: fromPhpunit.value, why: `APP_ENV=${fromPhpunit.value} (${path.basename(phpunit!.file)})` };
  const fromShell = shell('APP_ENV');
  if (fromShell) return { name: fromShell, why: `APP_ENV=${fromShell} in the environment` };
  if (fromPhpunit) return { name: fromPhpunit.value, why: `APP_ENV=${fromPhpunit.value} (${path.basename(phpunit!.file)})` };
  if (testRun) return { name: 'testing', why: 'a test run (APP_ENV=testing)' };
  return undefined;
}

function chooseLaravelEnvFile(
  input: FrameworkInput,
  dir: string,
  envOption: string | undefined,
  appEnv: { name: string; why: string } | undefined,
  dotenvAppEnv: string | undefined,
): { file: string; environment: { name: string; reason: string } } {
  const dotenvFile = path.join(dir, '.env');
  const named = (name: string) => path.join(dir, `.env.${name}`);
  let fallback = '';
  if (envOption) {
    if (projectFileExists(input, named(envOption))) {
      return { file: named(envOption), environment: { name: envOption, reason: `\`--env=${envOption}\` loads .env.${envOption}` } };
    }
    fallback = `\`--env=${envOption}\`, but .env.${envOption} does not exist, so Laravel silently falls back to `;
  }
  if (appEnv) {
    if (projectFileExists(input, named(appEnv.name))) {
      const reason = fallback ? `${fallback}.env.${appEnv.name} (${appEnv.why})` : `${appEnv.why} loads .env.${appEnv.name}`;
      return { file: named(appEnv.name), environment: { name: envOption ?? appEnv.name, reason } };
    }
    if (!fallback) fallback = `${appEnv.why}, but .env.${appEnv.name} does not exist, so Laravel silently falls back to `;
  }
  const name = envOption ?? appEnv?.name ?? dotenvAppEnv ?? 'production';
  return { file: dotenvFile, environment: { name, reason: fallback ? `${fallback}.env` : 'Laravel loads .env (no --env, no APP_ENV in the environment)' } };
}
