import { commandName, FIND_EXEC_ACTIONS, GIT_CONFIG_OPTION, LAUNCHERS } from './launchers.js';
import { HELP_OR_VERSION } from './match.js';
import { COMMAND_RULES, DATABASE_TOOLS } from './table/index.js';
import { SPRING_BOOT_RUN_TASKS } from './table/compiled.js';
import { DATABASE_DATA_ENGINE_WORDS, DATABASE_DATA_JOINED_WORDS, DATABASE_FILE_EXTENSIONS } from './table/files.js';
import { SCRIPT_NAME_RULES } from './script-names.js';
import { TASK_RUNNERS } from './task-runners.js';
import { DATABASE_NOUNS, DATABASE_PATH_PHRASES, DATABASE_PATH_WORDS, JOINED_SETUP_WORDS, NAMED_PROGRAM_DATABASE_SUBCOMMANDS, TEST_NAME_WORDS, PROGRAM_DATABASE_NOUNS, PROGRAM_DATABASE_OPTIONS, PROGRAM_DATABASE_SUBCOMMANDS } from './path-words.js';
import { RAILS_COMMANDS } from './rake-tasks.js';
import type { CommandRule, UserCommandRule } from './types.js';

/**
 * The shell-side pre-filter: shell functions and PATH shims decide in plain
 * shell whether a call may be guarded, and start Node only then. For each
 * wrapped command word: ordered case arms over "$*" (the arguments joined by
 * single spaces); the first arm with a matching glob decides, else
 * `otherwise`. Globs use only `*`. The filter may say "maybe" for a safe call
 * (Node then decides), never "no" for a guarded one (tested against the table).
 */
export interface PrefilterArm {
  globs: string[];
  mayGuard: boolean;
}
export interface WordPrefilter {
  word: string;
  arms: PrefilterArm[];
  otherwise: boolean;
  /** make/just/task: when no arm decides, the recipe file in the current directory does (see RecipeCheck). */
  recipe?: RecipeCheck;
}

/**
 * How the shell decides a make/just/task call no name arm decided: options
 * that read another file or directory may be guarded (Node reads it); else
 * the first recipe file present is read, and the call may be guarded when
 * the file names any command the classifier could guard (a wrapped word as
 * a word, a script runner or shell, an include) or has a path word or a
 * recipe line whose command word is a variable. No file: `otherwise`.
 */
export interface RecipeCheck {
  files: string[];
  /** Globs over the joined arguments. */
  moveOptions: string[];
  /** Matched as words: not next to a letter, digit, `_` or `-`. */
  words: string[];
  /** Matched anywhere in the file. */
  substrings: string[];
}

/** Exactly the classifier's help-or-version arguments, so the filter never says no where the classifier guards. */
const HELP_ARM: PrefilterArm = { globs: [...HELP_OR_VERSION], mayGuard: false };

/** Words a project runs only by path (`./artisan`, `bin/console`): a function or shim cannot catch them by name. */
const PATH_ONLY_TOOLS = new Set(['artisan', 'console', 'manage.py', 'django']);

const MAKE_LIKE = new Set(['make', 'gmake', 'just', 'task']);

/** The recipe files each make-like runner reads, in its order (project-files.ts reads the same). */
const RECIPE_FILES: Record<string, string[]> = { make: ['GNUmakefile', 'makefile', 'Makefile'], gmake: ['GNUmakefile', 'makefile', 'Makefile'], just: ['justfile', 'Justfile', '.justfile'], task: ['Taskfile.yml', 'taskfile.yml', 'Taskfile.yaml', 'taskfile.yaml'] };
/** Options naming another recipe file or directory, per runner. */
const RECIPE_MOVE_OPTIONS: Record<string, string[]> = { make: ['-C', '--directory', '-f', '--file', '--makefile'], gmake: ['-C', '--directory', '-f', '--file', '--makefile'], just: ['-f', '--justfile', '-d', '--working-directory'], task: ['-t', '--taskfile', '-d', '--dir'] };
/** Words a recipe can run other commands through, besides the wrapped words: shells, and the files a recipe file includes. */
const RECIPE_EXTRA_WORDS = ['sh', 'bash', 'zsh', 'dash', 'source', 'eval', 'exec', 'env', 'xargs', 'find', 'git', 'include', 'import', 'includes', 'artisan', 'console', 'manage.py', 'django'];
/** A recipe line whose command word is a variable (`\t$(PSQL) -f x.sql`): only known when make runs. */
const RECIPE_VARIABLE_COMMANDS = ['\t$(', '\t@$(', '\t-$(', '\t${', '\t@${', '\t-${'];
export const WORD_CHARACTER = 'A-Za-z0-9_-';

