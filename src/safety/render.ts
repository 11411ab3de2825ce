import type { Colors } from '../cli/output.js';
import { printable } from '../printable.js';
import { ENGINE_LABELS, type Target, type TargetField } from '../target/types.js';
import { describeTarget } from '../target/describe.js';
import { DEFAULT_PORTS } from '../target/url.js';
import type { Assessment } from './assess.js';
import { buildCheckReport, maskedPassword, sourceOf } from './report.js';
import { RULES } from './rules.js';
import type { RuleOutcome, Verdict } from './types.js';

const VERDICT_LINES = {
  safe: 'SAFE: every database named is a development database.',
  refused: 'REFUSED: dbsafe will not run or back up anything against this configuration.',
  error: 'ERROR: dbsafe cannot judge this configuration; nothing will run until it is fixed.',
} as const;

function fieldRows(target: Target, projectRoot: string): Array<[string, string, string]> {
  const source = (field: TargetField) => sourceOf(target.fields[field] ?? (field === 'engine' ? target.origin : undefined), projectRoot);
  if (target.engine === 'sqlite') {
    return [
      ['engine', ENGINE_LABELS.sqlite, source('engine')],
      // Relative to the project before padding: the output is shortened afterwards, which would misalign this row.
      ['file', projectRoot && target.database.startsWith(`${projectRoot}/`) ? target.database.slice(projectRoot.length + 1) : target.database, source('database')],
    ];
  }
  const port = target.port ?? DEFAULT_PORTS[target.engine];
  return [
    ['engine', ENGINE_LABELS[target.engine], source('engine')],
    ['database', target.database, source('database')],
    ['host', target.socket && !target.host ? `socket ${target.socket}` : target.hosts.join(',') || 'localhost', target.fields.host || target.fields.socket ? source(target.fields.host ? 'host' : 'socket') : 'default'],
    ['port', port === undefined ? '-' : String(port), target.fields.port ? source('port') : 'default'],
    ['user', target.user ?? 'not set', target.fields.user ? source('user') : 'default'],
    ['password', maskedPassword(target), target.fields.password ? source('password') : '-'],
  ];
}

/** The human `dbsafe check` output: the verification block, each rule ✓/✗, the verdict. */
export function renderCheck(assessment: Assessment, c: Colors): string {
  const report = buildCheckReport(assessment);
  const root = report.environment.projectRoot ?? '';
  const lines: string[] = [];
  lines.push(c.bold('Project'));
  lines.push(`  project   ${root || '-'}`);
  lines.push(`  config    ${report.environment.configFile ? sourceOf({ kind: 'config', name: report.environment.configFile }, root) : 'none (defaults)'}`);
  if (report.environment.composeFiles.length > 0) lines.push(`  compose   ${report.environment.composeFiles.join(', ')}: ${report.environment.composeServices.join(', ')}`);
  for (const variable of report.environment.appEnvironment) lines.push(`  ${printable(`${variable.name}=${variable.value}`)}  ${c.dim(sourceOf({ kind: 'env', name: variable.source }, root))}`);
  if (report.environment.appEnvironment.length === 0) lines.push('  app environment: not set');
  const targets = assessment.context?.targets;
  if (targets?.environment) lines.push(`  .env files for the "${printable(targets.environment.name)}" environment (${printable(targets.environment.reason)})`);
  for (const { framework, environment } of targets?.frameworks ?? []) {
    lines.push(`  framework ${framework}${environment ? `: environment "${printable(environment.name)}" (${printable(environment.reason)})` : ''}`);
  }

  const rule = (outcome: RuleOutcome) => {
    const mark = outcome.passed ? c.green('✓') : c.red('✗');
    lines.push(`  ${mark} ${RULES[outcome.rule].title}: ${printable(outcome.message, { lineBreaks: true }).split('\n').join('\n    ')}`);
    if (!outcome.passed && outcome.fix) lines.push(`      fix: ${printable(outcome.fix, { lineBreaks: true })}`);
  };
  const labels = new Set(assessment.verdict.targets.map((target) => describeTarget(target)));
  assessment.verdict.outcomes.filter((o) => o.target === null).forEach(rule);
  const problems = assessment.verdict.outcomes.filter((o) => o.target !== null && !labels.has(o.target));
  if (problems.length > 0) lines.push('', c.bold('Settings dbsafe cannot read'));
  problems.forEach(rule);
  if ((targets?.notices ?? []).length > 0) {
    lines.push('', c.bold('Framework configuration dbsafe could not read (judged on the rest)'));
    for (const notice of targets!.notices!) lines.push(`  ! ${notice.framework}: ${printable(notice.message, { lineBreaks: true })}`);
  }

  assessment.verdict.targets.forEach((target, i) => {
    const live = report.targets[i]?.live;
    lines.push('', c.bold(`Database ${i + 1}${report.targets[i]?.primary ? ' (used by guarded commands)' : ''}`));
    const rows = fieldRows(target, root).map(([name, value, source]) => [name, printable(value), printable(source)] as const);
    const width = Math.max(28, ...rows.map(([, value]) => value.length));
    for (const [name, value, source] of rows) lines.push(`  ${name.padEnd(9)} ${value.padEnd(width)} ${c.dim(source)}`);
    if (live?.ok) lines.push(`  ${'server'.padEnd(9)} ${live.serverVersion}`);
    const container = report.targets[i]?.container;
    if (container) lines.push(`  ${'container'.padEnd(9)} ${printable(container)}`);
    else if (!live && !assessment.verdict.offline) lines.push(`  ${'server'.padEnd(9)} not contacted: already refused without connecting`);
    lines.push(c.dim(assessment.verdict.offline ? '  rules (offline: no connection made)' : '  rules'));
    assessment.verdict.outcomes.filter((o) => o.target === describeTarget(target)).forEach(rule);
  });

  const colour = report.verdict === 'safe' ? c.green : c.red;
  lines.push('', colour(c.bold(`${VERDICT_LINES[report.verdict]}${report.exitCode === 0 ? '' : ` (exit ${report.exitCode})`}`)));
  const text = `${lines.join('\n')}\n`;
  return root ? text.split(`${root}/`).join('') : text;
}

/**
 * The reasons of a verdict that is not safe, for commands that refuse
 * (run, restore, guards): each failed rule with its value and fix, then the
 * pointer to `dbsafe check` for the full picture.
 */
export function renderReasons(verdict: Verdict, c: Colors): string {
  const lines = verdict.reasons.flatMap((reason) => [
    `${c.red('✗')} ${RULES[reason.rule].title}${reason.target ? ` (${printable(reason.target)})` : ''}: ${printable(reason.message, { lineBreaks: true })}`,
    ...(reason.fix ? [`    fix: ${printable(reason.fix, { lineBreaks: true })}`] : []),
  ]);
  lines.push(c.dim('Run `dbsafe check` to see every database and rule.'));
  return `${lines.join('\n')}\n`;
}
