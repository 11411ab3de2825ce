import { interruptedError, stopAllTools, toolsStoppedBy } from '../engines/tools.js';

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Run `work` (a backup, restore or verify) so that Ctrl-C stops it cleanly:
 * the first signal stops the running client tool, and the work fails through
 * its own clean-up (partial file removed, lock released, scratch database
 * dropped). A second signal quits at once. Without this, Node dies on the
 * first SIGINT and leaves that clean-up to the next run.
 */
export async function stopCleanlyOnSignal<T>(work: () => Promise<T>): Promise<T> {
  let received = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    received += 1;
    if (received > 1) process.exit(interruptedError(signal).exitCode);
    process.stderr.write(`\ndbsafe: ${signal} received: stopping and cleaning up (send it again to quit at once)\n`);
    stopAllTools(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    return await work();
  } catch (error) {
    // A tool that got Ctrl-C from the terminal may exit before our handler runs: report the interrupt, not its failure.
    const signal = toolsStoppedBy();
    throw signal ? interruptedError(signal) : error;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}
