import { describeOrigin, describeTarget, MASK, redactTarget, type RedactedTarget } from '../target/describe.js';
import type { ServerFacts } from '../engines/types.js';
import type { Target, ValueOrigin } from '../target/types.js';
import { APP_ENVIRONMENT_VARIABLES } from './rules.js';
import type { Assessment } from './assess.js';
import { mergeEnvironment } from './environment.js';
import type { RuleOutcome, VerdictName } from './types.js';

/**
 * The `dbsafe check --json` object. Stable: fields are added, never renamed
 * or removed. Passwords never appear (`password` is "set" or "unset").
 */
export interface CheckReport {
  verdict: VerdictName;
  exitCode: number;
  reasons: Array<Pick<RuleOutcome, 'rule' | 'target' | 'value' | 'message' | 'fix'>>;
  checks: Array<Pick<RuleOutcome, 'rule' | 'target' | 'passed' | 'value' | 'message'>>;
  /** `container`: the running container that serves the database (by Compose labels and ports), or null. */
  targets: Array<RedactedTarget & { label: string; primary: boolean; live: LiveReport | null; container: string | null }>;
  environment: {
    projectRoot: string | null;
    configFile: string | null;
    composeFiles: string[];
    composeServices: string[];
    offline: boolean;
    appEnvironment: Array<{ name: string; value: string; source: string }>;
  };
}

export type LiveReport = ({ ok: true } & ServerFacts) | { ok: false; code: string; message: string };

function liveReport(assessment: Assessment, target: Target): LiveReport | null {
  const result = assessment.verdict.live?.get(target);
  if (!result) return null;
  return result.ok ? { ok: true, ...result.facts } : { ok: false, code: result.code, message: result.message };
}

export function buildCheckReport(assessment: Assessment): CheckReport {
  const { verdict, context, project } = assessment;
  const variables = context ? mergeEnvironment(context.env, context.dotenv) : [];
  return {
    verdict: verdict.verdict,
    exitCode: verdict.exitCode,
    reasons: verdict.reasons.map(({ rule, target, value, message, fix }) => ({ rule, target, value, message, fix })),
    checks: verdict.outcomes.map(({ rule, target, passed, value, message }) => ({ rule, target, passed, value, message })),
    targets: verdict.targets.map((target) => ({
      ...redactTarget(target),
      label: describeTarget(target),
      primary: target === context?.targets.primary,
      live: liveReport(assessment, target),
      container: assessment.containers?.get(target) ?? null,
    })),
    environment: {
      projectRoot: project.projectRoot,
      configFile: project.configFile,
      composeFiles: project.composeFiles,
      composeServices: project.composeServices.map((service) => service.name),
      offline: verdict.offline,
      appEnvironment: APP_ENVIRONMENT_VARIABLES.flatMap((name) => {
        const variable = variables.find((v) => v.name === name);
        return variable ? [{ name, value: variable.value, source: describeOrigin(variable.origin) }] : [];
      }),
    },
  };
}

/** "DATABASE_URL in .env" relative to the project root, for the verification block. */
export function sourceOf(origin: ValueOrigin | undefined, projectRoot: string): string {
  if (!origin) return 'default';
  const text = describeOrigin(origin);
  return projectRoot ? text.replace(`${projectRoot}/`, '') : text;
}

export function maskedPassword(target: Target): string {
  return target.password !== undefined && target.password !== '' ? MASK : 'not set';
}
