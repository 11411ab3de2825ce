import { Option, type Command } from 'commander';
import { DbsafeError, isDbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';

interface GuardOptions {
  label?: string;
  url?: string;
  agent?: string;
  mode?: string;
}

export function register(program: Command): void {
  program
    .command('guard')
    .description('check the database and back it up without running anything (for npm pretest scripts and git hooks); exit 0, 3 or 4')
    .option('--label <label>', 'label for the backup')
    .option('--url <url>', 'the database to guard, instead of DATABASE_URL and friends')
    .option('--mode <mode>', 'snapshot, dump or auto (default: the "mode" setting, else auto: a snapshot where the server allows, else a file backup)')
    // The agent hook's own call: the agent's command line arrives on stdin, never as an argument (it may hold a password).
    .addOption(new Option('--agent <agent>', 'guard for this agent’s hook; the command line is read from stdin').hideHelp())
    .action(async (options: GuardOptions) => {
      const [{ guardOperation }, { runMessages }, { printFailure }] = await Promise.all([import('../../run/guard.js'), import('../../run/messages.js'), import('../output.js')]);
      const cwd = process.cwd();
      const env = process.env;
      let commandLine: string | string[] | undefined;
      let agentLine: string | undefined;
      let caller: string | undefined;
      if (options.agent !== undefined) {
        const { AGENT_LABELS, AGENT_NAMES, isAgentName } = await import('../../integrations/names.js');
        if (!isAgentName(options.agent)) throw new DbsafeError('usage', runMessages.unknownAgent(options.agent, AGENT_NAMES), ExitCode.usage);
        const { isatty } = await import('node:tty');
        if (isatty(0)) throw new DbsafeError('usage', runMessages.agentLineOnStdin(), ExitCode.usage);
        agentLine = (await (await import('../stdin.js')).readAllStdin()).trim();
        commandLine = agentLine;
        caller = `agent ${AGENT_LABELS[options.agent]}`;
      } else {
        // From a package.json script (`"pretest": "dbsafe guard"`): the script it protects decides, as `dbsafe explain` would.
        const { lifecycleDecision } = await import('../../run/command-decision.js');
        let decision: string[] | 'safe' | null;
        try {
          decision = await lifecycleDecision(env, cwd);
        } catch (error) {
          if (!isDbsafeError(error)) throw error;
          printFailure(runMessages.configUnusable(error.message));
          process.exitCode = ExitCode.refused;
          return;
        }
        if (decision === 'safe') return;
        commandLine = decision ?? undefined;
      }
      const [{ realGuardSteps }, { parseCopyMode }, { snapshotMessages }] = await Promise.all([
        import('../../run/real-steps.js'),
        import('../../store/copy-mode.js'),
        import('../../store/snapshot-messages.js'),
      ]);
      const mode = parseCopyMode(options.mode, snapshotMessages.invalidMode);
      const argv = ['dbsafe', 'guard', ...(options.label ? ['--label', options.label] : [])];
      const result = await guardOperation(
        // The hook sees each agent command first: it always backs up, and never takes a record an earlier command left.
        { operation: 'guard', argv, commandLine, caller, cwd, env, flagUrl: options.url, label: options.label, ...(mode ? { mode } : {}), backup: options.agent !== undefined ? 'always' : 'unless-nested' },
        realGuardSteps,
      );
      if (result.kind === 'stopped') {
        process.exitCode = result.exitCode;
        return;
      }
      if (agentLine !== undefined && result.backup) {
        const [{ recordAgentHookGuard }, { targetFingerprint }] = await Promise.all([import('../../run/nesting.js'), import('../../run/fingerprint.js')]);
        recordAgentHookGuard(env, targetFingerprint(result.target), result.backup.id, agentLine);
      }
      result.finish({ exitCode: 0 });
    });
}
