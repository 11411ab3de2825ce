import type { Command } from 'commander';
import { registerSpec, type CommandSpec } from '../command-spec.js';

export const spec: CommandSpec<{ json?: boolean; offline?: boolean; url?: string; for?: string }> = {
  name: 'check',
  description: 'show which databases the project names (or a command will use: check -- CMD) and judge them: exit 0 safe, 3 refused, 2 unusable configuration',
  words: { name: 'command', description: 'a command (one argument: a shell line; several: its words): judge the databases it will use' },
  options: [
    { name: 'json', description: 'print the verdict as JSON (see README, "check --json")' },
    { name: 'offline', description: 'judge the configuration only, without connecting (no marker, standby or read-only check)' },
    { name: 'url', value: 'url', description: 'judge this database URL first, before the environment' },
    { name: 'for', value: 'command', description: 'judge the databases this shell command line will use (same as check -- CMD)' },
  ],
  async action(words, options) {
    const command = options.for ?? (words.length === 0 ? undefined : words.length === 1 ? words[0]! : words);
    if (command !== undefined) {
      // Judging a command needs the classifier: it is bundled apart (package.json "bundle"), so a plain `check` never parses it.
      const file = import.meta.url.endsWith('.cjs') ? './check-command.js' : '../check-command.js';
      const { checkCommand } = (await import(file)) as typeof import('../check-command.js');
      await checkCommand(command, options);
      return;
    }
    const { assessDirectory } = await import('../../safety/assess.js');
    const assessment = await assessDirectory({ cwd: process.cwd(), env: process.env, flagUrl: options.url, offline: options.offline });
    if (options.json) {
      const { buildCheckReport } = await import('../../safety/report.js');
      const { printJson } = await import('../output.js');
      printJson(buildCheckReport(assessment));
    } else {
      const { renderCheck } = await import('../../safety/render.js');
      const { out, writeStdout } = await import('../output.js');
      writeStdout(renderCheck(assessment, out));
    }
    process.exitCode = assessment.verdict.exitCode;
  },
};

export function register(program: Command): void {
  registerSpec(program, spec);
}
