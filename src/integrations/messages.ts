import { redactCommandLine, redactMessage } from '../redact.js';
import { AGENT_NAMES, SHELL_NAMES } from './names.js';
import type { IntegrationStatus } from './status.js';

const MANAGER_LABELS: Record<string, string> = {
  lefthook: 'lefthook (lefthook.yml)',
  'simple-git-hooks': 'simple-git-hooks (package.json "simple-git-hooks")',
  'pre-commit': 'pre-commit (.pre-commit-config.yaml)',
  'hooks-path': 'a custom core.hooksPath',
};

/** Every message the installer and the integrations show; each says the cause and the fix. */
export const integrationMessages = {
  shellNotInstalled: (shell: string) =>
    `${shell} is not installed (not found on PATH): its start-up file was set up anyway and takes effect once ${shell} is installed. If you meant another shell, run dbsafe uninstall --shell=${shell} and install --shell=<your shell>.`,
  afterUninstall:
    'Open a new terminal: shells that are already open still hold dbsafe\'s shell functions and remember the removed shims\' paths ("No such file or directory"). In a shell you keep open, run `hash -r` to forget the shim paths.',
  agentHookMissing: (file: string, projectDir: string) =>
    `dbsafe blocked this command: its agent hook cannot start (${file} is missing, and npx finds no dbsafe here), so it cannot tell whether the command touches a database. Ask your human to run \`npm install\` in ${projectDir} (or \`dbsafe install --agent\` again), or to remove the hook with \`dbsafe uninstall --agent\`.`,
  unknownShell: (shell: string) => `"${shell}" is not a shell dbsafe integrates with. Use one of: ${SHELL_NAMES.join(', ')} (e.g. dbsafe shell-init bash).`,
  unknownAgent: (agent: string) => `"${agent}" is not an AI agent dbsafe has hooks for. Use one of: ${AGENT_NAMES.join(', ')} (e.g. --agent=claude,cursor).`,
  noPiecesChosen: `dbsafe install needs to know what to install when it cannot ask (no terminal). Name the pieces, e.g.\n  dbsafe install --hooks --shell --agent=claude\nor accept the defaults with --yes. Pieces: --hooks --shell[=bash,zsh,fish] --shims --npm --agent[=claude,codex,cursor,gemini].`,
  shimsNotOnPath: (dir: string) =>
    `The shims in ${dir} act only where that directory comes first on PATH. New login shells get it from ~/.profile and ~/.zshenv; for \`bash -c\` set BASH_ENV=~/.profile, and with direnv add \`PATH_add ${dir}\` to .envrc. Open a new terminal to pick it up.`,
  shellReload: (shells: string[]) => `Open a new terminal (or run: ${shells.map((s) => (s === 'fish' ? 'exec fish' : `source ~/.${s}rc`)).join('; ')}) so the shell functions take effect.`,
};

export const hookMessages = {
  stagedRefused: (problems: readonly { file: string; reason: string }[]) => {
    const one = new Set(problems.map((p) => p.file)).size === 1;
    return `commit refused: ${one ? 'this staged file does' : 'these staged files do'} not belong in git:\n${problems
      .map((p) => `  ${p.file}: ${p.reason}`)
      .join('\n')}\nUnstage ${one ? 'it' : 'them'} (git restore --staged <file>) and add the pattern to .gitignore; move real secrets out of committed files.`;
  },
  migrationCheckFailed:
    'commit refused: migrations are staged and `dbsafe check --offline` did not pass (reasons above). Point the project at a development database, or commit with DBSAFE=0 if you are sure.',
  gitMissing: 'git was not found on PATH, so dbsafe cannot set up git hooks. Install git, then run dbsafe install --hooks again.',
  notARepository: (dir: string) => `git hooks: ${dir} is not inside a git repository, so no hooks were installed. Run git init (or cd into your repository), then dbsafe install --hooks.`,
  huskyFailed: (output: string) => `git hooks: husky could not set up the hooks (${output}). Fix that, then run dbsafe install --hooks again.`,
  otherManager: (manager: string, hooksPath: string | null, hooks: Record<string, string>) =>
    `git hooks: this repository uses ${MANAGER_LABELS[manager] ?? manager}${manager === 'hooks-path' && hooksPath ? ` (${hooksPath})` : ''}; dbsafe left it untouched. Add these lines to its hooks yourself:\n${Object.entries(
      hooks,
    )
      .map(([hook, body]) => `  ${hook}: ${body.split('\n').pop() ?? ''}`)
      .join('\n')}`,
};

