import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEnvFiles, readListedEnvFiles } from '../target/env-files.js';
import { readOptionalFile } from './optional-file.js';
import { resolveTargets, type DotenvFile } from '../target/resolve.js';
import type { ResolvedTargets, Target } from '../target/types.js';
import type { FrameworkReading } from '../target/frameworks/types.js';
import type { LoadedReader } from '../target/frameworks/registry.js';
import { frameworkMessages } from '../target/frameworks/messages.js';
import { loadConfig, type LoadedConfig } from './load.js';
import { findProject } from './project.js';
import { useContainerSettings } from '../engines/container/settings.js';

export interface ProjectContext {
  cwd: string;
  projectRoot: string;
  /** A dbsafe config or dbsafe in package.json was found. */
  optedIn: boolean;
  config: LoadedConfig;
  targets: ResolvedTargets;
  env: Record<string, string | undefined>;
  /** The .env files read, lowest precedence first (the shell environment overrides them); then the variables the frameworks set. */
  dotenv: DotenvFile[];
  /** The framework readers used, to resolve the project again another way (under cron's environment). */
  frameworks?: readonly LoadedReader[];
}

export interface ContextOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  flagUrl?: string;
  /** The words of the command being judged (launchers removed); null or absent: no command, the framework's default environment. */
  argv?: readonly string[] | null;
  /** The project's framework readers, loaded (loadCommandContext loads them). */
  frameworks?: readonly LoadedReader[];
}

/** Which database a target is, whatever named it. */
function databaseKey(target: Target): string {
  return JSON.stringify([target.engine, target.hosts, target.socket ?? '', target.port ?? '', target.database, target.user ?? '']);
}

function osUserName(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}

/** Files that make a directory a package of its own (a monorepo's packages/db): its .env and framework files are the command's. */
const PACKAGE_FILES = ['package.json', 'composer.json', 'Gemfile', 'manage.py', 'pyproject.toml'];

/** The package directory a command in `cwd` runs in: the nearest with a package file, up to the project root. */
export function packageDirectory(cwd: string, root: string): string {
  const resolvedRoot = path.resolve(root);
  for (let dir = path.resolve(cwd); dir.startsWith(resolvedRoot) && dir !== resolvedRoot; dir = path.dirname(dir)) {
    if (PACKAGE_FILES.some((file) => existsSync(path.join(dir, file)))) return dir;
  }
  return resolvedRoot;
}

const readText = (file: string) => {
  const read = readOptionalFile(file);
  return read.found ? read.text : undefined;
};

/** Run each reader; one that throws is a problem of its own, never a crash and never a pass. */
function runReaders(readers: readonly LoadedReader[], input: Parameters<LoadedReader['read']>[0]): FrameworkReading[] {
  return readers.flatMap((reader): FrameworkReading[] => {
    try {
      const reading = reader.read(input);
      return reading ? [reading] : [];
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      return [{ framework: reader.framework, candidates: [], problems: [{ framework: reader.framework, file: input.dir, message: frameworkMessages.readerFailed(reader.framework, input.dir, cause) }] }];
    }
  });
}

/**
 * The variables frameworks set for the command, as dotenv-like entries (over
 * the .env files, under the shell), and those they set over the shell's own
 * value (phpunit.xml `<server>`, `<env force="true">`).
 */
function frameworkVariables(readings: readonly FrameworkReading[], fallbackFile: string): { files: DotenvFile[]; overShell: Set<string> } {
  const byFile = new Map<string, Record<string, string>>();
  const overShell = new Set<string>();
  for (const reading of readings) {
    for (const [name, { value, source, overridesShell }] of Object.entries(reading.variables ?? {})) {
      const file = source.file ?? fallbackFile;
      byFile.set(file, { ...byFile.get(file), [name]: value });
      if (overridesShell) overShell.add(name);
    }
  }
  return { files: [...byFile].map(([file, values]) => ({ file, values })), overShell };
}

function listDirectory(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch {
    return undefined;
  }
}

