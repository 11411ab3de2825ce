import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { findProject } from '../config/project.js';
import { classifyCommand } from './classify.js';
import { projectFilesReader } from './project-files.js';
import { parsePlainLine } from './simple-parse.js';
import type { Classification, PackageScripts, ProjectFiles, ParsedLine, ReadPackageScripts, ShellParse, UserCommandRule } from './types.js';
import { userCommandRules } from './user-rules.js';

/**
 * The I/O edge of command classification: reads package.json files, loads
 * the shell grammar only when a line needs it, and reads the project's
 * command rules. Everything it decides is decided by classifyCommand.
 */

/** A package.json reader for classifyCommand: nearest package.json at or above a directory, cached per call. */
export function packageScriptsReader(): ReadPackageScripts {
  const cache = new Map<string, PackageScripts | null>();
  const read = (dir: string): PackageScripts | null => {
    const cached = cache.get(dir);
    if (cached !== undefined) return cached;
    let result: PackageScripts | null;
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: unknown };
      const scripts = pkg.scripts && typeof pkg.scripts === 'object' ? (pkg.scripts as Record<string, unknown>) : {};
      result = { dir, scripts: Object.fromEntries(Object.entries(scripts).filter((e): e is [string, string] => typeof e[1] === 'string')) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A package.json that exists but cannot be read or parsed hides its scripts: report it as an empty
      // package so name rules still apply, and npm itself will refuse to run.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') result = { dir, scripts: {} };
      else result = path.dirname(dir) === dir ? null : read(path.dirname(dir));
    }
    cache.set(dir, result);
    return result;
  };
  return read;
}

/** The `commands` rules of the project around `cwd` (throws DbsafeError, exit 2, on an invalid configuration). */
export function loadUserCommandRules(cwd: string): UserCommandRule[] {
  const project = findProject(cwd);
  return userCommandRules(loadConfig(project.root).config.commands);
}

class NeedsShellParser extends Error {}

const plainOnly: ShellParse = (source) => {
  const parsed = parsePlainLine(source);
  if (!parsed) throw new NeedsShellParser();
  return parsed;
};

let treeSitter: Promise<ShellParse> | undefined;

async function fullParser(): Promise<ShellParse> {
  treeSitter ??= import('./tree-sitter-parse.js').then((module) => module.loadTreeSitterParser());
  const parse = await treeSitter;
  return (source) => parsePlainLine(source) ?? parse(source);
}

/**
 * A `run:` line copied from a CI workflow holds `${{ matrix.database }}`,
 * which the CI puts in before the shell runs (a shell itself would refuse
 * it): a word only known at run time, not a syntax error.
 */
function ciExpressionsUnknown(line: string): string {
  return line.replace(/\$\{\{[^{}]*\}\}/g, '${CI_EXPRESSION}');
}

export interface ClassifyLineOptions {
  /** One string: a shell command line. Several: an argv. */
  command: string | readonly string[];
  cwd: string;
  userRules?: readonly UserCommandRule[];
  readScripts?: ReadPackageScripts;
  projectFiles?: ProjectFiles;
}

/**
 * Classify a command line as typed (or an argv) in `cwd`. Lines and script
 * bodies made only of plain words never load tree-sitter; anything else does.
 */
export async function classifyCommandLine(options: ClassifyLineOptions): Promise<Classification> {
  const readScripts = options.readScripts ?? packageScriptsReader();
  const projectFiles = options.projectFiles ?? projectFilesReader();
  const run = (parse: ShellParse): Classification => {
    const command: ParsedLine | readonly string[] = typeof options.command === 'string' ? parse(ciExpressionsUnknown(options.command)) : options.command;
    return classifyCommand({ command, cwd: options.cwd, readScripts, parse, userRules: options.userRules, projectFiles });
  };
  try {
    return run(plainOnly);
  } catch (error) {
    if (!(error instanceof NeedsShellParser)) throw error;
    return run(await fullParser());
  }
}