export const agentHookMessages = {
  unreadableInput: (problem: string) =>
    `dbsafe blocked this command because ${problem}, so it cannot tell whether the command touches a database. Check that the hook is registered for the right agent (dbsafe agent-hook --format claude|codex|cursor|gemini).`,
  internalError: (command: string, error: unknown) =>
    `dbsafe blocked \`${redactCommandLine(command)}\` because its safety check failed (${error instanceof Error ? error.message : String(error)}). Database commands are blocked whenever dbsafe cannot check them. Ask your human to run \`dbsafe check\` and fix the problem.`,
  refused: (command: string, reason: string) =>
    `dbsafe blocked \`${redactCommandLine(command)}\`:\n${redactMessage(reason.trim())}\nDo not retry with flags or variables that bypass the check; ask your human to review the database settings.`,
  timedOut: (seconds: number) =>
    `the check and backup did not finish within ${seconds} s, the most an agent hook may take. Ask your human to run \`dbsafe backup\` first, or to run the command as \`dbsafe run -- <command>\`.`,
};

export const statusMessages = {
  disabledByEnvironment: 'DBSAFE=0 is set: the shell functions, shims and git hooks stand aside in this environment.',
};

/** Shims that never run because a directory earlier on PATH has the same command. */
export function shimsShadowed(shadowed: ReadonlyArray<{ command: string; file: string }>): string {
  const list = shadowed.map((s) => `${s.command} (${s.file})`).join(', ');
  return `NOT first on this PATH for ${list}: those run instead of the shims. Open a new terminal (the login files put the shims first again after path_helper and brew shellenv), or move the shim directory to the front of PATH where you set PATH last.`;
}

/** One line per integration, as `dbsafe status` and `dbsafe doctor` print them. */
export function integrationStatusLines(status: IntegrationStatus): string[] {
  const yes = (flag: boolean) => (flag ? 'yes' : 'no');
  return [
    `git hooks:     ${gitHooksLine(status.gitHooks)}`,
    ...status.shells.map((s) => `${`${s.shell} shell:`.padEnd(15)}${s.installed ? `installed (${s.file})` : 'not installed'}`),
    `shims:         ${
      status.shims.installed === 0
        ? 'not installed'
        : `${status.shims.installed} in ${status.shims.dir}; on this PATH: ${yes(status.shims.onPath)}; in ~/.profile / ~/.zshenv / ~/.zprofile: ${yes(status.shims.activated)}`
    }`,
    ...(status.shims.shadowed.length > 0 ? [`               ${shimsShadowed(status.shims.shadowed)}`] : []),
    `npm lifecycle: ${status.npmLifecycle.length === 0 ? 'not installed' : status.npmLifecycle.join(', ')}`,
    ...status.agents.map((a) => `${`${a.agent} hook:`.padEnd(15)}${a.installed ? 'installed' : 'not installed'}`),
    `scheduled:     ${scheduleLine(status.schedule)}`,
  ];
}

function gitHooksLine(hooks: IntegrationStatus['gitHooks']): string {
  if (!hooks.gitInstalled) return 'unknown: git is not installed (install git to use the git hooks)';
  if (!hooks.repository) return 'not a git repository';
  if (hooks.installed.length === 0) return `not installed${hooks.manager !== 'none' && hooks.manager !== 'husky' ? ` (hook manager: ${hooks.manager})` : ''}`;
  return `${hooks.installed.join(', ')} in .husky; ${hooks.active ? 'active' : `INACTIVE: core.hooksPath is ${hooks.hooksPath ?? 'unset'} (run dbsafe install --hooks)`}`;
}

function scheduleLine(schedule: IntegrationStatus['schedule']): string {
  if (!schedule.available) return `unknown: ${schedule.reason}`;
  if (!schedule.scheduled) return 'no (dbsafe schedule --every 6h sets it up)';
  const daemon = schedule.cronDaemonRunning === false ? '; NO cron daemon running' : '';
  return `every ${schedule.every} (${schedule.cron ?? 'unreadable'})${schedule.nextRun ? `, next ${schedule.nextRun}` : ''}${daemon}`;
}
