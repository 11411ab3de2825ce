import path from 'node:path';
import { describeTarget } from '../target/describe.js';
import type { Target } from '../target/types.js';
import { classifyHost, cloudProvider, isAllowedHost, replicaHostWord } from './hosts.js';
import { safetyMessages as say } from './messages.js';
import { APP_ENVIRONMENT_VARIABLES, CERTIFICATE_PARAMETERS, CERTIFICATE_VARIABLES, REPLICA_PARAMETERS, RULES, type RuleId } from './rules.js';
import type { EnvironmentVariable, JudgeInput, RuleOutcome, Verdict } from './types.js';
import { matchesPattern, productionToken } from './words.js';
import { MISSING_DATABASE_CODE } from './missing-database.js';

type Collect = (rule: RuleId, passed: boolean, value: string, text: string | { message: string; fix: string }) => void;

function collector(outcomes: RuleOutcome[], target: string | null): Collect {
  return (rule, passed, value, text) => {
    const { message, fix } = typeof text === 'string' ? { message: text, fix: null } : text;
    outcomes.push({ rule, passed, severity: RULES[rule].failure, target, value, message, fix: passed ? null : fix });
  };
}

function judgeAppEnvironment(variables: readonly EnvironmentVariable[], add: Collect): void {
  const set = APP_ENVIRONMENT_VARIABLES.map((name) => variables.find((v) => v.name === name && v.value !== '')).filter((v) => v !== undefined);
  let refused = false;
  for (const variable of set) {
    const token = productionToken(variable.value);
    if (token) {
      refused = true;
      add('app-environment', false, `${variable.name}=${variable.value}`, say.appEnvironment(variable, token));
    }
  }
  if (!refused) add('app-environment', true, set.map((v) => `${v.name}=${v.value}`).join(', '), say.appEnvironmentClear(set));
}

/** The name a person gave the database: for SQLite the file name without its extension. */
function databaseName(target: Target): string {
  if (target.engine !== 'sqlite') return target.database;
  return path.basename(target.database).replace(/\.[^.]*$/, '');
}

function judgeName(target: Target, input: JudgeInput, add: Collect): void {
  const name = databaseName(target);
  const token = productionToken(name);
  if (token) add('production-name', false, name, say.productionName(target, name, token));
  else add('production-name', true, name, say.productionNameClear(name));

  const patterns = input.config.productionPatterns;
  if (patterns.length === 0) return;
  const judged: Array<['database name' | 'host', string]> = [['database name', name], ...target.hosts.map((h): ['host', string] => ['host', h])];
  let matched = false;
  for (const [what, value] of judged) {
    const pattern = patterns.find((p) => matchesPattern(value, p));
    if (pattern) {
      matched = true;
      add('production-pattern', false, value, say.productionPattern(target, what, value, pattern, input.project.configFile));
    }
  }
  if (!matched) add('production-pattern', true, patterns.join(', '), `no match among ${patterns.length} pattern(s)`);
}

function judgeHosts(target: Target, input: JudgeInput, add: Collect): void {
  if (target.engine === 'sqlite') {
    add('host-not-local', true, target.database, 'SQLite file');
    return;
  }
  const facts = { composeServices: input.project.composeServices, allowedHosts: input.config.allowedHosts };
  const local: string[] = [];
  let refused = false;
  if (target.socket) {
    const provider = cloudProvider(target.socket);
    if (provider) {
      refused = true;
      add('host-not-local', false, target.socket, say.cloudSocket(target, target.socket, provider));
    } else local.push(`unix socket ${target.socket}`);
  }
  for (const host of target.hosts) {
    const locality = classifyHost(host, facts);
    if (locality.local) local.push(say.hostLocal(host, locality.how, locality.how === 'compose service' ? locality.file : undefined));
    else {
      refused = true;
      add('host-not-local', false, host, say.hostNotLocal(target, host, locality.provider, input.project.composeProblems, locality.composeRefusal));
    }
  }
  if (target.hosts.length === 0 && !target.socket) local.push('default local connection');
  if (!refused) add('host-not-local', true, target.hosts.join(',') || target.socket || '', local.join('; '));

  const replicaHosts = target.hosts.filter((host) => !isAllowedHost(host, input.config.allowedHosts));
  let replica = false;
  for (const host of replicaHosts) {
    const word = replicaHostWord(host);
    if (word) {
      replica = true;
      add('replica-endpoint', false, host, say.replicaHost(target, host, word));
    }
  }
  for (const [key, value] of Object.entries(target.params)) {
    const rule = REPLICA_PARAMETERS.find((p) => p.name === key.toLowerCase() && p.values.test(value));
    if (rule) {
      replica = true;
      add('replica-endpoint', false, `${key}=${value}`, say.replicaParameter(target, key, value));
    }
  }
  if (!replica) add('replica-endpoint', true, target.hosts.join(','), 'primary endpoint');

  if (target.srv) {
    const host = target.host ?? '';
    if (isAllowedHost(host, input.config.allowedHosts)) add('cluster-endpoint', true, host, say.hostLocal(host, 'allowed host'));
    else add('cluster-endpoint', false, `mongodb+srv://${host}`, say.srvCluster(target, host));
  }
}

