import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { ExitCode } from '../../exit-codes.js';
import { cliEntry } from '../../package-root.js';


function runSelf(args: string[], cwd: string): number {
  return spawnSync(process.execPath, [cliEntry(), ...args], { cwd, stdio: ['ignore', 'inherit', 'inherit'] }).status ?? ExitCode.failure;
}

async function disabled(hook: string): Promise<boolean> {
  const { hookSwitchedOff } = await import('../../integrations/escape-hatch.js');
  if (!hookSwitchedOff(hook, process.cwd(), process.env)) return false;
  process.stderr.write(`dbsafe: ${hook} hook skipped because DBSAFE=0.\n`);
  return true;
}

export function register(program: Command): void {
  const hook = program.command('hook').description('run by the git hooks dbsafe installs (not meant to be typed)');

  hook
    .command('pre-commit')
    .description('check the staged files with lint-staged')
    .action(async () => {
      if (await disabled('pre-commit')) return;
      const { runLintStaged } = await import('../../integrations/pre-commit.js');
      process.exitCode = (await runLintStaged(process.cwd())) ? ExitCode.ok : ExitCode.failure;
    });

  hook
    .command('check-staged')
    .description('refuse backups, dumps and .env files naming non-local or production databases')
    .argument('[files...]')
    .action(async (files: string[]) => {
      const { checkStagedFiles } = await import('../../integrations/pre-commit.js');
      const { judgeStagedEnvFile } = await import('../../integrations/env-file-judge.js');
      const { printFailure } = await import('../output.js');
      const { hookMessages } = await import('../../integrations/messages.js');
      const outcome = await checkStagedFiles(process.cwd(), files, judgeStagedEnvFile);
      if (outcome.problems.length > 0) {
        printFailure(hookMessages.stagedRefused(outcome.problems));
        process.exitCode = ExitCode.failure;
        return;
      }
      if (outcome.migrationsStaged) {
        const code = runSelf(['check', '--offline'], process.cwd());
        if (code !== 0) {
          printFailure(hookMessages.migrationCheckFailed);
          process.exitCode = code;
        }
      }
    });

  hook
    .command('pre-push')
    .description("run the project's test command through dbsafe run")
    .action(async () => {
      if (await disabled('pre-push')) return;
      const { findProject } = await import('../../config/project.js');
      const { loadConfig } = await import('../../config/load.js');
      const { readJsonObject } = await import('../../integrations/json-file.js');
      const { prePushCommand } = await import('../../integrations/pre-push.js');
      const path = await import('node:path');
      const project = findProject(process.cwd());
      const config = loadConfig(project.root).config;
      const scripts = readJsonObject(path.join(project.root, 'package.json'))?.scripts;
      const command = prePushCommand(project.root, config.prePush, scripts && typeof scripts === 'object' ? (scripts as Record<string, unknown>) : null);
      if (!command) return;
      process.exitCode = runSelf(['run', '--', ...command], project.root);
    });
}
