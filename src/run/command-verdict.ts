import { describeOrigin } from '../target/describe.js';
import type { Target, TargetNotice, ValueOrigin } from '../target/types.js';
import { DEFAULT_PORTS } from '../target/url.js';
import type { JudgeUnit } from './command-targets.js';

/** Where a value came from, for `explain --json`: the file and key, or the variable (and the framework file that read it). */
export interface TargetSourceJson {
  description: string;
  variable?: string;
  file?: string;
  key?: string;
  /** A framework's file and key that read the variable (schema.prisma `datasource db.url` reading DATABASE_URL). */
  readBy?: { file?: string; key: string };
}

/** One database the command will use, as `explain --json` reports it (never a password). */
export interface CommandTargetJson {
  engine: Target['engine'];
  host: string | null;
  port: number | null;
  database: string;
  source: TargetSourceJson;
  fields: Partial<Record<'host' | 'port' | 'database' | 'user', TargetSourceJson>>;
  /** The database the command's backup is taken of (the first of its project). */
  primary: boolean;
  /** Created and dropped by the command's framework for the run (Django's test_ database): judged, not backed up. */
  createdByRun?: true;
  namedBy: string;
}

export function sourceJson(origin: ValueOrigin): TargetSourceJson {
  const source: TargetSourceJson = { description: describeOrigin(origin) };
  if (origin.kind === 'framework') {
    if (origin.file) source.file = origin.file;
    source.key = origin.parameter ?? origin.name;
  } else if (origin.kind === 'env' || origin.kind === 'dotenv') {
    source.variable = origin.name;
    if (origin.file) source.file = origin.file;
  } else if (origin.file) source.file = origin.file;
  if (origin.readBy) source.readBy = { ...(origin.readBy.file ? { file: origin.readBy.file } : {}), key: origin.readBy.name };
  return source;
}

/** The databases of every unit the command is judged on. Pure. */
export function commandTargets(units: readonly JudgeUnit[]): CommandTargetJson[] {
  return units.flatMap((unit) => {
    if (unit.kind !== 'judge') return [];
    const { primary, all } = unit.context.targets;
    return all.map((target): CommandTargetJson => {
      const fields: CommandTargetJson['fields'] = {};
      for (const field of ['host', 'port', 'database', 'user'] as const) {
        const origin = target.fields[field];
        if (origin) fields[field] = sourceJson(origin);
      }
      return {
        engine: target.engine,
        host: target.host ?? target.socket ?? null,
        port: target.port ?? DEFAULT_PORTS[target.engine] ?? null,
        database: target.database,
        source: sourceJson(target.origin),
        fields,
        primary: target === primary,
        ...(target.createdByRun ? { createdByRun: true as const } : {}),
        namedBy: unit.label,
      };
    });
  });
}

export type CommandVerdictName = 'safe' | 'refused' | 'unknown';

export interface CommandVerdict {
  verdict: CommandVerdictName;
  /** Why it is not safe, one line each (a production indicator, a setting dbsafe cannot read, a database it cannot tell). */
  reasons: Array<{ rule: string; target: string | null; message: string }>;
  /** Framework configuration dbsafe could not read; the command was judged on what could be read. */
  notices: TargetNotice[];
}

/**
 * The command's verdict without connecting anywhere, by the rules `check`
 * applies: refused when any database is refused, unknown when dbsafe cannot
 * tell (a setting it cannot read, a directory or value known only at run
 * time), safe otherwise.
 */
export async function offlineCommandVerdict(units: readonly JudgeUnit[]): Promise<CommandVerdict> {
  const { assessProject } = await import('../safety/assess.js');
  const reasons: CommandVerdict['reasons'] = [];
  const notices: TargetNotice[] = [];
  let refused = false;
  let unknown = false;
  for (const unit of units) {
    if (unit.kind === 'unknown') {
      unknown = true;
      reasons.push({ rule: 'target-unknown', target: unit.label, message: unit.reason });
      continue;
    }
    notices.push(...(unit.context.targets.notices ?? []));
    const { verdict } = await assessProject(unit.context, { offline: true });
    if (verdict.verdict === 'refused') refused = true;
    else if (verdict.verdict !== 'safe') unknown = true;
    for (const reason of verdict.reasons) reasons.push({ rule: reason.rule, target: reason.target, message: reason.fix ? `${reason.message} ${reason.fix}` : reason.message });
  }
  return { verdict: refused ? 'refused' : unknown ? 'unknown' : 'safe', reasons, notices };
}
