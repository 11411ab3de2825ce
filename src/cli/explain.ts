import type { Command } from 'commander';
import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

/** `dbsafe explain [--json] -- CMD…`: would CMD be guarded, by which rule, and why. Exit 0 either way. */
export function register(program: Command): void {
  program
    .command('explain')
    .description('say whether a command would be guarded (checked and backed up first), and by which rule')
    .argument('[command...]', 'one argument: a shell command line; several: the words of a command')
    .option('--json', 'print {"guarded", "rule", "reason", "segments"} as JSON')
    .allowUnknownOption()
    .action(async (words: string[], options: { json?: boolean }) => {
      const [{ classifyCommandLine, loadUserCommandRules }, { RULE_MESSAGES }, { quoteText }, output] = await Promise.all([
        import('../rules/classify-line.js'),
        import('../rules/messages.js'),
        import('../rules/quote.js'),
        import('./output.js'),
      ]);
      const command: string | string[] = words.length === 1 ? words[0]! : words;
      const display = typeof command === 'string' ? command.trim() : command.map(quoteText).join(' ');
      if (display === '') throw new DbsafeError('explain-empty', RULE_MESSAGES.emptyCommand, ExitCode.usage);
      const cwd = process.cwd();
      const result = await classifyCommandLine({ command, cwd, userRules: loadUserCommandRules(cwd) });
      if (options.json) {
        output.printJson({ command: display, ...result });
      } else {
        const lines = [RULE_MESSAGES.summary(display, result)];
        if (result.segments.length > 1) lines.push(...result.segments.map((s) => RULE_MESSAGES.segmentLine(s.text, s.guarded, s.rule)));
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      process.exitCode = ExitCode.ok;
    });
}