/** Everything a command needs to know about where it runs: project, config and databases. */
export function loadProjectContext(options: ContextOptions): ProjectContext {
  const project = findProject(options.cwd);
  const config = loadConfig(project.root);
  const appDir = packageDirectory(options.cwd, project.root);
  const dirs = appDir === path.resolve(project.root) ? [project.root] : [project.root, appDir];
  const argv = options.argv ?? null;
  /** The environment as the command's framework sees it: the shell's, less what the framework sets over it. */
  let env = options.env;
  const envFiles = readEnvFiles(dirs, env, argv);
  let dotenv = envFiles.files;
  let envProblems = envFiles.problems;

  let readings: FrameworkReading[] = [];
  let chosenByFramework = false;
  let frameworkFiles: DotenvFile[] = [];
  if (options.frameworks && options.frameworks.length > 0) {
    const merged = (files: readonly DotenvFile[]) => (name: string) => env[name] ?? [...files].reverse().find((f) => f.values[name] !== undefined)?.values[name];
    const readFile = (file: string) => {
      const read = readOptionalFile(file);
      return read.found ? read.text : read.unreadable === undefined ? undefined : { unreadable: read.unreadable };
    };
    readings = runReaders(options.frameworks, { root: project.root, dir: appDir, argv, variable: merged(dotenv), shell: (name) => options.env[name], readFile, listDirectory });
    // The framework's own choice of .env files (Laravel's .env.testing) replaces dbsafe's default list.
    const chosen = readings.find((reading) => reading.envFiles !== undefined)?.envFiles;
    if (chosen) ({ files: dotenv, problems: envProblems } = readListedEnvFiles(chosen));
    chosenByFramework = chosen !== undefined;
    const set = frameworkVariables(readings, appDir);
    frameworkFiles = set.files;
    dotenv = [...dotenv, ...set.files];
    if (set.overShell.size > 0) env = Object.fromEntries(Object.entries(env).filter(([name]) => !set.overShell.has(name)));
  }

  const resolveWith = (files: DotenvFile[]) =>
    resolveTargets({
      flagUrl: options.flagUrl,
      env,
      dotenv: files,
      cwd: project.root,
      preferredVariable: config.config.target,
      osUser: env.PGUSER ?? env.USER ?? osUserName(),
      home: env.HOME ?? os.homedir(),
      readFile: readText,
      frameworks: readings,
    });
  const targets = resolveWith(dotenv);
  // Tools disagree on which files a test run loads: the other reading's databases are judged too (the backup stays the first's).
  if (envFiles.alsoJudged && !chosenByFramework) {
    const other = resolveWith([...envFiles.alsoJudged, ...frameworkFiles]);
    const known = new Set(targets.all.map(databaseKey));
    targets.all.push(...other.all.filter((target) => !known.has(databaseKey(target))));
  }
  targets.problems.unshift(...envProblems);
  targets.environment = envFiles.environment;
  if (readings.length > 0) targets.frameworks = readings.map((reading) => ({ framework: reading.framework, ...(reading.environment ? { environment: reading.environment } : {}) }));
  const { tools = 'auto', container, containerCli } = config.config;
  useContainerSettings({ projectRoot: project.root, tools, container, containerCli, env: options.env });
  return { cwd: options.cwd, projectRoot: project.root, optedIn: project.optedIn, config, targets, env, dotenv, ...(options.frameworks ? { frameworks: options.frameworks } : {}) };
}

/**
 * loadProjectContext with the project's framework readers loaded first (only
 * those whose files exist, so a project without any loads nothing).
 */
export async function loadCommandContext(options: Omit<ContextOptions, 'frameworks'>): Promise<ProjectContext> {
  const project = findProject(options.cwd);
  const appDir = packageDirectory(options.cwd, project.root);
  const { loadFrameworkReaders } = await import('../target/frameworks/registry.js');
  const { readers, failures } = await loadFrameworkReaders([appDir, project.root], options.argv ?? null);
  const context = loadProjectContext({ ...options, frameworks: readers });
  for (const { framework, reason } of failures) {
    const problem = { framework, file: appDir, message: frameworkMessages.readerFailed(framework, appDir, reason) };
    // Judged on what could be read; nothing at all: fail closed.
    if (context.targets.all.length > 0) context.targets.notices = [...(context.targets.notices ?? []), problem];
    else context.targets.problems.push({ origin: { kind: 'framework', name: framework, file: appDir }, code: 'incomplete', message: frameworkMessages.nothingReadable(problem) });
  }
  return context;
}
