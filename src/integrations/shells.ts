import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { installBlock, removeEmptyDirs, removeOwnedFile, uninstallBlock, writeIfChanged, readTextOrNull, type FileChange } from './files.js';
import { shellTemplate, type UserLocations } from './locations.js';
import { findBlock } from './marker-block.js';
import { candidateFunctions, fillTemplate, fishCandidateFunctions, fishWrappers, quoteFor, wrappableFilters, wrapperFunctions, type WordPrefilter } from './shell-prefilter.js';
import { AGENT_VARIABLE_PREFIXES, AGENT_VARIABLES, shellFilters } from './wrapped-commands.js';

import type { ShellName } from './names.js';

export { SHELL_NAMES, isShellName, type ShellName } from './names.js';

interface ShellSetup {
  template: string;
  flavour: 'sh' | 'fish';
  /** bash and zsh: the rc file that sources the generated file. fish: null (conf.d file instead). */
  rcFile: ((home: string) => string) | null;
  /** Files login shells of this kind read instead of the rc file, where the block goes too (see bashLoginFile). */
  loginFiles?: (home: string) => string[];
  /** Commands this shell must not wrap. */
  unwrapped: readonly string[];
}

/** One row per shell: a new shell is a template file plus a row. */
export const SHELLS: Record<ShellName, ShellSetup> = {
  bash: { template: 'dbsafe.bash', flavour: 'sh', rcFile: (home) => path.join(home, '.bashrc'), loginFiles: (home) => bashLoginFiles(home), unwrapped: [] },
  zsh: { template: 'dbsafe.zsh', flavour: 'sh', rcFile: (home) => path.join(home, '.zshrc'), unwrapped: [] },
  // fish runs its own jobs as `python3 … &`, and runs a backgrounded function in
  // the foreground: a python wrapper froze fish's first start for many seconds.
  // The PATH shims still cover python in fish.
  fish: { template: 'dbsafe.fish', flavour: 'fish', rcFile: null, unwrapped: ['python', 'python3'] },
};

/**
 * A login bash (macOS's Terminal and iTerm open one per window) reads the
 * first of ~/.bash_profile, ~/.bash_login and ~/.profile, and not ~/.bashrc.
 * The block goes into that file unless it already sources ~/.bashrc (Debian's
 * ~/.profile does). When none exists, ~/.profile gets it: creating
 * ~/.bash_profile would make bash stop reading the user's ~/.profile.
 */
const SOURCES_BASHRC = /(^|[\s;&|{(])(\.|source)\s+["']?(\$HOME|\$\{HOME\}|~)\/\.bashrc\b/m;

export function bashLoginFiles(home: string): string[] {
  const file = ['.bash_profile', '.bash_login', '.profile'].map((name) => path.join(home, name)).find((candidate) => existsSync(candidate)) ?? path.join(home, '.profile');
  const text = readTextOrNull(file);
  const sourcesBashrc = text !== null && SOURCES_BASHRC.test(text);
  return sourcesBashrc ? [] : [file];
}

/** The shell code `dbsafe shell-init <shell>` prints: the template with the wrapped commands filled in. */
export function renderShellInit(shell: ShellName, shimDir: string, filters: readonly WordPrefilter[] = shellFilters()): string {
  const setup = SHELLS[shell];
  const template = readFileSync(shellTemplate(setup.template), 'utf8');
  const wrapped = wrappableFilters(filters, setup.unwrapped);
  return fillTemplate(template, {
    DBSAFE_CANDIDATE_FUNCTIONS: setup.flavour === 'fish' ? fishCandidateFunctions(wrapped) : candidateFunctions(wrapped, shell === 'zsh' ? ['emulate -L zsh'] : []),
    DBSAFE_WRAPPERS: setup.flavour === 'fish' ? fishWrappers(wrapped) : wrapperFunctions(wrapped),
    DBSAFE_SHIM_DIR: quoteFor(setup.flavour, shimDir),
    DBSAFE_AGENT_VARIABLES: AGENT_VARIABLES.join(' '),
    DBSAFE_AGENT_PREFIXES: AGENT_VARIABLE_PREFIXES.join(' '),
  });
}

/** Where the generated integration lives: a file dbsafe owns, sourced from the user's rc file. */
export function generatedShellFile(shell: ShellName, where: UserLocations): string {
  return shell === 'fish' ? path.join(where.fishConfD, 'dbsafe.fish') : path.join(where.dataDir, 'shell', `dbsafe.${shell}`);
}

function rcBlock(file: string): string {
  const quoted = quoteFor('sh', file);
  return `# dbsafe shell integration: routes database commands through dbsafe (remove it with: dbsafe uninstall --shell).\n[ -f ${quoted} ] && . ${quoted}`;
}

const LOGIN_BLOCK_ID = 'login-bash';

/** For a login file other shells read too (~/.profile is read by sh and dash): only bash sources the bash code. */
function loginBlock(file: string): string {
  const quoted = quoteFor('sh', file);
  return `# dbsafe shell integration for login bash (macOS terminals): remove it with: dbsafe uninstall --shell.\n[ -n "\${BASH_VERSION-}" ] && [ -f ${quoted} ] && . ${quoted}`;
}

export function installShell(shell: ShellName, where: UserLocations): FileChange[] {
  const generated = generatedShellFile(shell, where);
  const changes = [writeIfChanged(generated, renderShellInit(shell, where.shimDir))];
  const rcFile = SHELLS[shell].rcFile?.(where.home);
  if (rcFile) changes.push(installBlock(rcFile, rcBlock(generated)));
  for (const login of SHELLS[shell].loginFiles?.(where.home) ?? []) changes.push(installBlock(login, loginBlock(generated), { id: LOGIN_BLOCK_ID }));
  return changes;
}

export function uninstallShell(shell: ShellName, where: UserLocations): FileChange[] {
  const generated = generatedShellFile(shell, where);
  const changes = [removeOwnedFile(generated)];
  removeEmptyDirs(path.dirname(generated), where.home);
  const rcFile = SHELLS[shell].rcFile?.(where.home);
  if (rcFile) changes.push(uninstallBlock(rcFile));
  // Every login file that may hold the block, whether or not it would be chosen now.
  if (SHELLS[shell].loginFiles) {
    for (const name of ['.bash_profile', '.bash_login', '.profile']) {
      const file = path.join(where.home, name);
      if (readTextOrNull(file)?.includes(loginBlock(generated))) changes.push(uninstallBlock(file, { id: LOGIN_BLOCK_ID }));
    }
  }
  return changes;
}

export interface ShellStatus {
  shell: ShellName;
  /** The rc file holds dbsafe's block (fish: the conf.d file exists). */
  installed: boolean;
  file: string;
}

export function shellStatus(shell: ShellName, where: UserLocations): ShellStatus {
  const rcFile = SHELLS[shell].rcFile?.(where.home);
  if (!rcFile) {
    const file = generatedShellFile(shell, where);
    return { shell, installed: readTextOrNull(file) !== null, file };
  }
  const text = readTextOrNull(rcFile);
  return { shell, installed: text !== null && findBlock(text) !== null && readTextOrNull(generatedShellFile(shell, where)) !== null, file: rcFile };
}