const NPM_MAY_RUN_SCRIPTS = ['install', 'install *', 'i', 'i *', 'ci', 'ci *', 'clean-install*', 'add *', 'rebuild*', 'rb', 'rb *', 'pack*', 'publish*', 'version *', 'run', 'run *', 'rum *', 'urn *', 'run-script *', 'test', 'test *', 't', 't *', 'tst', 'tst *', 'start', 'start *', 'stop', 'stop *', 'restart', 'restart *', 'it', 'it *', 'cit', 'cit *', 'install-test*', 'install-ci-test*', 'exec *', 'x *', 'pkg set *', 'set-script *', '-*'];
// install, add and a bare `yarn` run the project's lifecycle scripts (postinstall, prepare): Node reads them.
const YARN_SAFE = ['remove *', 'upgrade*', 'up *', 'info *', 'init*', 'why *', 'list*', 'config *', 'cache *', 'outdated*', 'audit*', 'login*', 'logout*', 'publish*', 'pack*', 'version*', 'link*', 'unlink*', 'licenses *', 'global *', 'dedupe*', 'npm *', 'plugin *', 'set *'];
const PNPM_SAFE = ['', 'remove *', 'rm *', 'update*', 'up', 'up *', 'list*', 'ls*', 'outdated*', 'why *', 'store *', 'config *', 'link*', 'unlink*', 'prune*', 'audit*', 'fetch*', 'publish*', 'pack*', 'init*', 'env *', 'setup', 'rebuild*', 'root*', 'bin*', 'licenses *', 'approve-builds*'];
/** composer commands that run no project script; anything else may (`composer test`, `composer install` events). */
const COMPOSER_SAFE = ['validate*', 'show*', 'outdated*', 'audit*', 'diagnose*', 'self-update*', 'selfupdate*', 'config *', 'search *', 'licenses*', 'about', 'depends *', 'why *', 'why-not *', '-V', '--version', 'list', 'help*', 'clear-cache', 'clearcache', '* --no-scripts*'];
const BUN_SAFE = ['', 'remove *', 'rm *', 'update*', 'upgrade*', 'pm *', 'build *', 'init*', 'create *', 'link*', 'unlink*', 'publish*', 'outdated*', 'audit*', 'repl'];

/** Launchers reach these tool families; their pre-filter looks for a tool name anywhere in the arguments. */
const LAUNCHER_REACH: Record<string, (tool: string) => boolean> = {
  npx: () => true, pnpx: () => true, bunx: () => true, uvx: () => true,
  // Forms that run another command (launchers.ts): any tool named in their arguments may be run.
  su: () => true, runuser: () => true, flock: () => true, setsid: () => true, chroot: () => true, strace: () => true, script: () => true,
  nodemon: () => true, tmux: () => true, screen: () => true, parallel: () => true, entr: () => true, coverage: () => true, flatware: () => true, sail: () => true,
  php: (t) => ['artisan', 'console', 'phpunit', 'pest', 'paratest', 'codecept', 'behat', 'doctrine', 'doctrine-migrations'].includes(t),
  python: (t) => ['manage.py', 'django-admin', 'django', 'alembic', 'flask', 'pytest', 'py.test', 'unittest', 'nose2', 'tox', 'nox'].includes(t),
  ruby: (t) => ['rails', 'rake', 'rspec', 'cucumber', 'minitest'].includes(t),
  node: () => true,
  symfony: (t) => t === 'console',
  cargo: (t) => t === 'sqlx',
};
LAUNCHER_REACH.python3 = LAUNCHER_REACH.python!;

/** Interpreters that run a script file: a database word anywhere in the arguments may be a path word (path-words.ts). */
const INTERPRETERS = new Set(['node', 'php', 'python', 'python3', 'ruby', 'tsx', 'ts-node', 'nodemon']);
const PATH_WORD_GLOBS = [...new Set(DATABASE_PATH_WORDS.map((word) => `*${word.startsWith('migrat') ? 'migrat' : word.startsWith('seed') ? 'seed' : word}*`))];
/** A script path naming a database and a setup verb (`scripts/init_db.mjs`) has one of these nouns. */
const SCRIPT_PATH_GLOBS = [...PATH_WORD_GLOBS, ...DATABASE_NOUNS.map((noun) => `*${noun}*`), ...DATABASE_PATH_PHRASES.map((phrase) => `*${phrase.split(' ').join('*')}*`), ...TEST_NAME_WORDS.map((word) => `*${word}*`)];
/** Programs given inline (`python3 -c`, `node -e`) are searched for commands: any such call may be guarded. */
const INLINE_CODE_GLOBS: Record<string, string[]> = { node: ['-e *', '*--eval*', '-p *', '*--print*'], python: ['-c *', '* -c *'], python3: ['-c *', '* -c *'], php: ['-r *'], ruby: ['-e *'] };
for (const runner of ['tsx', 'ts-node']) LAUNCHER_REACH[runner] = () => false;

