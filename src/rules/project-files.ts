import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseRakeFile } from './rake-tasks.js';
import { parseRecipes, parseTaskfile } from './recipes.js';
import { parseMixAliases } from './mix-aliases.js';
import type { ArtisanCommands, ComposerScripts, DjangoCommands, MixAliases, PackageScripts, ProjectFiles, RakeTask, RakeTasks, RecipeFile } from './types.js';

/**
 * The I/O side of reading a project's runners (workspaces, composer.json,
 * Makefile, justfile): nearest file at or above a directory, cached per
 * reader. A file that cannot be read counts as absent.
 */

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function nearest<T>(dir: string, read: (dir: string) => T | null): T | null {
  for (let current = dir; ; current = path.dirname(current)) {
    const found = read(current);
    if (found) return found;
    if (path.dirname(current) === current) return null;
  }
}

function scriptsOf(dir: string): PackageScripts | null {
  const text = readText(path.join(dir, 'package.json'));
  if (text === null) return null;
  try {
    const pkg = JSON.parse(text) as { scripts?: Record<string, unknown>; name?: unknown };
    const scripts = Object.fromEntries(Object.entries(pkg.scripts ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return typeof pkg.name === 'string' ? { dir, scripts, name: pkg.name } : { dir, scripts };
  } catch {
    return { dir, scripts: {} };
  }
}

/** Workspace globs: package.json `workspaces` (a list or {packages}) or pnpm-workspace.yaml `packages:`. */
function workspaceGlobs(dir: string): string[] | null {
  const yaml = readText(path.join(dir, 'pnpm-workspace.yaml'));
  if (yaml !== null) {
    const block = /^packages:\s*\n((?:[ \t]+-.*\n?|[ \t]*#.*\n?|\s*\n)*)/m.exec(yaml)?.[1] ?? '';
    return [...block.matchAll(/^[ \t]+-\s*['"]?([^'"#\n]+?)['"]?\s*$/gm)].map((m) => m[1]!).filter((g) => !g.startsWith('!'));
  }
  const text = readText(path.join(dir, 'package.json'));
  if (text === null) return null;
  try {
    const workspaces = (JSON.parse(text) as { workspaces?: unknown }).workspaces;
    const list = Array.isArray(workspaces) ? workspaces : (workspaces as { packages?: unknown } | undefined)?.packages;
    return Array.isArray(list) ? list.filter((g): g is string => typeof g === 'string' && !g.startsWith('!')) : null;
  } catch {
    return null;
  }
}

/** Directories matching a workspace glob: `*` matches one directory level, `**` any number. */
function expandGlob(root: string, glob: string): string[] {
  const parts = glob.replace(/\/+$/, '').split('/');
  let dirs = [root];
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of dirs) {
      if (part === '**') {
        const walk = (d: string, depth: number) => {
          next.push(d);
          if (depth < 4) for (const child of subdirectories(d)) walk(child, depth + 1);
        };
        walk(dir, 0);
      } else if (part.includes('*')) {
        const pattern = new RegExp(`^${part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
        next.push(...subdirectories(dir).filter((child) => pattern.test(path.basename(child))));
      } else if (part !== '.') next.push(path.join(dir, part));
    }
    dirs = next;
  }
  return dirs;
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')).map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

function composerOf(dir: string): ComposerScripts | null {
  const text = readText(path.join(dir, 'composer.json'));
  if (text === null) return null;
  try {
    const scripts = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts ?? {};
    const entries = Object.entries(scripts).map(([name, value]): [string, string[]] => [name, (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string')]);
    return { dir, scripts: Object.fromEntries(entries) };
  } catch {
    return { dir, scripts: {} };
  }
}

/** deno.json(c) tasks: a string, or {command} in newer Deno. Comments in .jsonc are removed before parsing. */
function denoTasksOf(dir: string): PackageScripts | null {
  for (const name of ['deno.json', 'deno.jsonc']) {
    const text = readText(path.join(dir, name));
    if (text === null) continue;
    try {
      const json = JSON.parse(text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_match, string: string | undefined) => string ?? '')) as { tasks?: Record<string, unknown> };
      const tasks = Object.entries(json.tasks ?? {}).flatMap(([task, value]): [string, string][] => {
        const command = typeof value === 'string' ? value : (value as { command?: unknown } | null)?.command;
        return typeof command === 'string' ? [[task, command]] : [];
      });
      return { dir, scripts: Object.fromEntries(tasks) };
    } catch {
      return { dir, scripts: {} };
    }
  }
  return null;
}

const RECIPE_FILES = { make: ['GNUmakefile', 'makefile', 'Makefile'], just: ['justfile', 'Justfile', '.justfile'], task: ['Taskfile.yml', 'taskfile.yml', 'Taskfile.yaml', 'taskfile.yaml'] } as const;

function recipesOf(dir: string, runner: 'make' | 'just' | 'task'): RecipeFile | null {
  for (const name of RECIPE_FILES[runner]) {
    const file = path.join(dir, name);
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    const text = readText(file);
    if (text === null) return null;
    if (runner === 'task') return parseTaskfile(text, dir, name);
    const recipes = parseRecipes(text, runner, dir, name);
    return runner === 'just' ? withJustImports(recipes, text, dir) : recipes;
  }
  return null;
}

/**
 * `import 'justfiles/cli.just'` puts another file's recipes into the
 * justfile, so a recipe named on the line may live there; the importing
 * file's own recipe wins a clash. Imports of imports are followed a few
 * levels deep.
 */
function withJustImports(recipes: RecipeFile, text: string, dir: string, depth = 0): RecipeFile {
  if (depth > 3) return recipes;
  const targets = { ...recipes.targets };
  for (const match of text.matchAll(/^import\??\s+(['"])([^'"]+)\1\s*$/gm)) {
    const file = path.resolve(dir, match[2]!);
    const imported = readText(file);
    if (imported === null) continue;
    const inner = withJustImports(parseRecipes(imported, 'just', dir, path.relative(dir, file)), imported, path.dirname(file), depth + 1);
    for (const [name, target] of Object.entries(inner.targets)) if (!(name in targets)) targets[name] = target;
  }
  return { ...recipes, targets };
}

/** .rake files under a directory (a few levels deep), relative to `root`. */
function rakeFiles(root: string, relative: string, depth = 0): string[] {
  let entries;
  try {
    entries = readdirSync(path.join(root, relative), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const child = path.join(relative, entry.name);
    if (entry.isDirectory()) return depth < 4 ? rakeFiles(root, child, depth + 1) : [];
    return entry.name.endsWith('.rake') ? [child] : [];
  });
}

function rakeTasksOf(dir: string): RakeTasks | null {
  const rakefile = ['Rakefile', 'rakefile', 'Rakefile.rb'].find((name) => existsSync(path.join(dir, name)));
  if (!rakefile) return null;
  const tasks: Record<string, RakeTask> = {};
  for (const file of [rakefile, ...rakeFiles(dir, path.join('lib', 'tasks')), ...rakeFiles(dir, 'rakelib')]) {
    const text = readText(path.join(dir, file));
    if (text !== null) parseRakeFile(text, file, tasks);
  }
  const database = RAILS_DATABASE_FILES.find((file) => existsSync(path.join(dir, file)));
  return loadsRailsApplication(readText(path.join(dir, rakefile)) ?? '') && database ? { dir, tasks, database } : { dir, tasks };
}

/** Files that configure a Rails application's database (Active Record, Mongoid). */
const RAILS_DATABASE_FILES = [path.join('config', 'database.yml'), path.join('config', 'mongoid.yml')];

function loadsRailsApplication(rakefile: string): boolean {
  return /\bRails\.application\.load_tasks\b|config\/application\b/.test(rakefile);
}

/** Programs larger than this are not read: a script a line runs is small; a large file is a bundle or a binary. */
const MAX_SCRIPT_BYTES = 256 * 1024;

function scriptTextOf(file: string): string | null {
  try {
    const stat = statSync(file);
    if (!stat.isFile() || stat.size > MAX_SCRIPT_BYTES) return null;
    const text = readFileSync(file, 'utf8');
    return text.includes('\0') ? null : text;
  } catch {
    return null;
  }
}

/** Directories never searched for an app's management commands: dependencies, virtualenvs, build output. */
const NOT_APP_DIRECTORIES = new Set(['node_modules', 'venv', 'env', 'site-packages', 'static', 'media', 'dist', 'build', '__pycache__']);

function entriesOf(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function managementCommandFiles(root: string, relative: string, depth: number): string[] {
  return entriesOf(path.join(root, relative)).flatMap((entry) => {
    const child = path.join(relative, entry.name);
    if (entry.isFile() && path.basename(relative) === 'commands' && path.basename(path.dirname(relative)) === 'management') {
      return entry.name.endsWith('.py') && !entry.name.startsWith('_') ? [child] : [];
    }
    if (!entry.isDirectory() || entry.name.startsWith('.') || NOT_APP_DIRECTORIES.has(entry.name)) return [];
    return depth < 6 ? managementCommandFiles(root, child, depth + 1) : [];
  });
}

function djangoCommandsOf(manage: string): DjangoCommands | null {
  if (!existsSync(manage)) return null;
  const dir = path.dirname(manage);
  const commands: DjangoCommands['commands'] = {};
  for (const file of managementCommandFiles(dir, '', 0)) {
    const text = readText(path.join(dir, file));
    if (text !== null) commands[path.basename(file, '.py')] = { file, text };
  }
  const packages = entriesOf(dir).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !NOT_APP_DIRECTORIES.has(entry.name)).map((entry) => entry.name);
  return { dir, commands, packages };
}

function phpFiles(root: string, relative: string, depth: number): string[] {
  return entriesOf(path.join(root, relative)).flatMap((entry) => {
    const child = path.join(relative, entry.name);
    if (entry.isDirectory()) return depth < 4 ? phpFiles(root, child, depth + 1) : [];
    return entry.name.endsWith('.php') ? [child] : [];
  });
}

/** `protected $signature = 'koel:init {--x}'`, `protected $name = 'x'`, `#[AsCommand(name: 'x')]`: the name a command answers to. */
const ARTISAN_NAME = /\$(?:signature|name)\s*=\s*['"]\s*([\w:.-]+)|#\[AsCommand\(\s*(?:name:\s*)?['"]([\w:.-]+)/;

const JVM_BUILD_FILES = ['build.gradle', 'build.gradle.kts', 'pom.xml'];

/** Spring Boot applies Flyway or Liquibase migrations when the application starts, if the build puts either on the classpath. */
function jvmMigrationToolOf(dir: string): string | null {
  const root = nearest(dir, (candidate) => (JVM_BUILD_FILES.some((file) => existsSync(path.join(candidate, file))) ? candidate : null));
  if (root === null) return null;
  let subprojects: string[] = [];
  try {
    subprojects = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules').map((entry) => entry.name);
  } catch {
    subprojects = [];
  }
  for (const sub of ['', ...subprojects]) {
    for (const file of JVM_BUILD_FILES) {
      const text = readText(path.join(root, sub, file));
      if (text === null) continue;
      if (/flyway/i.test(text)) return 'Flyway';
      if (/liquibase/i.test(text)) return 'Liquibase';
    }
  }
  return null;
}

function mixAliasesOf(dir: string): MixAliases | null {
  const text = readText(path.join(dir, 'mix.exs'));
  return text === null ? null : parseMixAliases(text, dir, readText(path.join(dir, '.check.exs')));
}

function artisanCommandsOf(artisan: string): ArtisanCommands | null {
  if (!existsSync(artisan)) return null;
  const dir = path.dirname(artisan);
  const commands: ArtisanCommands['commands'] = {};
  for (const file of phpFiles(dir, path.join('app', 'Console', 'Commands'), 0)) {
    const text = readText(path.join(dir, file));
    const match = text === null ? null : ARTISAN_NAME.exec(text);
    if (text !== null && match) commands[(match[1] ?? match[2])!] = { file, text };
  }
  const database = path.join('config', 'database.php');
  return existsSync(path.join(dir, database)) ? { dir, commands, database } : { dir, commands };
}

/** A reader of the project's runner files, cached for its lifetime (one classification or one batch). */
export function projectFilesReader(): ProjectFiles {
  const cache = new Map<string, unknown>();
  const cached = <T>(key: string, read: () => T): T => {
    if (!cache.has(key)) cache.set(key, read());
    return cache.get(key) as T;
  };
  return {
    workspacePackages: (dir) =>
      cached(`workspace:${dir}`, () =>
        nearest(dir, (candidate) => {
          const globs = workspaceGlobs(candidate);
          if (!globs) return null;
          const dirs = [candidate, ...globs.flatMap((glob) => expandGlob(candidate, glob))];
          return [...new Set(dirs)].map(scriptsOf).filter((p): p is PackageScripts => p !== null);
        }),
      ),
    composerScripts: (dir) => cached(`composer:${dir}`, () => nearest(dir, composerOf)),
    recipes: (dir, runner) => cached(`${runner}:${dir}`, () => recipesOf(dir, runner)),
    denoTasks: (dir) => cached(`deno:${dir}`, () => nearest(dir, denoTasksOf)),
    rakeTasks: (dir) => cached(`rake:${dir}`, () => nearest(dir, rakeTasksOf)),
    scriptText: (file) => cached(`script:${file}`, () => scriptTextOf(file)),
    djangoCommands: (manage) => cached(`django:${manage}`, () => djangoCommandsOf(manage)),
    artisanCommands: (artisan) => cached(`artisan:${artisan}`, () => artisanCommandsOf(artisan)),
    jvmMigrationTool: (dir) => cached(`jvm:${dir}`, () => jvmMigrationToolOf(dir)),
    mixAliases: (dir) => cached(`mix:${dir}`, () => nearest(dir, mixAliasesOf)),
  };
}
