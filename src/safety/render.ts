import type { ChalkInstance } from 'chalk';
import { ENGINE_LABELS, type Target, type TargetField } from '../target/types.js';
import { describeLocation } from '../target/describe.js';
import { DEFAULT_PORTS } from '../target/url.js';
import type { Assessment } from './assess.js';
import { buildCheckReport, maskedPassword, sourceOf } from './report.js';
import { RULES } from './rules.js';

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
      ['file', target.database, source('database')],
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
export function renderCheck(assessment: Assessment, c: ChalkInstance): string {
  const report = buildCheckReport(assessment);
  const root = report.environment.projectRoot ?? '';
  const lines: string[] = [];
  lines.push(c.bold('Environment'));
  lines.push(`  project   ${root || '-'}`);
  lines.push(`  config    ${report.environment.configFile ? sourceOf({ kind: 'config', name: report.environment.configFile }, root) : 'none (defaults)'}`);
  if (report.environment.composeFiles.length > 0) lines.push(`  compose   ${report.environment.composeFiles.join(', ')}: ${report.environment.composeServices.join(', ')}`);
  for (const variable of report.environment.appEnvironment) lines.push(`  ${variable.name}=${variable.value}  ${c.dim(sourceOf({ kind: 'env', name: variable.source }, root))}`);
  if (report.environment.appEnvironment.length === 0) lines.push('  app environment: not set');

  assessment.verdict.targets.forEach((target, i) => {
    const live = report.targets[i]?.live;
    lines.push('', c.bold(`Database ${i + 1}${report.targets[i]?.primary ? ' (used by guarded commands)' : ''}: ${describeLocation(target)}`));
    for (const [name, value, source] of fieldRows(target, root)) lines.push(`  ${name.padEnd(9)} ${value.padEnd(28)} ${c.dim(source)}`);
    if (live?.ok) lines.push(`  ${'server'.padEnd(9)} ${live.serverVersion}`);
  });

  lines.push('', c.bold(assessment.verdict.offline ? 'Rules (offline: no connection made)' : 'Rules'));
  for (const outcome of assessment.verdict.outcomes) {
    const mark = outcome.passed ? c.green('✓') : c.red('✗');
    const where = outcome.target ? c.dim(` [${outcome.target}]`) : '';
    lines.push(`  ${mark} ${RULES[outcome.rule].title}: ${outcome.message}${where}`);
    if (!outcome.passed && outcome.fix) lines.push(`      fix: ${outcome.fix}`);
  }
  const colour = report.verdict === 'safe' ? c.green : c.red;
  lines.push('', colour(c.bold(`${VERDICT_LINES[report.verdict]}${report.exitCode === 0 ? '' : ` (exit ${report.exitCode})`}`)));
  return `${lines.join('\n')}\n`;
}
