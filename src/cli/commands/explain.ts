import path from 'node:path';
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
    { name: 'json', description: 'print {"guarded", "rule", "reason", "segments", "target", "verdict"} as JSON' },
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
      const rulesByDirectory = new Map([[cwd, userRules]]);
      for (const line of (await readAllStdin()).split('\n')) {
        if (line.trim() === '') continue;
        const { command, cwd: lineCwd } = parseBatchLine(line, RULE_MESSAGES.batchLineNotJson);
        const directory = lineCwd === undefined ? cwd : path.resolve(cwd, lineCwd);
        if (!rulesByDirectory.has(directory)) rulesByDirectory.set(directory, loadUserCommandRules(directory));
        const { effects: _effects, ...result } = await classifyCommandLine({ command, cwd: directory, userRules: rulesByDirectory.get(directory), readScripts });
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
      const [{ distinctEffects, judgeUnitFor, namedTargets }, { commandTargets, offlineCommandVerdict }] = await Promise.all([import('../../run/command-targets.js'), import('../../run/command-verdict.js')]);
      const units = await Promise.all(distinctEffects(effects, cwd).map((effect) => judgeUnitFor(effect, { cwd, env: process.env })));
      // `target`: the databases the command will use, with where each value came from; `verdict`: check's rules, offline.
      const { verdict, reasons, notices } = await offlineCommandVerdict(units);
      output.printJson(redactDeep({ command: display(command), ...result, targets: namedTargets(units), target: commandTargets(units), verdict, verdictReasons: reasons, notices }));
    } else {
      const lines = [RULE_MESSAGES.summary(display(command), result)];
      if (result.segments.length > 1) lines.push(...result.segments.map((s) => RULE_MESSAGES.segmentLine(s.text, s.guarded, s.rule)));
      output.writeStdout(`${printable(lines.join('\n'), { lineBreaks: true })}\n`);
    }
    process.exitCode = ExitCode.ok;
  },
};

/** One --batch line: a command line (string), an argv (array), or {"command", "cwd"} to judge it in another directory. */
function parseBatchLine(line: string, notACommand: (line: string) => string): { command: string | string[]; cwd?: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    value = undefined;
  }
  const isCommand = (v: unknown): v is string | string[] => typeof v === 'string' || (Array.isArray(v) && v.every((w) => typeof w === 'string'));
  if (isCommand(value)) return { command: value };
  if (value && typeof value === 'object') {
    const { command, cwd } = value as { command?: unknown; cwd?: unknown };
    if (isCommand(command) && (cwd === undefined || typeof cwd === 'string')) return { command, cwd };
  }
  throw new DbsafeError('explain-batch-input', notACommand(line), ExitCode.usage);
}

export function register(program: Command): void {
  registerSpec(program, spec);
}
