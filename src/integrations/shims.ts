import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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
 * Files non-interactive shells read, where the shim directory goes on PATH:
 * login shells read ~/.profile, every zsh reads ~/.zshenv (NOTES.md, "Interception").
 */
export function shimActivationFiles(home: string): string[] {
  return [path.join(home, '.profile'), path.join(home, '.zshenv')];
}

function activationBlock(shimDir: string): string {
  const quoted = quoteFor('sh', shimDir);
  return [
    '# dbsafe PATH shims: guard database commands run by scripts, IDEs and AI agents.',
    `case ":$PATH:" in *:${quoted}:*) ;; *) PATH=${quoted}:$PATH; export PATH ;; esac`,
  ].join('\n');
}

export function renderShim(filter: WordPrefilter, shimDir: string): string {
  const template = readFileSync(shellTemplate('shim.sh'), 'utf8');
  return fillTemplate(template, {
    DBSAFE_CANDIDATE_CASES: candidateCases([filter], 'sh'),
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

export interface ShimStatus {
  dir: string;
  installed: number;
  /** The shim directory is on the PATH of the process asking. */
  onPath: boolean;
  /** ~/.profile or ~/.zshenv puts it on PATH for new shells. */
  activated: boolean;
}

export function shimStatus(where: UserLocations, currentPath: string): ShimStatus {
  const activated = shimActivationFiles(where.home).some((file) => readTextOrNull(file)?.includes(activationBlock(where.shimDir)) ?? false);
  const onPath = currentPath.split(path.delimiter).some((entry) => entry !== '' && path.resolve(entry) === where.shimDir);
  return { dir: where.shimDir, installed: ownedShims(where.shimDir).length, onPath, activated };
}
