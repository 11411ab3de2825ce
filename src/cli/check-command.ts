import { printable } from '../printable.js';
import { checkCommandMessages as say } from './check-command-messages.js';

/**
 * `dbsafe check -- CMD` / `check --for CMD`: the databases CMD will use (the
 * project of each directory it runs in, read the way its framework reads it
 * for this command), each judged as `check` judges a project.
 */
export async function checkCommand(command: string | string[], options: { json?: boolean; offline?: boolean; url?: string }): Promise<void> {
  const [{ classifyCommandLine, loadUserCommandRules }, { gatherJudgeUnits }, { assessProject }, { renderCheck }, { buildCheckReport }, output, { redactDeep }] = await Promise.all([
    import('../rules/classify-line.js'),
    import('../run/command-targets.js'),
    import('../safety/assess.js'),
    import('../safety/render.js'),
    import('../safety/report.js'),
    import('./output.js'),
    import('../redact.js'),
  ]);
  const cwd = process.cwd();
  const classification = await classifyCommandLine({ command, cwd, userRules: loadUserCommandRules(cwd) });
  const units = await gatherJudgeUnits({ operation: 'run', argv: Array.isArray(command) ? command : [command], commandLine: command, cwd, env: process.env, flagUrl: options.url, classification });
  const text = Array.isArray(command) ? command.join(' ') : command;
  let exitCode = 0;
  const reports: unknown[] = [];
  const lines: string[] = [printable(say.header(text, classification.guarded, classification.reason), { lineBreaks: true })];
  for (const unit of units) {
    if (unit.kind === 'unknown') {
      exitCode = Math.max(exitCode, 2);
      reports.push({ namedBy: unit.label, unknown: unit.reason });
      lines.push('', printable(say.unknown(unit.label, unit.reason), { lineBreaks: true }));
      continue;
    }
    const assessment = await assessProject(unit.context, { offline: options.offline });
    exitCode = Math.max(exitCode, assessment.verdict.exitCode);
    reports.push({ namedBy: unit.label, ...buildCheckReport(assessment), notices: unit.context.targets.notices ?? [] });
    if (units.length > 1) lines.push('', printable(say.unitHeader(unit.label)));
    lines.push(renderCheck(assessment, output.out).trimEnd());
  }
  if (options.json) output.printJson(redactDeep({ command: text, guarded: classification.guarded, rule: classification.rule, reason: classification.reason, exitCode, units: reports }));
  else output.writeStdout(`${lines.join('\n')}\n`);
  process.exitCode = exitCode;
}