/** Launchers whose subcommand runs an arbitrary command: any call with that subcommand may be guarded. */
const RUNNER_SUBCOMMANDS: Record<string, string[]> = {
  bundle: ['exec *'], bundler: ['exec *'], uv: ['run *'], poetry: ['run *'], pipenv: ['run *'], pdm: ['run *'], hatch: ['run *'], rye: ['run *'], conda: ['run *'],
  docker: ['*compose*exec *', '*compose*run *', '*exec *', '*run *'], 'docker-compose': ['*exec *', '*run *'], podman: ['*exec *', '*run *'], 'podman-compose': ['*exec *', '*run *'],
};

function argumentGlob(pattern: string): string {
  return `*${pattern.split(' ').join('*')}*`.replace(/\*{2,}/g, '*');
}

/**
 * git and find run commands only in a few forms (launchers.ts): `git rebase
 * --exec`, `git bisect run`, `git submodule foreach`, `git -c alias.x='!…'`,
 * `find … -exec`. Only those reach Node; every other git or find call is no.
 */
function commandRunningForms(): WordPrefilter[] {
  const gitGlobs = LAUNCHERS.filter((launcher) => launcher.words[0] === 'git').flatMap((launcher) => {
    const sub = launcher.words.slice(1).join(' ');
    const options = launcher.shellOptions?.filter((option) => option !== '*') ?? [];
    return options.length > 0 ? options.map((option) => argumentGlob(`${sub} ${option}`)) : [argumentGlob(sub)];
  });
  gitGlobs.push(`${GIT_CONFIG_OPTION}*alias.*`, `* ${GIT_CONFIG_OPTION}*alias.*`);
  return [
    { word: 'git', arms: [HELP_ARM, { globs: gitGlobs, mayGuard: true }], otherwise: false },
    { word: 'find', arms: [HELP_ARM, { globs: FIND_EXEC_ACTIONS.map((action) => `*${action}*`), mayGuard: true }], otherwise: false },
  ];
}

/**
 * rails and rake guard a task no row knows in a Rails application with a
 * database (rake-tasks.ts), which the shell cannot tell: any call the
 * read-only rows do not settle reaches Node. Settled here: rails' own
 * commands without a namespace (their other words are arguments: `server -b
 * 0.0.0.0`), and a lone read-only task written out in full.
 */
const TASK_TOOLS = new Set(['rails', 'rake']);

function readOnlyTaskGlobs(tool: string, own: readonly CommandRule[]): string[] {
  const patterns = own.filter((rule) => !rule.guard).flatMap((rule) => rule.args ?? []).filter((pattern) => !pattern.includes('*') && !pattern.includes(' '));
  return patterns.flatMap((pattern) => (tool === 'rails' && RAILS_COMMANDS.has(pattern) ? [pattern, `${pattern} *`] : [pattern]));
}

function toolFilter(tool: string, rules: readonly CommandRule[]): WordPrefilter {
  const own = rules.filter((rule) => rule.tools.includes(tool));
  const catchAll = DATABASE_TOOLS.has(tool) || own.some((rule) => rule.guard && (rule.always || rule.stdin || rule.flags));
  const globs = own.filter((rule) => rule.guard).flatMap((rule) => (rule.args ?? []).map(argumentGlob));
  globs.push(...(SPRING_BOOT_RUN_TASKS[tool] ?? []).map(argumentGlob));
  // A mix task may be one of the project's aliases (mix.exs), which may run anything: Node reads them.
  if (tool === 'mix') return { word: tool, arms: [HELP_ARM, { globs, mayGuard: true }], otherwise: true };
  if (TASK_TOOLS.has(tool)) return { word: tool, arms: [HELP_ARM, { globs, mayGuard: true }, { globs: readOnlyTaskGlobs(tool, own), mayGuard: false }], otherwise: true };
  return { word: tool, arms: [HELP_ARM, { globs, mayGuard: true }], otherwise: catchAll };
}

