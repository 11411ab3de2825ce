import type { Command } from 'commander';
import { registerSpec, type CommandSpec } from '../command-spec.js';
import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';

/** `dbsafe explain [--json] -- CMD…`: would CMD be guarded, by which rule, and why. Exit 0 either way. */
export const spec: CommandSpec<{ json?: boolean; batch?: boolean }> = {
  name: 'explain',
  description: 'say whether a command would be guarded (checked and backed up first), and by which rule',
  words: { name: 'command', description: 'one argument: a shell command line; several: the words of a command' },
  options: [
    { name: 'json', description: 'print {"guarded", "rule", "reason", "segments"} as JSON' },
    // One JSON command (a string, or an argv array) per stdin line, one JSON answer per stdout line:
    // for the shell integration's tests and for checking many commands without a Node start each.
    { name: 'batch', description: 'read one JSON command per line from stdin', hidden: true },
  ],
  allowUnknownOption: true,
  async action(words, options) {
    const [{ classifyCommandLine, loadUserCommandRules, packageScriptsReader }, { RULE_MESSAGES }, { quoteText }, output] = await Promise.all([
      import('../../rules/classify-line.js'),
      import('../../rules/messages.js'),
      import('../../rules/quote.js'),
      import('../output.js'),
    ]);
    const cwd = process.cwd();
    const userRules = loadUserCommandRules(cwd);
    const readScripts = packageScriptsReader();
    const display = (command: string | string[]) => (typeof command === 'string' ? command.trim() : command.map(quoteText).join(' '));

    if (options.batch) {
      const { readAllStdin } = await import('../stdin.js');
      for (const line of (await readAllStdin()).split('\n')) {
        if (line.trim() === '') continue;
        let command: string | string[];
        try {
          command = JSON.parse(line) as string | string[];
        } catch {
          throw new DbsafeError('explain-batch-input', RULE_MESSAGES.batchLineNotJson(line), ExitCode.usage);
        }
        const { effects: _effects, ...result } = await classifyCommandLine({ command, cwd, userRules, readScripts });
        output.writeStdout(`${JSON.stringify({ command: display(command), ...result })}\n`);
      }
      process.exitCode = ExitCode.ok;
      return;
    }
    const command: string | string[] = words.length === 1 ? words[0]! : words;
    if (display(command) === '') throw new DbsafeError('explain-empty', RULE_MESSAGES.emptyCommand, ExitCode.usage);
    const { effects, ...result } = await classifyCommandLine({ command, cwd, userRules, readScripts });
    if (options.json) {
      // The databases the command would be judged on: the project's of each directory it runs in, and each client's.
      const { distinctEffects, judgeUnitFor, namedTargets } = await import('../../run/command-targets.js');
      const targets = namedTargets(distinctEffects(effects, cwd).map((effect) => judgeUnitFor(effect, { cwd, env: process.env })));
      output.printJson({ command: display(command), ...result, targets });
    } else {
      const lines = [RULE_MESSAGES.summary(display(command), result)];
      if (result.segments.length > 1) lines.push(...result.segments.map((s) => RULE_MESSAGES.segmentLine(s.text, s.guarded, s.rule)));
      output.writeStdout(`${lines.join('\n')}\n`);
    }
    process.exitCode = ExitCode.ok;
  },
};

export function register(program: Command): void {
  registerSpec(program, spec);
}