function judgeCertificate(target: Target, variables: readonly EnvironmentVariable[], add: Collect): void {
  const found: string[] = [];
  if (target.tls.cert) found.push(`client certificate ${target.tls.cert}`);
  if (target.tls.key) found.push(`client key ${target.tls.key}`);
  for (const [key, value] of Object.entries(target.params)) {
    if (CERTIFICATE_PARAMETERS.some((p) => p.name === key.toLowerCase() && p.values.test(value))) found.push(`${key}=${value}`);
  }
  for (const name of CERTIFICATE_VARIABLES[target.engine] ?? []) {
    const variable = variables.find((v) => v.name === name && v.value !== '');
    if (variable && !found.some((f) => f.endsWith(variable.value))) found.push(`${name} (${describeOriginShort(variable)})`);
  }
  if (found.length > 0) add('certificate-auth', false, found.join(', '), say.certificate(target, found.join(', ')));
  else add('certificate-auth', true, '', 'password or trust authentication');
}

function describeOriginShort(variable: EnvironmentVariable): string {
  return variable.origin.file ? `in ${variable.origin.file}` : 'in the environment';
}

function judgeLive(target: Target, input: JudgeInput, add: Collect): void {
  const result = input.live?.get(target);
  if (!result) return;
  if (!result.ok && result.code === MISSING_DATABASE_CODE && target.createdByRun) {
    add('live-connection', true, result.code, say.createdByRun(target.database));
    return;
  }
  if (!result.ok) {
    add('live-connection', false, result.code, splitCauseAndFix(result.message, 'Start the server, or correct the connection settings.'));
    return;
  }
  const { facts } = result;
  add('live-connection', true, facts.serverVersion, say.liveClear(facts.serverVersion));
  if (facts.marker === 'production') add('production-marker', false, 'production', say.productionMarker(target));
  else add('production-marker', true, facts.marker ?? 'none', say.markerClear(facts.marker));
  if (facts.standby) add('standby', false, 'standby', say.standby(target, facts.serverVersion));
  else add('standby', true, 'primary', 'primary');
  if (facts.readOnly) add('read-only', false, 'read-only', say.readOnly(target));
  else add('read-only', true, 'writable', 'writable');
}

/** Messages from resolution and connection state the cause first, then the fix: split them for `--json`. */
export function splitCauseAndFix(text: string, fallbackFix: string): { message: string; fix: string } {
  const [message, ...fix] = text.split(/(?<=[.)])\s+(?=[A-Z])|\n(?=[A-Z])/);
  return { message: message ?? text, fix: fix.join(' ') || fallbackFix };
}

/** Did the static rules (no connection made) already refuse this database? Then dbsafe never connects to it. */
export function staticallyRefused(target: Target, verdictSoFar: readonly RuleOutcome[]): boolean {
  const label = describeTarget(target);
  return verdictSoFar.some((o) => (o.target === label || o.target === null) && !o.passed && o.severity === 'refused');
}

/**
 * Judge every database a project names against every production indicator.
 * Pure: the environment, config, project facts and live facts come in; the
 * verdict goes out. The strictest outcome wins: refused (3) over unusable (2)
 * over unverified (1) over safe (0). No input turns a refusal into a pass.
 */
export function judgeTargets(input: JudgeInput): Verdict {
  const outcomes: RuleOutcome[] = [];
  const project = collector(outcomes, null);
  judgeAppEnvironment(input.variables, project);
  for (const problem of input.problems) {
    const label = problem.origin.file ? `${problem.origin.name} in ${problem.origin.file}` : problem.origin.name;
    collector(outcomes, label)('target-problem', false, problem.code, splitCauseAndFix(problem.message, 'Correct the setting, or pass --url.'));
  }
  if (input.targets.length === 0 && input.problems.length === 0) project('no-database', false, '', say.noDatabase);

  for (const target of input.targets) {
    const add = collector(outcomes, describeTarget(target));
    judgeName(target, input, add);
    judgeHosts(target, input, add);
    judgeCertificate(target, input.variables, add);
    judgeLive(target, input, add);
  }

  const reasons = outcomes.filter((o) => !o.passed);
  const worst = (severity: RuleOutcome['severity']) => reasons.some((r) => r.severity === severity);
  const [verdict, exitCode] = worst('refused')
    ? (['refused', 3] as const)
    : worst('unusable')
      ? (['error', 2] as const)
      : worst('unverified')
        ? (['error', 1] as const)
        : (['safe', 0] as const);
  return { verdict, exitCode, outcomes, reasons, targets: input.targets, live: input.live, offline: input.live === undefined };
}
