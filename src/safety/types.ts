import type { DbsafeConfig } from '../config/schema.js';
import type { ServerFacts } from '../engines/types.js';
import type { Target, TargetProblem, ValueOrigin } from '../target/types.js';
import type { ComposeName } from './hosts.js';
import type { RuleId } from './rules.js';

/** A variable as the command will see it: the shell's value, else the .env file's. */
export interface EnvironmentVariable {
  name: string;
  value: string;
  origin: ValueOrigin;
}

/** What dbsafe learned about the project around the databases. */
export interface ProjectFacts {
  projectRoot: string;
  configFile: string | null;
  /** The compose files read, and the service/container/host names they define. */
  composeFiles: string[];
  composeServices: ComposeName[];
  /** Why a compose file could not be read (its services then count as remote). */
  composeProblems: string[];
}

/** The outcome of the live connection to one database. */
export type LiveResult = { ok: true; facts: ServerFacts } | { ok: false; code: string; message: string };

export interface JudgeInput {
  targets: readonly Target[];
  problems: readonly TargetProblem[];
  variables: readonly EnvironmentVariable[];
  config: DbsafeConfig;
  project: ProjectFacts;
  /** Live results by target; undefined when offline. Targets refused without connecting have no entry. */
  live?: ReadonlyMap<Target, LiveResult>;
}

export type Severity = 'refused' | 'unusable' | 'unverified';

/** One rule judged for one database (or for the whole project when `target` is null). */
export interface RuleOutcome {
  rule: RuleId;
  passed: boolean;
  severity: Severity;
  /** The database judged, as `describeTarget` prints it; null for project-wide rules. */
  target: string | null;
  /** The value that was judged (never a password). */
  value: string;
  message: string;
  /** How to proceed when the rule failed; null when it passed. */
  fix: string | null;
}

export type VerdictName = 'safe' | 'refused' | 'error';

export interface Verdict {
  verdict: VerdictName;
  exitCode: 0 | 1 | 2 | 3;
  /** Every rule judged, passed or not, in display order. */
  outcomes: RuleOutcome[];
  /** The failed outcomes: why the verdict is not safe. */
  reasons: RuleOutcome[];
  targets: readonly Target[];
  live?: ReadonlyMap<Target, LiveResult>;
  offline: boolean;
}
