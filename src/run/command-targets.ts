import { createRequire } from 'node:module';
import { loadCommandContext, type ProjectContext } from '../config/context.js';
import { readOptionalFile } from '../config/optional-file.js';
import { findProject } from '../config/project.js';
import { isDbsafeError } from '../errors.js';
import type { Classification, EnvChange, InvocationEffects } from '../rules/types.js';
import { APP_ENVIRONMENT_VARIABLES, CERTIFICATE_VARIABLES } from '../safety/rules.js';
import { describeOrigin, describeTarget } from '../target/describe.js';
import type { Target } from '../target/types.js';
import { clientTarget } from './client-target.js';
import { commandTargetMessages as say } from './command-target-messages.js';
import { expandPathReference, expandVariableReference } from './variable-reference.js';
import { runMessages } from './messages.js';

/**
 * Everything a guarded command line will use a database through: one unit
 * per distinct (directory, environment, client connection) among the
 * invocations the rules guard. Each unit is judged like `dbsafe check`
 * judges a project; the strictest verdict wins.
 */
export type JudgeUnit =
  | {
      kind: 'judge';
      /** Who names the database, for messages: "this project", "`psql …`", "the command run in /other". */
      label: string;
      /** The project of the unit's directory, with the command's environment; for a client, its targets are the client's. */
      context: ProjectContext;
    }
  | { kind: 'unknown'; label: string; reason: string };

/** Stands in for a value only known at run time: whatever names it as a database setting shows that the value matters. */
const UNKNOWN_VALUE = 'dbsafe-value-known-only-at-run-time';

/** A dotenv file's variables; null when the file does not exist (the launchers skip it), 'unreadable' otherwise. */
export type ReadDotenvFile = (file: string) => Record<string, string> | null | 'unreadable';

/**
 * The caller's environment with the command's changes applied in order;
 * values known only at run time are listed apart, and so are dotenv files
 * that cannot be read (any variable could be in them). Pure apart from `readDotenv`.
 */
export function applyEnvChanges(
  base: Record<string, string | undefined>,
  changes: readonly EnvChange[],
  readDotenv: ReadDotenvFile = () => 'unreadable',
): { env: Record<string, string | undefined>; unknown: Map<string, string>; unseen: string[] } {
  let env: Record<string, string | undefined> = { ...base };
  const unknown = new Map<string, string>();
  /** Changes dbsafe cannot see through: a dotenv file it cannot read, `env -u $NAME`. */
  const unseen: string[] = [];
  for (const change of changes) {
    if (change.kind === 'file') {
      const file = change.path ?? (change.source !== undefined ? expandPathReference(change.source, env) : null);
      const values = file === null ? 'unreadable' : readDotenv(file);
      if (values === 'unreadable') unseen.push(change.written);
      // Strictest reading: the file's values count even where the launcher would keep the shell's.
      for (const [name, value] of Object.entries(values === 'unreadable' ? {} : (values ?? {}))) {
        env[name] = value;
        unknown.delete(name);
      }
    } else if (change.kind === 'clear') {
      env = {};
      unknown.clear();
    } else if (change.kind === 'unset') {
      const name = change.source === undefined ? change.name : expandVariableReference(change.source, env, new Set(unknown.keys()));
      if (name === null) unseen.push(`-u ${change.source}`);
      else {
        delete env[name];
        unknown.delete(name);
      }
    } else if (change.value === null) {
      // `DATABASE_URL=$TEST_DATABASE_URL`: the value of a variable the command runs with is known here.
      const eq = change.text.indexOf('=');
      const appends = change.text[eq - 1] === '+';
      const expanded = appends ? null : expandVariableReference(change.text.slice(eq + 1), env, new Set(unknown.keys()));
      if (expanded !== null) {
        env[change.name] = expanded;
        unknown.delete(change.name);
      } else {
        env[change.name] = UNKNOWN_VALUE;
        unknown.set(change.name, change.text);
      }
    } else {
      env[change.name] = change.value;
      unknown.delete(change.name);
    }
  }
  return { env, unknown, unseen };
}

