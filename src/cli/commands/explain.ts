import type { Command } from 'commander';
import { registerSpec, type CommandSpec } from '../command-spec.js';
import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { printable } from '../../printable.js';

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
    const [{ classifyCommandLine: classifyRaw, loadUserCommandRules, packageScriptsReader }, { RULE_MESSAGES }, { quoteText }, output, { redactDeep }] = await Promise.all([
      import('../../rules/classify-line.js'),
      import('../../rules/messages.js'),
      import('../../rules/quote.js'),
      import('../output.js'),
      import('../../redact.js'),
    ]);
    // Everything explain prints (the command, its segments, the reasons) with passwords masked.
    const classifyCommandLine = async (input: Parameters<typeof classifyRaw>[0]) => redactDeep(await classifyRaw(input));
    const cwd = process.cwd();
    const userRules = loadUserCommandRules(cwd);
    const readScripts = packageScriptsReader();
    const display = (command: string | string[]) => redactDeep({ command: typeof command === 'string' ? command.trim() : command.map(quoteText).join(' ') }).command;

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
        const result = await classifyCommandLine({ command, cwd, userRules, readScripts });
        output.writeStdout(`${JSON.stringify({ command: display(command), ...result })}\n`);
      }
      process.exitCode = ExitCode.ok;
      return;
    }
    const command: string | string[] = words.length === 1 ? words[0]! : words;
    if (display(command) === '') throw new DbsafeError('explain-empty', RULE_MESSAGES.emptyCommand, ExitCode.usage);
    const result = await classifyCommandLine({ command, cwd, userRules, readScripts });
    if (options.json) {
      output.printJson({ command: display(command), ...result });
    } else {
      const lines = [RULE_MESSAGES.summary(display(command), result)];
      if (result.segments.length > 1) lines.push(...result.segments.map((s) => RULE_MESSAGES.segmentLine(s.text, s.guarded, s.rule)));
      output.writeStdout(`${printable(lines.join('\n'), { lineBreaks: true })}\n`);
    }
    process.exitCode = ExitCode.ok;
  },
};

export function register(program: Command): void {
  registerSpec(program, spec);
}
