import path from 'node:path';
import type { EnvChange, ShellWord } from './types.js';

/** Where a launcher runs its command: `env -C dir`; `value` null when only known at run time. */
export interface LauncherDirectory {
  value: string | null;
  written: string;
}

/** What peeling a launcher off an invocation leaves to judge. */
export type Unwrapped =
  | {
      kind: 'command';
      words: ShellWord[];
      via: string;
      trailingUnknown?: boolean;
      /** Environment changes the launcher makes for its command (`env A=1 -u B`, `cross-env A=1`). */
      env?: EnvChange[];
      directory?: LauncherDirectory;
      /** The command runs in a container, whose databases are not the host's. */
      inContainer?: boolean;
      /** The container directory it runs in (`docker compose run -w /app/frontend web yarn test`). */
      containerWorkdir?: string;
    }
  | { kind: 'shell'; source: ShellWord[]; via: string }
  | { kind: 'unresolvable'; reason: string }
  | { kind: 'none' };

/**
 * Commands that run another command given in their arguments. Each row
 * says which options take a value (so the value is not mistaken for the
 * command), whether `VAR=value` words may precede it, how many positionals
 * come before it, and a word to put in front of it (`php artisan` → `artisan`).
 */
interface Launcher {
  words: readonly string[];
  valueOptions?: readonly string[];
  assignments?: boolean;
  positionalsBefore?: number;
  /** Options that run a shell command line instead (`npx -c 'cmd'`). */
  shellOptions?: readonly string[];
  /** Options after which the rest is not a command to run (`command -v npm` only prints a path). */
  noRunOptions?: readonly string[];
  /** The launcher appends words dbsafe cannot see (xargs). */
  appendsUnknown?: boolean;
  /** Drop `@version` from the command word (a package spec: `prisma@5`). */
  packageSpec?: boolean;
  /** A shell option may come after the launcher's positionals too (`su www-data -c '…'`, `flock /tmp/l -c '…'`). */
  shellOptionsAnywhere?: boolean;
  /** Without a shell option, the rest are not a command (`script out.log`, `git rebase main`). */
  onlyShellOptions?: boolean;
  /** The positional skipped is a container image, or a compose service (usually named after its image): one named after a tool runs that tool (`flyway/flyway:10 migrate`, `docker compose run atlas migrate apply`). */
  image?: boolean;
  /** Options that remove one variable from the command's environment (`env -u NAME`). */
  unsetOptions?: readonly string[];
  /** Options that start the command from an empty environment (`env -i`). */
  clearOptions?: readonly string[];
  /** Options that name the directory the command runs in (`env -C dir`). */
  chdirOptions?: readonly string[];
  /** Options that load a dotenv file into the command's environment (`dotenv -e .env.test`). */
  envFileOptions?: readonly string[];
  /** Options whose value is one `NAME=value` assignment (`dotenv -v NAME=value`). */
  assignmentOptions?: readonly string[];
  /** Options that name the container directory the command runs in (`-w /app/frontend`). */
  workdirOptions?: readonly string[];
  /** The launcher's own commands that stand for another command (`sail test` runs `artisan test`). */
  commands?: Readonly<Record<string, readonly string[]>>;
  inContainer?: boolean;
}

const NPX_OPTIONS = ['-p', '--package', '--registry', '--cache', '--userconfig', '-w', '--workspace'];
const DOCKER_RUN_OPTIONS = ['-e', '--env', '-u', '--user', '-w', '--workdir', '--index', '--name', '--entrypoint', '-p', '--publish', '-v', '--volume', '-l', '--label', '--env-file', '--network', '--pull'];

