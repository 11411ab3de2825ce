#!/usr/bin/env node
import nodeModule, { createRequire } from 'node:module';
import type { Command } from 'commander';
import { isDbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { dbsafeVersion } from '../package-root.js';
import { requireWithCodeCache } from './code-cache.js';
import { parseQuickly, type CommandSpec } from './command-spec.js';
import { printFailure } from './output.js';

/**
 * One file per command under src/cli/commands, each exporting `register(program)`
 * and, for the commands integrations call on every command line, a `spec`
 * that runs without commander. Actions report their outcome through
 * `process.exitCode` (never process.exit, which can cut off buffered output)
 * or by throwing DbsafeError.
 */
interface CommandModule {
  register(program: Command): void;
  spec?: CommandSpec<unknown>;
}

const COMMAND_NAMES: readonly string[] = ['check', 'mark', 'backup', 'list', 'forget', 'prune', 'restore', 'undo', 'snapshot', 'verify', 'install', 'uninstall', 'shell-init', 'hook', 'status', 'agent-hook', 'explain', 'run', 'guard', 'audit', 'allow', 'schedule', 'health', 'doctor', 'offsite'];

// The CLI ships as this dispatcher plus one CommonJS bundle per command
// (package.json "bundle"): start-up is mostly V8 parsing code, so a command
// parses only its own. This file therefore runs only as dist/dbsafe.cjs.
const requireBeside = createRequire(import.meta.url);

const hasCompileCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';

function loadCommand(name: string): CommandModule {
  const file = requireBeside.resolve(`./commands/${name}.cjs`);
  // Node 22+ caches compiled code itself (enableCompileCache, below); Node 20 uses V8's code cache.
  return (hasCompileCache ? requireBeside(file) : requireWithCodeCache(file)) as CommandModule;
}

async function runWithCommander(argv: string[], modules: CommandModule[]): Promise<void> {
  const { Command, CommanderError } = requireBeside('commander') as typeof import('commander');
  const program = new Command('dbsafe')
    .description('A safety net for development databases: refuses production, backs up, then runs your command.')
    .version(dbsafeVersion(), '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  for (const module of modules) module.register(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    const informational = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
    process.exitCode = informational ? ExitCode.ok : ExitCode.usage;
  }
}

async function main(argv: string[]): Promise<void> {
  // Node 22.1+ caches compiled code on disk, for the command bundles required
  // after this line. Node 20 has no such cache: a no-op there.
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  const name = argv[2];
  // A known command word loads only its own bundle; help, typos and bare `dbsafe` load them all.
  const modules = name !== undefined && COMMAND_NAMES.includes(name) ? [loadCommand(name)] : COMMAND_NAMES.map(loadCommand);
  const spec = modules.length === 1 ? modules[0]!.spec : undefined;
  const parsed = spec ? parseQuickly(spec, argv.slice(3)) : null;
  try {
    if (spec && parsed) await spec.action(parsed.words, parsed.options);
    else await runWithCommander(argv, modules);
  } catch (error) {
    if (!isDbsafeError(error)) throw error;
    printFailure(error.message);
    process.exitCode = error.exitCode;
  }
}

main(process.argv).catch((error: unknown) => {
  printFailure(
    `unexpected internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nPlease report this; the step that failed changed nothing further.`,
  );
  process.exitCode = ExitCode.failure;
});
