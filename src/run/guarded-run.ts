import { printFailure } from '../cli/output.js';
import { isDbsafeError } from '../errors.js';
import type { Classification } from '../rules/types.js';
import { ExitCode } from '../exit-codes.js';
import { classifyForGuard } from './command-decision.js';
import { commandExists } from './command-lookup.js';
import type { GuardRequest } from './guard.js';
import { runCommand } from './child.js';
import { SHELL_EXIT } from './exit-status.js';
import { runMessages } from './messages.js';
import type { GuardSteps } from './steps.js';

export interface RunRequest extends Omit<GuardRequest, 'operation'> {
  /** Restore the pre-run backup when the command ends, whatever its result. */
  restoreAfter: boolean;
  /**
   * Guard even when the command rules call the command safe: the person
   * asked for a backup by name (`--label`) or for one to restore (`--restore-after`).
   */
  explicitBackup?: boolean;
}

/**
 * `dbsafe run`: the command rules decide, exactly as `dbsafe explain` does.
 * A command they call safe runs at once, untouched: no check, no backup, no
 * output, no audit line. A guarded one must exist before anything is backed
 * up, then goes through the guard. Returns the exit code to leave with.
 */
export async function runAsRulesDecide(request: RunRequest, loadSteps: () => Promise<GuardSteps>): Promise<number> {
  let classification: Classification | undefined;
  if (!request.explicitBackup) {
    try {
      classification = await classifyForGuard(request.argv, request.cwd);
    } catch (error) {
      if (!isDbsafeError(error)) throw error;
      printFailure(runMessages.configUnusable(error.message));
      return ExitCode.refused;
    }
    if (!classification.guarded) {
      const outcome = await runCommand(request.argv, { cwd: request.cwd, env: request.env });
      if (outcome.startError) printFailure(outcome.startError);
      return outcome.exitCode;
    }
  }
  const program = request.argv[0]!;
  if (!commandExists(program, request.env.PATH, request.cwd)) {
    printFailure(runMessages.commandNotFound(program));
    return SHELL_EXIT.notFound;
  }
  // The guard judges the databases of this same classification: the line is not classified twice.
  return guardedRun({ ...request, ...(classification ? { classification } : {}) }, await loadSteps());
}

/** Guard, run the command, optionally restore. Returns the exit code to leave with. */
export async function guardedRun(request: RunRequest, steps: GuardSteps): Promise<number> {
  // Loaded here: a command the rules call safe never needs the guard's modules.
  const { databaseName, guardOperation } = await import('./guard.js');
  const prepared = await guardOperation({ ...request, operation: 'run' }, steps);
  if (prepared.kind === 'stopped') return prepared.exitCode;
  const outcome = await runCommand(request.argv, { cwd: request.cwd, env: prepared.childEnv });
  if (outcome.startError) printFailure(outcome.startError);
  let exitCode = outcome.exitCode;
  for (const { context, target, backup } of request.restoreAfter ? prepared.guarded : []) {
    if (!backup) continue;
    const restoreStarted = Date.now();
    const name = databaseName(target);
    try {
      await steps.restore(context, target, backup);
      process.stderr.write(`dbsafe: ${runMessages.restored(name, backup, Date.now() - restoreStarted)}\n`);
    } catch (error) {
      printFailure(runMessages.restoreFailed(name, backup, (error as Error).message));
      exitCode = 1;
    }
  }
  prepared.finish({ exitCode });
  return exitCode;
}