export const LAUNCHERS: readonly Launcher[] = [
  { words: ['env'], valueOptions: ['-u', '--unset', '-C', '--chdir'], shellOptions: ['-S', '--split-string'], assignments: true, unsetOptions: ['-u', '--unset'], clearOptions: ['-i', '--ignore-environment', '-'], chdirOptions: ['-C', '--chdir'] },
  { words: ['sudo'], valueOptions: ['-u', '--user', '-g', '--group', '-C', '-D', '--chdir', '-h', '--host', '-p', '--prompt', '-r', '--role', '-t', '--type', '-U', '--other-user'], assignments: true, noRunOptions: ['-l', '--list', '-v', '--validate', '-k', '-K'], chdirOptions: ['-D', '--chdir'] },
  { words: ['doas'], valueOptions: ['-u', '-C'] },
  { words: ['time'], valueOptions: ['-f', '--format', '-o', '--output'] },
  { words: ['nice'], valueOptions: ['-n', '--adjustment'] },
  { words: ['ionice'], valueOptions: ['-c', '--class', '-n', '--classdata'] },
  { words: ['nohup'] },
  // watch hands its arguments to `sh -c`.
  { words: ['watch'], valueOptions: ['-n', '--interval'], shellOptions: ['*'] },
  { words: ['stdbuf'], valueOptions: ['-i', '-o', '-e'] },
  { words: ['timeout'], valueOptions: ['-s', '--signal', '-k', '--kill-after'], positionalsBefore: 1 },
  { words: ['exec'], valueOptions: ['-a'] },
  { words: ['command'], noRunOptions: ['-v', '-V'] },
  { words: ['builtin'] },
  { words: ['xargs'], valueOptions: ['-I', '-n', '-L', '-P', '-s', '-d', '-E', '-a', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--replace', '--max-lines', '--max-chars', '--eof'], appendsUnknown: true },
  { words: ['cross-env'], assignments: true },
  { words: ['cross-env-shell'], assignments: true, shellOptions: ['*'] },
  { words: ['dotenv'], valueOptions: ['-e', '-c', '-v', '-p'], envFileOptions: ['-e'], assignmentOptions: ['-v'] },
  { words: ['env-cmd'], valueOptions: ['-f', '--file', '-e', '--environments', '-r', '--rc-file'], envFileOptions: ['-f', '--file'] },
  { words: ['npx'], valueOptions: NPX_OPTIONS, shellOptions: ['-c', '--call'], packageSpec: true },
  { words: ['pnpx'], valueOptions: NPX_OPTIONS, shellOptions: ['-c', '--call'], packageSpec: true },
  { words: ['bunx'], valueOptions: ['-p', '--package'], packageSpec: true },
  { words: ['bun', 'x'], valueOptions: ['-p', '--package'], packageSpec: true },
  { words: ['npm', 'exec'], valueOptions: NPX_OPTIONS, shellOptions: ['-c', '--call'], packageSpec: true },
  { words: ['npm', 'x'], valueOptions: NPX_OPTIONS, shellOptions: ['-c', '--call'], packageSpec: true },
  { words: ['pnpm', 'exec'], valueOptions: ['-C', '--dir', '--filter', '-F'], shellOptions: ['-c', '--shell-mode'] },
  { words: ['pnpm', 'dlx'], valueOptions: ['--package', '--allow-build'], shellOptions: ['-c', '--shell-mode'], packageSpec: true },
  { words: ['yarn', 'dlx'], valueOptions: ['-p', '--package'], packageSpec: true },
  { words: ['yarn', 'exec'] },
  { words: ['bundle', 'exec'] },
  // ruby/debug's launcher: `rdbg -c -- CMD` debugs the command it is given.
  { words: ['rdbg'], valueOptions: ['-e', '-x', '--init-script', '--port', '--host', '--sock-path', '--session-name'] },
  { words: ['mise', 'exec'], valueOptions: ['-C', '--cd', '-E', '--env', '-j', '--jobs'] },
  { words: ['mise', 'x'], valueOptions: ['-C', '--cd', '-E', '--env', '-j', '--jobs'] },
  { words: ['bundler', 'exec'] },
  { words: ['uv', 'run'], valueOptions: ['--with', '--python', '-p', '--env-file', '--extra', '--group', '--package', '--directory', '--project', '--with-requirements', '--index'] },
  { words: ['uvx'], valueOptions: ['--with', '--python', '-p', '--from'] },
  { words: ['poetry', 'run'], valueOptions: ['-C', '--directory', '-P', '--project'] },
  { words: ['pipenv', 'run'] },
  { words: ['pdm', 'run'], valueOptions: ['-p', '--project'] },
  { words: ['hatch', 'run'] },
  { words: ['rye', 'run'] },
  { words: ['conda', 'run'], valueOptions: ['-n', '--name', '-p', '--prefix'] },
  { words: ['symfony', 'console'] },
  { words: ['cargo', 'sqlx'] },
  { words: ['docker', 'compose', 'exec'], valueOptions: DOCKER_RUN_OPTIONS, positionalsBefore: 1, inContainer: true, workdirOptions: ['-w', '--workdir'] },
  { words: ['docker', 'compose', 'run'], valueOptions: DOCKER_RUN_OPTIONS, positionalsBefore: 1, image: true, inContainer: true, workdirOptions: ['-w', '--workdir'] },
  { words: ['docker-compose', 'exec'], valueOptions: DOCKER_RUN_OPTIONS, positionalsBefore: 1, inContainer: true, workdirOptions: ['-w', '--workdir'] },
  { words: ['docker-compose', 'run'], valueOptions: DOCKER_RUN_OPTIONS, positionalsBefore: 1, image: true, inContainer: true, workdirOptions: ['-w', '--workdir'] },
  { words: ['docker', 'exec'], valueOptions: DOCKER_RUN_OPTIONS, positionalsBefore: 1, inContainer: true, workdirOptions: ['-w', '--workdir'] },
  { words: ['docker', 'container', 'exec'], valueOptions: DOCKER_RUN_OPTIONS, positionalsBefore: 1, inContainer: true, workdirOptions: ['-w', '--workdir'] },
  { words: ['docker', 'run'], valueOptions: [...DOCKER_RUN_OPTIONS, '--mount', '--add-host', '--platform', '--cpus', '-m', '--memory', '--user'], positionalsBefore: 1, image: true, inContainer: true, workdirOptions: ['-w', '--workdir'] },
  { words: ['podman', 'exec'], valueOptions: DOCKER_RUN_OPTIONS, positionalsBefore: 1, inContainer: true, workdirOptions: ['-w', '--workdir'] },
  { words: ['podman', 'run'], valueOptions: [...DOCKER_RUN_OPTIONS, '--mount', '--add-host', '--platform', '-m', '--memory'], positionalsBefore: 1, image: true, inContainer: true, workdirOptions: ['-w', '--workdir'] },
  { words: ['podman-compose', 'exec'], valueOptions: DOCKER_RUN_OPTIONS, positionalsBefore: 1, inContainer: true, workdirOptions: ['-w', '--workdir'] },
  { words: ['podman-compose', 'run'], valueOptions: DOCKER_RUN_OPTIONS, positionalsBefore: 1, image: true, inContainer: true, workdirOptions: ['-w', '--workdir'] },
  // Coverage tools and parallel test runners run the command after their options.
  { words: ['coverage', 'run'], valueOptions: ['--source', '--omit', '--include', '--rcfile', '--concurrency', '--context', '--data-file'] },
  { words: ['flatware'], valueOptions: ['-w', '--workers'] },
  {
    words: ['sail'],
    commands: { test: ['artisan', 'test'], dusk: ['artisan', 'dusk'], 'dusk:fails': ['artisan', 'dusk:fails'], tinker: ['artisan', 'tinker'], art: ['artisan'], pest: ['pest'], phpunit: ['phpunit'], mysql: ['mysql'], mariadb: ['mariadb'], psql: ['psql'], mongodb: ['mongosh'] },
  },
  // Forms that run another command (found by hostile review): each is peeled off like `env` or `sudo`.
  { words: ['su'], valueOptions: ['-s', '--shell', '-g', '--group', '-G', '--supp-group', '-w', '--whitelist-environment'], shellOptions: ['-c', '--command', '--session-command'], shellOptionsAnywhere: true, onlyShellOptions: true },
  { words: ['runuser'], valueOptions: ['-u', '--user', '-g', '--group', '-G', '--supp-group', '-s', '--shell', '-w', '--whitelist-environment'], shellOptions: ['-c', '--command', '--session-command'], shellOptionsAnywhere: true },
  { words: ['setsid'] },
  { words: ['chroot'], valueOptions: ['--userspec', '--groups'], positionalsBefore: 1 },
  { words: ['taskset'], positionalsBefore: 1 },
  { words: ['chrt'], positionalsBefore: 1 },
  { words: ['flock'], valueOptions: ['-w', '--timeout', '-E', '--conflict-exit-code'], positionalsBefore: 1, shellOptions: ['-c', '--command'], shellOptionsAnywhere: true },
  { words: ['strace'], valueOptions: ['-o', '-e', '-p', '-s', '-u', '-a', '-b', '-E', '-O', '-S', '-P', '-I', '-X'] },
  { words: ['ltrace'], valueOptions: ['-o', '-e', '-p', '-s', '-u', '-a', '-n'] },
  { words: ['script'], valueOptions: ['-E', '--echo', '-I', '--log-in', '-O', '--log-out', '-B', '--log-io', '-T', '--log-timing', '-m', '--logging-format'], shellOptions: ['-c', '--command'], shellOptionsAnywhere: true, onlyShellOptions: true },
  { words: ['nodemon'], valueOptions: ['-w', '--watch', '-e', '--ext', '-i', '--ignore', '-d', '--delay', '--signal', '--config'], shellOptions: ['--exec', '-x'], shellOptionsAnywhere: true },
  { words: ['tmux', 'new-session'], valueOptions: ['-s', '-n', '-c', '-t', '-x', '-y', '-e', '-F'], shellOptions: ['*'] },
  { words: ['tmux', 'new'], valueOptions: ['-s', '-n', '-c', '-t', '-x', '-y', '-e', '-F'], shellOptions: ['*'] },
  { words: ['screen'], valueOptions: ['-S', '-dmS', '-c', '-L', '-Logfile', '-p', '-T', '-e', '-h', '-s'] },
  { words: ['parallel'], valueOptions: ['-j', '--jobs', '-a', '--arg-file', '-S', '--sshlogin', '--delay', '--joblog', '--results'], appendsUnknown: true },
  { words: ['entr'], shellOptions: ['-s'] },
  { words: ['watchexec'], valueOptions: ['-e', '--exts', '-w', '--watch', '-i', '--ignore', '-d', '--debounce', '--signal', '-f', '--filter'], shellOptions: ['--shell'] },
  { words: ['trap'], shellOptions: ['*'], noRunOptions: ['-p', '-l', '-'] },
  { words: ['coproc'] },
  { words: ['git', 'rebase'], shellOptions: ['--exec', '-x'], shellOptionsAnywhere: true, onlyShellOptions: true },
  { words: ['git', 'bisect', 'run'] },
  { words: ['git', 'submodule', 'foreach'], shellOptions: ['*'] },
  { words: ['kubectl', 'exec'], valueOptions: ['-c', '--container', '-n', '--namespace', '--context', '-f', '--filename'], positionalsBefore: 1, inContainer: true },
];

/** Container images that are a migration tool: `docker run flyway/flyway migrate` runs flyway. */
const TOOL_IMAGES: ReadonlySet<string> = new Set(['flyway', 'liquibase', 'atlas', 'migrate', 'goose', 'dbmate', 'sqitch']);

function imageTool(image: ShellWord): string | null {
  // The tag may be computed (`flyway/flyway:${VERSION}`); the image name before it is what says which tool runs.
  const name = image.text.replace(/[@:][^/]*$/, '').split('/').pop() ?? '';
  if (name.includes('$')) return null;
  return TOOL_IMAGES.has(name) ? name : null;
}

/** Launchers whose command word is a tool name with a prefix kept for the table (`symfony console` → `console`). */
const KEPT_WORD: Record<string, string> = { 'symfony console': 'console', 'cargo sqlx': 'sqlx' };

/** Options that may sit between `docker`/`docker compose` and their subcommand. */
const DOCKER_GLOBAL_VALUE_OPTIONS = new Set(['-f', '--file', '-p', '--project-name', '--env-file', '--profile', '--project-directory', '-c', '--context', '-H', '--host', '--log-level', '--ansi', '--progress', '--config']);

export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish']);

export function commandName(word: string): string {
  return path.posix.basename(word);
}

function isAssignment(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(text);
}

/** Where the launcher's own words end: `docker compose -f x.yml exec` skips the global options between them. */
function launcherEnd(launcher: Launcher, words: readonly ShellWord[]): number | null {
  let index = 0;
  for (const [n, expected] of launcher.words.entries()) {
    if (n > 0 && launcher.words[0]!.startsWith('docker')) {
      while (index < words.length && words[index]!.text.startsWith('-')) {
        index += DOCKER_GLOBAL_VALUE_OPTIONS.has(words[index]!.text) ? 2 : 1;
      }
    }
    const word = words[index];
    if (!word || !word.resolved) return null;
    if ((n === 0 ? commandName(word.text) : word.text) !== expected) return null;
    index += 1;
  }
  return index;
}

function stripPackageSpec(text: string): string {
  const at = text.indexOf('@', 1);
  return at > 0 ? text.slice(0, at) : text;
}

/** The value of an option at `index`: `--opt value`, `--opt=value` or `-Xvalue`. */
function optionValue(words: readonly ShellWord[], index: number, option: string): ShellWord | undefined {
  const text = words[index]!.text;
  if (text === option) return words[index + 1];
  const inline = text.startsWith(`${option}=`) ? text.slice(option.length + 1) : text.slice(option.length);
  return { text: inline, resolved: words[index]!.resolved };
}

function matchingOption(options: readonly string[] | undefined, text: string): string | undefined {
  return options?.find((option) => text === option || text.startsWith(`${option}=`) || (/^-[A-Za-z]$/.test(option) && text.startsWith(option) && !text.startsWith('--')));
}

function applyLauncher(launcher: Launcher, words: readonly ShellWord[], start: number): Unwrapped {
  const via = launcher.words.join(' ');
  if (launcher.shellOptionsAnywhere) {
    const at = words.findIndex((word, i) => i >= start && launcher.shellOptions?.includes(word.text));
    if (at >= 0) return { kind: 'shell', source: words.slice(at + 1, at + 2), via };
    if (launcher.onlyShellOptions) return { kind: 'none' };
  }
  const env: EnvChange[] = [];
  let directory: LauncherDirectory | undefined;
  let index = start;
  let positionalsLeft = launcher.positionalsBefore ?? 0;
  let image: ShellWord | undefined;
  let containerWorkdir: string | undefined;
  while (index < words.length) {
    const word = words[index]!;
    if (word.text === '--') {
      index += 1;
      break;
    }
    if (launcher.clearOptions?.includes(word.text)) {
      env.push({ kind: 'clear' });
      index += 1;
      continue;
    }
    if (word.text.startsWith('-') && word.text.length > 1) {
      if (launcher.noRunOptions?.includes(word.text)) return { kind: 'none' };
      if (launcher.shellOptions?.includes(word.text)) return { kind: 'shell', source: words.slice(index + 1, index + 2), via };
      const file = matchingOption(launcher.envFileOptions, word.text);
      const assignment = matchingOption(launcher.assignmentOptions, word.text);
      if (file || assignment) {
        const option = (file ?? assignment)!;
        const value = optionValue(words, index, option);
        if (file) env.push({ kind: 'file', path: value?.resolved ? value.text : null, written: `${word.text} ${value?.text ?? ''}`.trim() });
        else if (value && isAssignment(value.text)) {
          const eq = value.text.indexOf('=');
          env.push({ kind: 'set', name: value.text.slice(0, eq), value: value.resolved ? value.text.slice(eq + 1) : null, text: value.text });
        }
        index += word.text === option ? 2 : 1;
        continue;
      }
      const unset = matchingOption(launcher.unsetOptions, word.text);
      const chdir = matchingOption(launcher.chdirOptions, word.text);
      if (unset || chdir) {
        const value = optionValue(words, index, (unset ?? chdir)!);
        // An unset of a name known only at run time could remove anything: say so as an unknown assignment.
        if (unset) env.push(value?.resolved ? { kind: 'unset', name: value.text } : { kind: 'unset', name: '', source: value?.text ?? '' });
        else directory = { value: value?.resolved ? value.text : null, written: `${word.text} ${value?.text ?? ''}`.trim() };
        index += word.text === (unset ?? chdir) ? 2 : 1;
        continue;
      }
      const workdir = matchingOption(launcher.workdirOptions, word.text);
      if (workdir) {
        const value = optionValue(words, index, workdir);
        if (value?.resolved) containerWorkdir = value.text;
        index += word.text === workdir ? 2 : 1;
        continue;
      }
      const [name] = word.text.split('=', 1);
      index += launcher.valueOptions?.includes(word.text) && name === word.text ? 2 : 1;
      continue;
    }
    if (launcher.assignments && isAssignment(word.text)) {
      const eq = word.text.indexOf('=');
      env.push({ kind: 'set', name: word.text.slice(0, eq), value: word.resolved ? word.text.slice(eq + 1) : null, text: word.text });
      index += 1;
      continue;
    }
    if (positionalsLeft > 0) {
      if (launcher.image) image = word;
      positionalsLeft -= 1;
      index += 1;
      continue;
    }
    break;
  }
  const rest = words.slice(index);
  if (launcher.shellOptions?.includes('*')) return { kind: 'shell', source: rest, via };
  const inContainer = launcher.inContainer ? { inContainer: true } : {};
  if (rest.length === 0 && image && imageTool(image)) return { kind: 'command', words: [{ text: imageTool(image)!, resolved: true }], via: `${via} ${image.text}`, ...inContainer };
  if (rest.length === 0) return launcher.appendsUnknown ? { kind: 'unresolvable', reason: `${via} runs a command dbsafe cannot see` } : { kind: 'none' };
  const tool = image ? imageTool(image) : null;
  if (tool) return { kind: 'command', words: [{ text: tool, resolved: true }, ...rest], via: `${via} ${image!.text}`, ...inContainer };
  const kept = KEPT_WORD[via];
  const [first, ...others] = rest;
  const commandWord = launcher.packageSpec && first!.resolved ? { ...first!, text: stripPackageSpec(first!.text) } : first!;
  const alias = first!.resolved ? launcher.commands?.[first!.text] : undefined;
  const command = kept ? [{ text: kept, resolved: true }, ...rest] : alias ? [...alias.map((text) => ({ text, resolved: true })), ...others] : [commandWord, ...others];
  return {
    kind: 'command',
    words: command,
    via,
    trailingUnknown: launcher.appendsUnknown,
    ...(env.length > 0 ? { env } : {}),
    ...(directory ? { directory } : {}),
    ...(containerWorkdir ? { containerWorkdir } : {}),
    ...inContainer,
  };
}

/** Peel a prefix launcher (`env`, `sudo`, `npx`, `docker compose exec svc`, …) off an invocation. Pure. */
export function unwrapLauncher(words: readonly ShellWord[]): Unwrapped {
  const special = findExec(words) ?? gitAlias(words);
  if (special) return special;
  for (const launcher of LAUNCHERS) {
    const end = launcherEnd(launcher, words);
    if (end !== null) return applyLauncher(launcher, words, end);
  }
  return { kind: 'none' };
}

/** The find actions that run a command for each file found. */
export const FIND_EXEC_ACTIONS: readonly string[] = ['-exec', '-execdir', '-ok', '-okdir'];

/** The git option whose `alias.NAME=!cmd` value defines a shell alias for the call. */
export const GIT_CONFIG_OPTION = '-c';

/** `find … -exec CMD {} ;` (and -execdir, -ok, -okdir) runs CMD for each file found. */
function findExec(words: readonly ShellWord[]): Unwrapped | null {
  if (commandName(words[0]!.text) !== 'find') return null;
  const at = words.findIndex((word) => FIND_EXEC_ACTIONS.includes(word.text));
  if (at < 0) return null;
  const end = words.findIndex((word, i) => i > at && (word.text === ';' || word.text === '+'));
  // `{}` stands for each file found under the search root, so a path word in the root counts (`find db/seeds -exec tsx {} ;`).
  const root = words[1] && !words[1].text.startsWith('-') ? words[1].text : '.';
  const command = words.slice(at + 1, end < 0 ? undefined : end).map((word) => (word.text === '{}' ? { text: `${root}/{}`, resolved: word.resolved } : word));
  return { kind: 'command', words: command, via: `find ${words[at]!.text}` };
}

/** `git -c alias.x='!cmd' x`: an alias starting with ! runs a shell command. */
function gitAlias(words: readonly ShellWord[]): Unwrapped | null {
  if (commandName(words[0]!.text) !== 'git') return null;
  for (let i = 1; i + 1 < words.length && words[i]!.text.startsWith('-'); i += 1) {
    const value = words[i]!.text === GIT_CONFIG_OPTION ? words[i + 1]! : null;
    const alias = value && /^alias\.[^=]+=\s*!([\s\S]*)$/.exec(value.text);
    if (alias) return { kind: 'shell', source: [{ text: alias[1]!, resolved: value.resolved }], via: 'git alias' };
  }
  return null;
}

const SHELL_VALUE_OPTIONS = new Set(['--rcfile', '--init-file', '-O', '+O', '-o', '+o']);

/** `bash -c '…'`, `sh -lc '…'`, `bash <<EOF` and `eval …`: the shell source they run, if any. */
export function shellSource(words: readonly ShellWord[], stdinText: string | undefined, stdinFed: boolean): Unwrapped {
  const name = commandName(words[0]!.text);
  if (name === 'eval') return { kind: 'shell', source: words.slice(1), via: 'eval' };
  if (!SHELLS.has(name)) return { kind: 'none' };
  for (let index = 1; index < words.length; index += 1) {
    const text = words[index]!.text;
    if (text === '--') break;
    if (/^-[A-Za-z]*c[A-Za-z]*$/.test(text)) {
      const source = words[index + 1]?.text === '--' ? index + 2 : index + 1;
      return { kind: 'shell', source: words.slice(source, source + 1), via: `${name} -c` };
    }
    if (SHELL_VALUE_OPTIONS.has(text)) index += 1;
    else if (!text.startsWith('-') && !text.startsWith('+')) return { kind: 'command', words: words.slice(index), via: name };
  }
  if (stdinText !== undefined) return { kind: 'shell', source: [{ text: stdinText, resolved: true }], via: `${name} reading a heredoc` };
  if (stdinFed) return { kind: 'unresolvable', reason: `${name} runs commands read from standard input, which dbsafe cannot see` };
  return { kind: 'none' };
}

const PHP_VALUE_OPTIONS = new Set(['-d', '-c', '-z', '-t', '-S']);
const PYTHON_VALUE_OPTIONS = new Set(['-X', '-W', '-Q']);
const RUBY_VALUE_OPTIONS = new Set(['-I', '-r', '-E', '-C', '-x']);
/** Programs that run a JavaScript or TypeScript file the way node does (`tsx scripts/seed.ts`). */
const JS_RUNNERS: ReadonlySet<string> = new Set(['node', 'nodejs', 'tsx', 'ts-node', 'ts-node-dev', 'ts-node-esm', 'babel-node', 'vite-node', 'esno', 'esr', 'jiti', 'sucrase-node', 'swc-node']);
const DENO_OPTIONAL_VALUE_OPTIONS: ReadonlySet<string> = new Set(['--env-file', '--env', '--inspect', '--inspect-brk', '--inspect-wait', '--watch', '--check', '--reload', '--cached-only']);
const NODE_VALUE_OPTIONS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '--conditions', '-C']);

