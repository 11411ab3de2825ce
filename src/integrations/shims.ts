import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isExecutable } from '../executable.js';
import { installBlock, readTextOrNull, removeEmptyDirs, removeOwnedFile, uninstallBlock, writeIfChanged, type FileChange } from './files.js';
import { shellTemplate, type UserLocations } from './locations.js';
import { candidateCases, fillTemplate, quoteFor, wrappableFilters, type WordPrefilter } from './shell-prefilter.js';
import { AGENT_VARIABLE_PREFIXES, AGENT_VARIABLES, shellFilters } from './wrapped-commands.js';

/**
 * Interpreters every `#!/usr/bin/env node` program runs through: a `node` shim
 * would see each npm, npx and CLI script path as arguments (`…/node_modules/…`
 * matches the filter), and start dbsafe for plain `npm --version`. The
 * package-manager shims (npm, npx, pnpm, yarn, bun) cover Node projects.
 */
const SHIM_UNWRAPPED: readonly string[] = ['node'];

/** Marks a file in the shim directory as dbsafe's, so uninstall deletes only its own files. */
const SHIM_SIGNATURE = '# dbsafe PATH shim for ';

/**
 * Files shells read, where the shim directory goes on PATH: login shells read
 * ~/.profile, every zsh reads ~/.zshenv (NOTES.md, "Interception"). On macOS,
 * /etc/zprofile's path_helper then moves the system directories back in
 * front, and Homebrew's installer puts `brew shellenv` (which prepends
 * /opt/homebrew/bin, where npm lives) in ~/.zprofile: the block in ~/.zprofile,
 * read after both, puts the shims first again. A login bash reads
 * ~/.bash_profile instead of ~/.profile when it exists, so the block goes there
 * too, but only into one that exists: creating it would make bash stop reading
 * ~/.profile.
 */
export function shimActivationFiles(home: string): string[] {
  const files = [path.join(home, '.profile'), path.join(home, '.zshenv'), path.join(home, '.zprofile')];
  const bashLogin = [path.join(home, '.bash_profile'), path.join(home, '.bash_login')].find((file) => existsSync(file));
  return bashLogin ? [...files, bashLogin] : files;
}

/**
 * Takes the shim directory out of PATH wherever it is and puts it first:
 * something run earlier (path_helper, `brew shellenv`, a version manager) may
 * have prepended its own directories in front of it. Plain POSIX sh, no
 * command run, so it costs nothing at login.
 */
function activationBlock(shimDir: string): string {
  const quoted = quoteFor('sh', shimDir);
  return [
    '# dbsafe PATH shims: guard database commands run by scripts, IDEs and AI agents (first on PATH).',
    `__dbsafe_path=":$PATH:"`,
    `while :; do case $__dbsafe_path in *:${quoted}:*) __dbsafe_path=\${__dbsafe_path%%:${quoted}:*}:\${__dbsafe_path#*:${quoted}:} ;; *) break ;; esac; done`,
    `__dbsafe_path=\${__dbsafe_path#:}; __dbsafe_path=\${__dbsafe_path%:}`,
    `PATH=${quoted}\${__dbsafe_path:+:$__dbsafe_path}; export PATH; unset __dbsafe_path`,
  ].join('\n');
}

export function renderShim(filter: WordPrefilter, shimDir: string): string {
  const template = readFileSync(shellTemplate('shim.sh'), 'utf8');
  return fillTemplate(template, {
    DBSAFE_CANDIDATE_CASES: candidateCases([filter]),
    DBSAFE_COMMAND: filter.word,
    DBSAFE_SELF: quoteFor('sh', path.join(shimDir, filter.word)),
    DBSAFE_AGENT_VARIABLES: AGENT_VARIABLES.join(' '),
    DBSAFE_AGENT_PREFIXES: AGENT_VARIABLE_PREFIXES.join(' '),
  });
}

function ownedShims(shimDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(shimDir);
  } catch {
    return [];
  }
  return names.map((name) => path.join(shimDir, name)).filter((file) => readTextOrNull(file)?.includes(SHIM_SIGNATURE) ?? false);
}

export function installShims(where: UserLocations, options: { activate: boolean }): FileChange[] {
  const filters = wrappableFilters(shellFilters(), SHIM_UNWRAPPED);
  const commands = filters.map((filter) => filter.word);
  const changes = filters.map((filter) => writeIfChanged(path.join(where.shimDir, filter.word), renderShim(filter, where.shimDir), 0o755));
  // A command dropped from the table since the last install loses its shim.
  for (const stale of ownedShims(where.shimDir)) {
    if (!commands.includes(path.basename(stale))) changes.push(removeOwnedFile(stale));
  }
  if (options.activate) {
    for (const file of shimActivationFiles(where.home)) changes.push(installBlock(file, activationBlock(where.shimDir)));
  }
  return changes;
}

export function uninstallShims(where: UserLocations): FileChange[] {
  const changes = ownedShims(where.shimDir).map(removeOwnedFile);
  removeEmptyDirs(where.shimDir, where.home);
  for (const file of shimActivationFiles(where.home)) changes.push(uninstallBlock(file));
  return changes;
}

/** A shimmed command that another program on PATH answers first: the shim never runs for it. */
export interface ShadowedShim {
  command: string;
  /** The program that runs instead. */
  file: string;
}

export interface ShimStatus {
  dir: string;
  installed: number;
  /** The shim directory is on the PATH of the process asking. */
  onPath: boolean;
  /** ~/.profile or ~/.zshenv puts it on PATH for new shells. */
  activated: boolean;
  /** Shimmed commands another directory earlier on this PATH answers first (Homebrew's npm before the shim). */
  shadowed: ShadowedShim[];
}

/** For each shim, the program this PATH runs for its command when that is not the shim. Pure apart from reading the directories. */
export function shadowedShims(shims: readonly string[], shimDir: string, currentPath: string): ShadowedShim[] {
  const entries = currentPath.split(path.delimiter).filter((entry) => entry !== '');
  return shims.flatMap((shim) => {
    const command = path.basename(shim);
    for (const entry of entries) {
      if (path.resolve(entry) === shimDir) return [];
      const file = path.join(entry, command);
      if (isExecutable(file)) return [{ command, file }];
    }
    return [];
  });
}

export function shimStatus(where: UserLocations, currentPath: string): ShimStatus {
  const activated = shimActivationFiles(where.home).some((file) => readTextOrNull(file)?.includes(activationBlock(where.shimDir)) ?? false);
  const onPath = currentPath.split(path.delimiter).some((entry) => entry !== '' && path.resolve(entry) === where.shimDir);
  const shims = ownedShims(where.shimDir);
  return { dir: where.shimDir, installed: shims.length, onPath, activated, shadowed: onPath ? shadowedShims(shims, where.shimDir, currentPath) : [] };
}
