#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { Command, CommanderError } from 'commander';
import { isDbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { printFailure } from './output.js';

/**
 * One file per command under src/cli, named after the command, each exporting `register(program)`.
 * Command files keep heavy modules (drivers, parsers, prompts) behind dynamic
 * imports inside their actions, so start-up only pays for what runs.
 * Actions report their outcome through `process.exitCode` (never
 * process.exit, which can cut off buffered output) or by throwing DbsafeError.
 */
const COMMAND_MODULES: readonly string[] = ['check', 'mark', 'backup', 'list', 'restore', 'verify', 'install', 'uninstall', 'shell-init', 'hook', 'status', 'agent-hook', 'explain', 'run', 'guard', 'audit', 'allow'];

// Node 22.1+ caches compiled code on disk; command modules load after this line
// (dynamic imports), so they benefit. Node 20 has no such cache: a no-op there.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('dbsafe')
    .description('A safety net for development databases: refuses production, backs up, then runs your command.')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  // Each module is named after the command it registers: a known command word
  // loads only its own module; help, typos and bare `dbsafe` load them all.
  const requested = argv[2];
  const names = requested !== undefined && COMMAND_MODULES.includes(requested) ? [requested] : COMMAND_MODULES;
  const modules = await Promise.all(names.map((name) => import(`./${name}.js`) as Promise<{ register(program: Command): void }>));
  for (const module of modules) module.register(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const informational = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      process.exitCode = informational ? ExitCode.ok : ExitCode.usage;
      return;
    }
    if (isDbsafeError(error)) {
      printFailure(error.message);
      process.exitCode = error.exitCode;
      return;
    }
    throw error;
  }
}

main(process.argv).catch((error: unknown) => {
  printFailure(
    `unexpected internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nPlease report this; the step that failed changed nothing further.`,
  );
  process.exitCode = ExitCode.failure;
});