/**
 * Interpreters running a script or module (`php artisan`, `python manage.py`,
 * `python -m pytest`, `ruby bin/rails`, `node node_modules/.bin/jest`): the
 * script's file name becomes the command word.
 */
export function interpreterTarget(words: readonly ShellWord[]): Unwrapped {
  const name = commandName(words[0]!.text);
  const family = /^python(\d+(\.\d+)?)?$|^pypy3?$/.test(name) ? 'python' : name === 'php' ? 'php' : name === 'ruby' ? 'ruby' : JS_RUNNERS.has(name) ? 'node' : null;
  if (!family) {
    if (name !== 'deno' || words[1]?.text !== 'run') return { kind: 'none' };
    // `deno run -A npm:drizzle-kit@0.30 migrate` runs the npm package's CLI.
    // Deno's options with an optional value take it only after `=`: a bare `--env-file` is followed by the script.
    const target = interpreterTarget([{ text: 'node', resolved: true }, ...words.slice(2).filter((word) => !DENO_OPTIONAL_VALUE_OPTIONS.has(word.text))]);
    if (target.kind !== 'command') return target;
    const [script, ...rest] = target.words;
    const npm = script?.resolved ? /^(?:npm|jsr):(@?[^@]+)/.exec(script.text) : null;
    return { ...target, via: 'deno run', words: npm ? [{ text: npm[1]!, resolved: true }, ...rest] : target.words };
  }
  const valueOptions = { python: PYTHON_VALUE_OPTIONS, php: PHP_VALUE_OPTIONS, ruby: RUBY_VALUE_OPTIONS, node: NODE_VALUE_OPTIONS }[family];
  for (let index = 1; index < words.length; index += 1) {
    const text = words[index]!.text;
    if (family === 'python' && text === '-m') return index + 1 < words.length ? { kind: 'command', words: [pythonModuleWord(words[index + 1]!), ...words.slice(index + 2)], via: `${name} -m` } : { kind: 'none' };
    if (family === 'node' && text === '--test') return { kind: 'none' };
    if (['-c', '-e', '-r', '--eval', '-p', '--print'].includes(text) && !valueOptions.has(text)) return { kind: 'none' };
    if (text.startsWith('-')) {
      if (valueOptions.has(text)) index += 1;
      continue;
    }
    const entry = nodeModulesPackage(text);
    const target = entry ? [{ text: entry, resolved: true }, ...words.slice(index + 1)] : words.slice(index);
    return { kind: 'command', words: target, via: name };
  }
  return { kind: 'none' };
}

/**
 * `python -m manage migrate` runs the project's manage.py, `python -m
 * scripts.seeds_load` its scripts/seeds_load.py: a module of the project is
 * its file, whose path words count. A top-level module (`pytest`, `alembic`)
 * is the tool of that name.
 */
function pythonModuleWord(word: ShellWord): ShellWord {
  if (!word.resolved) return word;
  if (word.text === 'manage') return { text: 'manage.py', resolved: true };
  return /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(word.text) ? { text: `${word.text.replaceAll('.', '/')}.py`, resolved: true } : word;
}

/** `node node_modules/prisma/build/index.js migrate deploy` runs the prisma CLI: the package names the tool. */
function nodeModulesPackage(scriptPath: string): string | null {
  const match = /(?:^|\/)node_modules\/(?:@([^/]+)\/)?([^/.][^/]*)\/.+\.[cm]?js$/.exec(scriptPath);
  if (!match) return null;
  const [, scope, name] = match;
  // `@mikro-orm/cli` is the mikro-orm tool; any other scoped package is named by its own name.
  return scope && name === 'cli' ? scope : name!;
}
