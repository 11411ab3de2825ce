import path from 'node:path';
import { symfonyMessages } from './messages-laravel-rails-django.js';
import { phpArrayEntry, readReturnedPhpArray } from './php-array.js';
import { readPhpunitVariables } from './phpunit-xml.js';
import { findFrameworkDir, optionValue, parseDotenvText, programName, projectFileExists, readProjectFile, shellVariables, withoutLaunchers } from './project-files.js';
import type { FrameworkInput, FrameworkProblem, FrameworkReader, FrameworkReading, FrameworkVariable } from './types.js';

const TEST_RUNNERS = new Set(['phpunit', 'simple-phpunit', 'pest', 'paratest']);
const SYMFONY_PACKAGES = ['symfony/framework-bundle', 'symfony/runtime', 'symfony/dotenv'];

/**
 * Symfony (bin/console and a Symfony package in composer.json): Dotenv's
 * loadEnv order `.env`, `.env.local` (not for test), `.env.<APP_ENV>`,
 * `.env.<APP_ENV>.local`, with APP_ENV from the shell, else from `.env`
 * itself, else `dev`; PHPUnit runs use phpunit.xml(.dist), whose recipe
 * forces APP_ENV=test. A `.env.local.php` (composer dump-env) replaces them all.
 * Doctrine's DATABASE_URL is then read by dbsafe's own resolution.
 */
export const readSymfony: FrameworkReader = (input) => {
  const dir = findFrameworkDir(input, path.join('bin', 'console'));
  if (dir === undefined) return null;
  const composer = input.readFile(path.join(dir, 'composer.json'));
  if (typeof composer !== 'string' || !SYMFONY_PACKAGES.some((name) => composer.includes(`"${name}"`)) || composer.includes('"laravel/framework"')) return null;

  const problems: FrameworkProblem[] = [];
  const words = withoutLaunchers(input.argv ?? [], [['php']]);
  const testRun = TEST_RUNNERS.has(programName(words[0]));
  const phpunit = testRun ? readPhpunitVariables(input, 'symfony', dir, words, problems) : undefined;
  const reading: FrameworkReading = { framework: 'symfony', candidates: [], problems };
  if (phpunit && Object.keys(phpunit.variables).length > 0) reading.variables = { ...phpunit.variables };

  const dumped = path.join(dir, '.env.local.php');
  const dumpedText = readProjectFile(input, 'symfony', dumped, problems);
  if (dumpedText !== undefined) {
    const variables = dumpedVariables(dumped, dumpedText, problems);
    reading.envFiles = [];
    reading.variables = { ...variables, ...reading.variables };
    const appEnv = variables['APP_ENV']?.value ?? 'prod';
    reading.environment = { name: appEnv, reason: `.env.local.php (composer dump-env) replaces the .env files; APP_ENV=${appEnv}` };
    return reading;
  }

  const dotenvFile = projectFileExists(input, path.join(dir, '.env')) ? path.join(dir, '.env') : path.join(dir, '.env.dist');
  const dotenv = parseDotenvText(readProjectFile(input, 'symfony', dotenvFile, problems));
  const environment = symfonyEnvironment(input, dir, words, phpunit?.variables['APP_ENV'], dotenv, testRun);
  const names = ['', environment.name === 'test' ? undefined : '.local', `.${environment.name}`, `.${environment.name}.local`];
  reading.envFiles = names
    .filter((suffix): suffix is string => suffix !== undefined)
    .map((suffix) => (suffix === '' ? dotenvFile : path.join(dir, `.env${suffix}`)))
    .filter((file) => projectFileExists(input, file));
  reading.environment = environment;
  return reading;
};

function symfonyEnvironment(input: FrameworkInput, dir: string, words: readonly string[], fromPhpunit: FrameworkVariable | undefined, dotenv: Record<string, string>, testRun: boolean) {
  const option = programName(words[0]) === 'console' ? optionValue(words, '--env', '-e') : undefined;
  if (option) return { name: option, reason: `\`--env=${option}\` on the command line` };
  if (fromPhpunit?.overridesShell) return { name: fromPhpunit.value, reason: `APP_ENV=${fromPhpunit.value} forced by ${path.basename(fromPhpunit.source.file ?? 'phpunit.xml')}` };
  const fromShell = shellVariables(input, dir, dotenv)('APP_ENV');
  if (fromShell) return { name: fromShell, reason: `APP_ENV=${fromShell} in the environment` };
  if (fromPhpunit) return { name: fromPhpunit.value, reason: `APP_ENV=${fromPhpunit.value} in ${path.basename(fromPhpunit.source.file ?? 'phpunit.xml')}` };
  if (testRun) return { name: 'test', reason: 'a PHPUnit run (APP_ENV=test)' };
  if (dotenv['APP_ENV']) return { name: dotenv['APP_ENV'], reason: `APP_ENV=${dotenv['APP_ENV']} in .env` };
  return { name: 'dev', reason: "Symfony's default APP_ENV=dev" };
}

function dumpedVariables(file: string, text: string, problems: FrameworkProblem[]): Record<string, FrameworkVariable> {
  const variables: Record<string, FrameworkVariable> = {};
  let array;
  try {
    array = readReturnedPhpArray(text);
  } catch (error) {
    problems.push({ framework: 'symfony', file, message: symfonyMessages.dumpedEnvNotParsed(file, (error as Error).message) });
    return variables;
  }
  if (array.kind !== 'array') return variables;
  for (const entry of array.entries) {
    const value = entry.key === undefined ? undefined : phpArrayEntry(array, entry.key);
    if (entry.key !== undefined && (value?.kind === 'string' || value?.kind === 'number')) {
      variables[entry.key] = { value: value.value, source: { file, key: `'${entry.key}'` } };
    }
  }
  return variables;
}
