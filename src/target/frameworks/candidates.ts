import path from 'node:path';
import { buildTarget, type ConnectionContext, type Setting } from '../connection-target.js';
import type { ParameterRole } from '../connection-parameters.js';
import type { Target, TargetProblem, ValueOrigin } from '../types.js';
import { parseConnectionString, UrlProblem } from '../url.js';
import { frameworkMessages as say } from './messages.js';
import type { FrameworkCandidate, FrameworkField, FrameworkReading, FrameworkSource } from './types.js';

/** How the variables of the command's environment are looked up (the shell over the framework's over the .env files). */
export type LookupVariable = (name: string) => { value: string; origin: ValueOrigin } | undefined;

/**
 * The origin of a value a framework named: the variable's own origin (the
 * .env file or the shell), read through the framework's file and key; else
 * the file and key themselves. Pure.
 */
/**
 * The variable's name, whether a reader wrote the name (`DB_HOST`) or the
 * expression that reads it (`ENV.fetch("DB_HOST")`, `env("DATABASE_URL")`).
 */
export function variableName(written: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(written)) return written;
  return /["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]/.exec(written)?.[1] ?? /\b([A-Z_][A-Z0-9_]*)\b/.exec(written)?.[1] ?? written;
}

export function frameworkOrigin(source: FrameworkSource, framework: string, lookup: LookupVariable): ValueOrigin {
  const through: ValueOrigin = { kind: 'framework', name: source.key ?? framework, ...(source.file ? { file: source.file } : {}) };
  if (source.variable) {
    const variable = lookup(variableName(source.variable));
    if (variable && !source.isDefault) return { ...variable.origin, readBy: through };
    return { kind: 'framework', name: source.isDefault ? `default of ${source.variable}` : source.variable, ...(source.file ? { file: source.file } : {}), ...(source.key ? { parameter: source.key } : {}) };
  }
  return source.isDefault ? { ...through, name: `${through.name} (default)` } : through;
}

const FIELD_ROLES: Readonly<Record<Exclude<FrameworkField, 'engine'>, ParameterRole>> = {
  host: 'host',
  port: 'port',
  database: 'database',
  user: 'user',
  password: 'password',
  socket: 'socket',
};

/** The databases one candidate names (a URL may name more than one reading), or why it cannot be read. Pure apart from the context's file reader. */
export function candidateTargets(candidate: FrameworkCandidate, lookup: LookupVariable, context: ConnectionContext): Target[] | TargetProblem {
  const origin = frameworkOrigin(candidate.source, candidate.framework, lookup);
  const withFlag = (targets: Target[]) => (candidate.createdByRun ? targets.map((t) => ({ ...t, createdByRun: true as const })) : targets);
  try {
    if (candidate.url !== undefined) return withFlag(parseConnectionString(candidate.url, origin, { ...context, cwd: candidate.relativeTo }));
    const fields = candidate.fields ?? {};
    const engine = fields.engine;
    if (!engine) return { origin, code: 'incomplete', message: say.noEngine(candidate.label) };
    const originOf = (field: FrameworkField) => {
      const own = candidate.fieldSources?.[field];
      return own ? frameworkOrigin(own, candidate.framework, lookup) : origin;
    };
    if (engine === 'sqlite') {
      if (!fields.database) return { origin, code: 'incomplete', message: say.noSqliteFile(candidate.label) };
      const database = path.resolve(candidate.relativeTo, fields.database);
      return withFlag([{ engine, hosts: [], tls: {}, srv: false, params: {}, origin, database, fields: { engine: originOf('engine'), database: originOf('database') } }]);
    }
    const settings: Setting[] = [];
    for (const [field, role] of Object.entries(FIELD_ROLES) as Array<[Exclude<FrameworkField, 'engine'>, ParameterRole]>) {
      const value = fields[field];
      if (value !== undefined && value !== '') settings.push({ role, name: field, value, origin: originOf(field), named: false });
    }
    const target = buildTarget(settings, { engine, origin, context });
    if (target.database === '') return { origin, code: 'incomplete', message: say.noDatabase(candidate.label) };
    return withFlag([target]);
  } catch (error) {
    if (error instanceof UrlProblem) return { origin, code: error.code, message: say.unreadableCandidate(candidate.label, error.message, error.fix) };
    throw error;
  }
}

/** The variables whose generic reading a framework's candidates replace (Prisma's DATABASE_URL, read relative to the schema). */
export function replacedVariables(readings: readonly FrameworkReading[]): Set<string> {
  return new Set(readings.flatMap((reading) => reading.candidates.flatMap((candidate) => (candidate.source.variable ? [variableName(candidate.source.variable)] : []))));
}
