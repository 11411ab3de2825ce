import { printFailure } from '../cli/output.js';
import { databaseName, guardOperation, type GuardRequest } from './guard.js';
import { runCommand } from './child.js';
import { runMessages } from './messages.js';
import type { GuardSteps } from './steps.js';

export interface RunRequest extends Omit<GuardRequest, 'operation'> {
  /** Restore the pre-run backup when the command ends, whatever its result. */
  restoreAfter: boolean;
}

/** `dbsafe run`: guard, run the command, optionally restore. Returns the exit code to leave with. */
export async function guardedRun(request: RunRequest, steps: GuardSteps): Promise<number> {
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
