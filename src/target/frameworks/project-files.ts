import path from 'node:path';
import { createRequire } from 'node:module';
import { frameworkFileMessages } from './messages-laravel-rails-django.js';
import type { FrameworkId, FrameworkInput, FrameworkProblem } from './types.js';

/** Parsers (yaml, fast-xml-parser, dotenv) are required only when a reader needs them: start-up stays fast. */
export const requireLazily = createRequire(import.meta.url);

/** The text of a project file: undefined when absent; an unreadable file becomes a problem. */
export function readProjectFile(input: FrameworkInput, framework: FrameworkId, file: string, problems: FrameworkProblem[]): string | undefined {
  const read = input.readFile(file);
  if (read === undefined || typeof read === 'string') return read;
  problems.push({ framework, file, message: frameworkFileMessages.unreadable(file, read.unreadable) });
  return undefined;
}

export function projectFileExists(input: FrameworkInput, file: string): boolean {
  return input.readFile(file) !== undefined;
}

/** The command's directory, else the project root, when it holds `marker` (a file path relative to it). */
export function findFrameworkDir(input: FrameworkInput, marker: string): string | undefined {
  const dirs = input.dir === input.root ? [input.dir] : [input.dir, input.root];
  return dirs.find((dir) => projectFileExists(input, path.join(dir, marker)));
}

/** SQLite's in-memory database: nothing on disk to protect or back up, so no target. */
export function isInMemorySqlite(database: string | undefined): boolean {
  return database === ':memory:' || (database?.startsWith('file::memory:') ?? false) || (database?.includes('mode=memory') ?? false);
}

export function parseDotenvText(text: string | undefined): Record<string, string> {
  if (text === undefined) return {};
  return (requireLazily('dotenv') as typeof import('dotenv')).parse(text);
}

/** The .env files dbsafe's default resolution may have read `input.variable` from. */
function defaultDotenvValues(input: FrameworkInput, dir: string, dotenv: Record<string, string>): Record<string, string>[] {
  const appEnv = dotenv['APP_ENV'] ?? dotenv['RAILS_ENV'];
  const names = ['.env.local', '.env.test', '.env.test.local', ...(appEnv && /^[\w-]+$/.test(appEnv) ? [`.env.${appEnv}`, `.env.${appEnv}.local`] : [])];
  const files = [dotenv];
  for (const name of names) {
    const text = input.readFile(path.join(dir, name));
    if (typeof text === 'string') files.push(parseDotenvText(text));
  }
  return files;
}

/**
 * A variable set in the shell (or on the command line) rather than by a .env
 * file: frameworks that pick their .env file from the shell's value
 * (Laravel's APP_ENV, the RAILS_ENV a test helper keeps) must not mistake a
 * .env file's line for it. `input.shell` answers when the caller gives it;
 * else a value equal to one of the .env files' is taken as theirs.
 */
export function shellVariables(input: FrameworkInput, dir: string, dotenv: Record<string, string>): (name: string) => string | undefined {
  if (input.shell) {
    const shell = input.shell;
    return (name) => shell(name) || undefined;
  }
  let files: Record<string, string>[] | undefined;
  return (name) => {
    const value = input.variable(name);
    if (value === undefined || value === '') return undefined;
    files ??= defaultDotenvValues(input, dir, dotenv);
    return files.some((values) => values[name] === value) ? undefined : value;
  };
}

/** The value of `--name=value` or `--name value` (and of the short form, when given). */
export function optionValue(words: readonly string[], long: string, short?: string): string | undefined {
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index]!;
    if (word.startsWith(`${long}=`)) return word.slice(long.length + 1);
    if (short && word.startsWith(`${short}=`)) return word.slice(short.length + 1);
    if ((word === long || (short !== undefined && word === short)) && index + 1 < words.length) return words[index + 1];
  }
  return undefined;
}

/** The base name of a program word: `./vendor/bin/phpunit` → `phpunit`, `bin/rails` → `rails`. */
export function programName(word: string | undefined): string {
  return word === undefined ? '' : path.basename(word);
}

/** Drop leading launcher words (`php`, `bundle exec`, `python -m`) that `input.argv` may still hold. */
export function withoutLaunchers(argv: readonly string[], launchers: readonly (readonly string[])[]): string[] {
  let words = [...argv];
  for (let changed = true; changed; ) {
    changed = false;
    for (const launcher of launchers) {
      if (launcher.every((word, index) => programName(words[index]) === word || words[index] === word) && words.length > launcher.length) {
        words = words.slice(launcher.length);
        changed = true;
      }
    }
  }
  return words;
}
