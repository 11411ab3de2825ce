import os from 'node:os';
import { readEnvFiles } from '../target/env-files.js';
import { readOptionalFile } from './optional-file.js';
import { resolveTargets, type DotenvFile } from '../target/resolve.js';
import type { ResolvedTargets } from '../target/types.js';
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
  /** The .env files read, lowest precedence first (the shell environment overrides them). */
  dotenv: DotenvFile[];
}

function osUserName(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}

/** Everything a command needs to know about where it runs: project, config and databases. */
export function loadProjectContext(options: { cwd: string; env: Record<string, string | undefined>; flagUrl?: string }): ProjectContext {
  const project = findProject(options.cwd);
  const config = loadConfig(project.root);
  const envFiles = readEnvFiles(project.root, options.env);
  const targets = resolveTargets({
    flagUrl: options.flagUrl,
    env: options.env,
    dotenv: envFiles.files,
    cwd: project.root,
    preferredVariable: config.config.target,
    osUser: options.env.PGUSER ?? options.env.USER ?? osUserName(),
    home: options.env.HOME ?? os.homedir(),
    readFile: (file) => {
      const read = readOptionalFile(file);
      return read.found ? read.text : undefined;
    },
  });
  targets.problems.unshift(...envFiles.problems);
  const { tools = 'auto', container, containerCli } = config.config;
  useContainerSettings({ projectRoot: project.root, tools, container, containerCli, env: options.env });
  return { cwd: options.cwd, projectRoot: project.root, optedIn: project.optedIn, config, targets, env: options.env, dotenv: envFiles.files };
}