/**
 * Pre-filter data for every command word the shell integration wraps,
 * including the first words of the project's own `commands` rules.
 */
export function shellPrefilter(userRules: readonly UserCommandRule[] = [], table: readonly CommandRule[] = COMMAND_RULES): WordPrefilter[] {
  const filters = new Map<string, WordPrefilter>();
  const tools = [...new Set(table.flatMap((rule) => rule.tools))].filter((tool) => !PATH_ONLY_TOOLS.has(tool));
  for (const tool of tools) filters.set(tool, toolFilter(tool, table));
  for (const filter of commandRunningForms()) filters.set(filter.word, filter);
  // rm, cp, mv… changing a SQLite database file (database-files.ts) are guarded by the classifier (dbsafe run, explain,
  // the agent hooks), but the shell integration does not wrap the file utilities themselves: a shim named rm or cp
  // would sit in front of every script's file operations. A recipe or script body that changes such a file still
  // reaches Node (the recipe check looks for the extensions; npm run always does).
  const reachableTools = [...new Set(table.flatMap((rule) => rule.tools)), ...TASK_RUNNERS.map((runner) => runner.words[0]!), ...userRules.map((rule) => commandName(rule.words[0]!))];
  for (const [launcher, reaches] of Object.entries(LAUNCHER_REACH)) {
    const globs = reachableTools.filter(reaches).map((tool) => `*${tool}*`);
    if (launcher === 'node') globs.push('*--test*');
    if (INTERPRETERS.has(launcher)) globs.push(...SCRIPT_PATH_GLOBS, ...(INLINE_CODE_GLOBS[launcher] ?? []));
    if (['npx', 'pnpx'].includes(launcher)) globs.push('-c *', '*--call*', '* -c *');
    // `python -m manage migrate` runs the project's manage.py (launchers.ts, pythonModuleWord).
    if (launcher.startsWith('python')) globs.push('-m manage*', '* -m manage*');
    // The launcher's own commands that stand for a tool (`sail test` runs `artisan test`).
    const aliases = LAUNCHERS.find((entry) => entry.words.length === 1 && entry.words[0] === launcher)?.commands ?? {};
    globs.push(...Object.keys(aliases).flatMap((alias) => [alias, `${alias} *`]));
    const existing = filters.get(launcher);
    filters.set(launcher, { word: launcher, arms: [HELP_ARM, { globs: [...globs, ...(existing?.arms[1]?.globs ?? [])], mayGuard: true }], otherwise: existing?.otherwise ?? false });
  }
  for (const [launcher, globs] of Object.entries(RUNNER_SUBCOMMANDS)) {
    // The runner's own guarded rows (`docker volume rm`, `docker compose down -v`) keep their globs, flags included.
    const own = table.filter((rule) => rule.guard && rule.tools.includes(launcher));
    const ownGlobs = [...own.flatMap((rule) => (rule.args ?? []).map(argumentGlob)), ...own.flatMap((rule) => (rule.flags ?? []).flatMap((flag) => [`${flag}*`, `* ${flag}*`]))];
    filters.set(launcher, { word: launcher, arms: [HELP_ARM, { globs: [...globs, ...ownGlobs], mayGuard: true }], otherwise: false });
  }
  const guardedNames = SCRIPT_NAME_RULES.filter((rule) => rule.guard).flatMap((rule) => rule.names);
  for (const runner of TASK_RUNNERS) {
    const word = runner.words[0]!;
    // make-like runners take target names as plain words; monorepo runners also write `app:task`, `pkg#task`, `-t a,b`.
    const wordGlobs = MAKE_LIKE.has(word) ? guardedNames.flatMap((name) => [name, `${name} *`, `* ${name}`, `* ${name} *`]) : [];
    filters.set(word, { word, arms: [HELP_ARM, { globs: wordGlobs, mayGuard: true }], otherwise: !MAKE_LIKE.has(word) || word === 'just' || word === 'task' });
  }
  filters.set('composer', { word: 'composer', arms: [HELP_ARM, { globs: COMPOSER_SAFE, mayGuard: false }], otherwise: true });
  filters.set('npm', { word: 'npm', arms: [HELP_ARM, { globs: ['-v'], mayGuard: false }, { globs: NPM_MAY_RUN_SCRIPTS, mayGuard: true }], otherwise: false });
  filters.set('yarn', { word: 'yarn', arms: [HELP_ARM, { globs: YARN_SAFE, mayGuard: false }], otherwise: true });
  filters.set('pnpm', { word: 'pnpm', arms: [HELP_ARM, { globs: PNPM_SAFE, mayGuard: false }], otherwise: true });
  filters.set('bun', { word: 'bun', arms: [HELP_ARM, { globs: BUN_SAFE, mayGuard: false }], otherwise: true });
  for (const rule of userRules) {
    const word = commandName(rule.words[0]!);
    if (!rule.guard || word.includes('*')) continue;
    const glob = rule.words.length > 1 ? argumentGlob(rule.words.slice(1).join(' ')) : '*';
    const existing = filters.get(word) ?? { word, arms: [HELP_ARM], otherwise: false };
    filters.set(word, { ...existing, arms: [existing.arms[0]!, { globs: [glob], mayGuard: true }, ...existing.arms.slice(1)] });
  }
  // An application's own program is no wrapped word: its database subcommands and options are (path-words.ts).
  // A recipe's rm or cp matters only for a database file: its extension is among the substrings.
  const recipeWords = [...new Set([...filters.keys(), ...RECIPE_EXTRA_WORDS, ...Object.keys(NAMED_PROGRAM_DATABASE_SUBCOMMANDS), ...PROGRAM_DATABASE_SUBCOMMANDS, ...PROGRAM_DATABASE_OPTIONS, ...PROGRAM_DATABASE_NOUNS])].sort();
  const substrings = [...PATH_WORD_GLOBS.map((glob) => glob.replaceAll('*', '')), ...JOINED_SETUP_WORDS, ...RECIPE_VARIABLE_COMMANDS.map((text) => text.replace('\\t', '\t')), ...DATABASE_FILE_EXTENSIONS.map((extension) => `.${extension}`), ...DATABASE_DATA_JOINED_WORDS, ...DATABASE_DATA_ENGINE_WORDS.filter((word) => word.length > 4)];
  for (const word of MAKE_LIKE) {
    const filter = filters.get(word);
    if (!filter) continue;
    const moveOptions = RECIPE_MOVE_OPTIONS[word]!.flatMap((option) => [`${option}*`, `* ${option}*`]);
    filters.set(word, { ...filter, recipe: { files: RECIPE_FILES[word]!, moveOptions, words: recipeWords, substrings } });
  }
  return [...filters.values()].sort((a, b) => a.word.localeCompare(b.word));
}