const requireModule = createRequire(import.meta.url);

/** Read a dotenv file named by a launcher (`dotenv -e FILE`). */
export const readDotenvFile: ReadDotenvFile = (file) => {
  const read = readOptionalFile(file);
  if (!read.found) return read.unreadable === undefined ? null : 'unreadable';
  return (requireModule('dotenv') as typeof import('dotenv')).parse(read.text);
};

function namesBehind(target: Target): string[] {
  return [target.origin.name, ...Object.entries(target.fields).flatMap(([field, origin]) => (field !== 'password' && origin ? [origin.name] : []))];
}

/**
 * The first variable set to a run-time value that decides something: it
 * names a database (or a part of one), an app environment, or a client
 * certificate. Pure.
 */
export function unknownThatMatters(unknown: ReadonlyMap<string, string>, context: ProjectContext): { name: string; written: string } | null {
  const deciding = new Set<string>([
    ...APP_ENVIRONMENT_VARIABLES,
    ...Object.values(CERTIFICATE_VARIABLES).flat(),
    ...context.targets.all.flatMap(namesBehind),
    ...context.targets.problems.map((problem) => problem.origin.name),
  ]);
  for (const [name, written] of unknown) if (deciding.has(name)) return { name, written };
  return null;
}

/** Effects that lead to the same judgement once: same directory, environment changes and client connection. Pure. */
export function distinctEffects(effects: readonly InvocationEffects[], cwd: string): InvocationEffects[] {
  const all = effects.length > 0 ? effects : [{ text: '', dir: cwd, env: [] }];
  const seen = new Set<string>();
  return all.filter((effect) => {
    const key = JSON.stringify([effect.dir, effect.unknownDirectory ?? null, effect.env, effect.client ?? null, effect.argv ?? null]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function changedNames(changes: readonly EnvChange[]): Set<string> {
  return new Set(changes.flatMap((change) => (change.kind === 'set' || change.kind === 'unset' ? [change.name] : [])));
}

function labelOf(effect: InvocationEffects, cwd: string): string {
  const where = effect.dir !== null && effect.dir !== cwd ? ` run in ${effect.dir}` : '';
  const set = [...changedNames(effect.env)];
  const env = set.length > 0 ? ` with ${set.join(', ')} changed by the command line` : '';
  return where || env ? `the command${where}${env}` : 'this project';
}

/** Load the project of one invocation's directory, with its environment, and put the client's database in place of the project's. */
export async function judgeUnitFor(effect: InvocationEffects, request: { cwd: string; env: Record<string, string | undefined>; flagUrl?: string; osUser?: string }): Promise<JudgeUnit> {
  const label = labelOf(effect, request.cwd);
  if (effect.dir === null) return { kind: 'unknown', label, reason: say.directoryUnknown(effect.unknownDirectory ?? effect.text) };
  const { env, unknown, unseen } = applyEnvChanges(request.env, effect.env, readDotenvFile);
  if (unseen.length > 0) return { kind: 'unknown', label, reason: say.environmentUnseen(unseen[0]!) };
  let context: ProjectContext;
  try {
    context = await loadCommandContext({ cwd: effect.dir, env, flagUrl: request.flagUrl, argv: effect.argv ?? null });
  } catch (error) {
    if (!isDbsafeError(error)) throw error;
    return { kind: 'unknown', label, reason: runMessages.configUnusable(error.message) };
  }
  if (effect.client) {
    const client = clientTarget(effect.client, env, effect.dir, changedNames(effect.env), env.PGUSER ?? env.USER ?? request.osUser, new Set(unknown.keys()));
    if (client.kind === 'unknown') return { kind: 'unknown', label: effect.client.client, reason: client.reason };
    if (client.kind === 'target') {
      const clientContext = { ...context, targets: { primary: client.target, all: [client.target], problems: [] } };
      const hidden = unknownThatMatters(unknown, clientContext);
      if (hidden) return { kind: 'unknown', label: effect.client.client, reason: say.valueUnknown(hidden.written, hidden.name) };
      return { kind: 'judge', label: describeTarget(client.target), context: clientContext };
    }
  }
  const hidden = unknownThatMatters(unknown, context);
  if (hidden) return { kind: 'unknown', label, reason: say.valueUnknown(hidden.written, hidden.name) };
  // Moved out of the project into a directory that never opted in: its database and backups are nobody's to guess.
  const elsewhere = effect.dir !== request.cwd && context.projectRoot !== findProject(request.cwd).root;
  if (elsewhere && (!context.optedIn || (context.targets.all.length === 0 && context.targets.problems.length === 0))) {
    return { kind: 'unknown', label, reason: say.noProjectThere(effect.dir) };
  }
  return { kind: 'judge', label, context };
}

interface GuardedLineRequest {
  operation: 'run' | 'guard';
  argv: readonly string[];
  commandLine?: string | readonly string[];
  cwd: string;
}

/**
 * The guarded command line classified with the project's rules, in the
 * caller's directory: `commandLine`, or CMD for `dbsafe run`; null for a bare
 * `dbsafe guard`, which guards the project only. Throws DbsafeError when the
 * caller's configuration cannot be read.
 */
export async function classifyGuardedLine(request: GuardedLineRequest): Promise<Classification | null> {
  const commandLine = request.commandLine ?? (request.operation === 'run' ? request.argv : undefined);
  if (commandLine === undefined) return null;
  const { classifyCommandLine, loadUserCommandRules } = await import('../rules/classify-line.js');
  return classifyCommandLine({ command: commandLine, cwd: request.cwd, userRules: loadUserCommandRules(request.cwd) });
}

/**
 * The units a guard judges for `request`: from the command line (classified
 * with the project's rules, in the caller's directory) when there is one,
 * else the project of the caller's directory. Throws DbsafeError when the
 * caller's configuration cannot be read.
 */
export async function gatherJudgeUnits(request: GuardedLineRequest & { env: Record<string, string | undefined>; flagUrl?: string; classification?: Classification | null }): Promise<JudgeUnit[]> {
  const classification = request.classification !== undefined ? request.classification : await classifyGuardedLine(request);
  const effects: InvocationEffects[] = classification?.effects ?? [];
  // `cd src && npm test` runs in the project too: one judgement per project, environment and client.
  const seen = new Set<string>();
  const units = await Promise.all(distinctEffects(effects, request.cwd).map((effect) => judgeUnitFor(effect, request)));
  return units.filter((unit) => {
    // Two invocations that resolve to the same databases with the same environment are judged once.
    const key = unit.kind === 'judge' ? JSON.stringify([unit.context.projectRoot, unit.context.env, unit.context.targets.all.map(describeTarget), unit.context.targets.problems.map((p) => p.message)]) : JSON.stringify([unit.label, unit.reason]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One database a command uses, as `explain --json` lists it (never a password). */
export type NamedTarget =
  | { engine: Target['engine']; host: string | null; port: number | null; database: string; source: string; namedBy: string }
  | { unknown: string; namedBy: string };

/** The databases the units name, for display: each project's or client's, and what dbsafe could not tell. */
export function namedTargets(units: readonly JudgeUnit[]): NamedTarget[] {
  return units.flatMap((unit): NamedTarget[] => {
    if (unit.kind === 'unknown') return [{ unknown: unit.reason, namedBy: unit.label }];
    return unit.context.targets.all.map((target) => ({
      engine: target.engine,
      host: target.host ?? target.socket ?? null,
      port: target.port ?? null,
      database: target.database,
      source: describeOrigin(target.origin),
      namedBy: unit.label,
    }));
  });
}
