import { describeTarget } from '../target/describe.js';
import type { Target } from '../target/types.js';
import { classifyHost } from './hosts.js';
import type { ProjectFacts, Verdict } from './types.js';

/** The live-check code every engine gives a database (or SQLite file) that does not exist (src/safety/live-messages.ts). */
export const MISSING_DATABASE_CODE = 'live-missing-database';

/**
 * On this machine: SQLite files, sockets, loopback and the project's own
 * compose services. An `allowedHosts` entry is trusted to be a development
 * server, not to be this machine: a missing database there still refuses.
 */
function onThisMachine(target: Target, project: ProjectFacts): boolean {
  if (target.engine === 'sqlite' || target.socket) return true;
  if (!target.host) return false;
  return classifyHost(target.host, { composeServices: project.composeServices, allowedHosts: [] }).local;
}

export type MissingDatabaseAnswer =
  /** Something else failed (or nothing did): judge the verdict as it is. */
  | { kind: 'not-applicable' }
  /** Every check passed except that these local databases do not exist yet: the command may create them. */
  | { kind: 'may-create'; primaryMissing: boolean };

/**
 * A command that creates a database (`db:create`, `createdb`) must not be
 * blocked by that database's absence: when the only reasons against a
 * project are "does not exist" for databases on this machine, the command
 * runs with nothing to back up. Production indicators (names, app
 * environments, hosts) are offline rules: any of them failing means this
 * does not apply. Pure.
 */
export function judgeMissingDatabases(verdict: Verdict, primary: Target | null, project: ProjectFacts): MissingDatabaseAnswer {
  if (verdict.verdict === 'safe' || primary === null || verdict.reasons.length === 0) return { kind: 'not-applicable' };
  const byLabel = new Map(verdict.targets.map((target) => [describeTarget(target), target]));
  const allMissingHere = verdict.reasons.every((reason) => {
    const target = reason.target === null ? undefined : byLabel.get(reason.target);
    return reason.rule === 'live-connection' && reason.value === MISSING_DATABASE_CODE && target !== undefined && onThisMachine(target, project);
  });
  if (!allMissingHere) return { kind: 'not-applicable' };
  const primaryLabel = describeTarget(primary);
  return { kind: 'may-create', primaryMissing: verdict.reasons.some((reason) => reason.target === primaryLabel) };
}