/** Whether a recipe file's text names anything the classifier could guard (the reference for the generated shell code). */
export function recipeMayGuard(check: RecipeCheck, text: string): boolean {
  const padded = `\n${text}\n`;
  if (check.substrings.some((substring) => padded.includes(substring))) return true;
  return check.words.some((word) => new RegExp(`[^${WORD_CHARACTER}]${word.replace(/[.+?^${}()|[\]\\]/g, '\\$&')}[^${WORD_CHARACTER}]`).test(padded));
}

function caseGlobMatches(glob: string, text: string): boolean {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's').test(text);
}

/**
 * The reference meaning of a pre-filter, as the generated shell code
 * computes it; `readRecipe` reads a file of the current directory (null when
 * absent), for the make-like runners.
 */
export function prefilterMayGuard(filter: WordPrefilter, args: readonly string[], readRecipe: (file: string) => string | null = () => null): boolean {
  const joined = args.join(' ');
  for (const arm of filter.arms) if (arm.globs.some((glob) => caseGlobMatches(glob, joined))) return arm.mayGuard;
  if (filter.recipe) {
    if (filter.recipe.moveOptions.some((glob) => caseGlobMatches(glob, joined))) return true;
    for (const file of filter.recipe.files) {
      const text = readRecipe(file);
      if (text !== null) return recipeMayGuard(filter.recipe, text);
    }
  }
  return filter.otherwise;
}

/** A glob as a POSIX `case` pattern: literal parts double-quoted, `*` left as the wildcard. */
export function posixCasePattern(glob: string): string {
  if (glob === '') return '""';
  return glob
    .split('*')
    .map((part) => (part === '' ? '' : `"${part.replace(/["$`\\]/g, '\\$&')}"`))
    .join('*');
}

/** A POSIX sh `case` statement over "$*" that runs `maybe` or `no` (shell commands) for one word. */
export function prefilterCaseStatement(filter: WordPrefilter, maybe: string, no: string): string {
  const arms = filter.arms
    .filter((arm) => arm.globs.length > 0)
    .map((arm) => `  ${arm.globs.map(posixCasePattern).join('|')}) ${arm.mayGuard ? maybe : no} ;;`);
  return ['case "$*" in', ...arms, `  *) ${filter.otherwise ? maybe : no} ;;`, 'esac'].join('\n');
}
