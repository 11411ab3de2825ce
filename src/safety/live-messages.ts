import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { describeLocation, describeOrigin } from '../target/describe.js';
import { ENGINE_LABELS, type Target } from '../target/types.js';

/**
 * Why a live connection failed, and the fix. Every engine's live.ts maps its
 * driver's errors onto these, so `check` words them the same way everywhere.
 */
const variableOf = (target: Target) => describeOrigin(target.origin);

export const liveErrors = {
  unreachable: (target: Target, detail: string) =>
    new DbsafeError(
      'live-unreachable',
      `Cannot reach the ${ENGINE_LABELS[target.engine]} server at ${describeLocation(target)} (${detail}). Start the server (for a compose service: docker compose up -d), or correct the host and port in ${variableOf(target)}.`,
      ExitCode.failure,
    ),
  authentication: (target: Target, detail: string) =>
    new DbsafeError(
      'live-authentication',
      `The ${ENGINE_LABELS[target.engine]} server at ${describeLocation(target)} refused the login of user "${target.user ?? '(default)'}" (${detail}). Correct the user name or password in ${variableOf(target)} (percent-encode special characters such as @ as %40 in a URL).`,
      ExitCode.failure,
    ),
  missingDatabase: (target: Target) =>
    new DbsafeError(
      'live-missing-database',
      `The database "${target.database}" does not exist on ${describeLocation(target)}. Create it (createdb, CREATE DATABASE, or your framework's db:create), or correct the name in ${variableOf(target)}.`,
      ExitCode.failure,
    ),
  missingFile: (target: Target) =>
    new DbsafeError(
      'live-missing-database',
      `The SQLite file ${target.database} does not exist. Create it (your framework's migrate or db:create), or correct the path in ${variableOf(target)}.`,
      ExitCode.failure,
    ),
  notADatabase: (target: Target, detail: string) =>
    new DbsafeError(
      'live-not-a-database',
      `${target.database} is not a SQLite database (${detail}). Correct the path in ${variableOf(target)}.`,
      ExitCode.failure,
    ),
  other: (target: Target, detail: string) =>
    new DbsafeError(
      'live-failed',
      `Talking to ${ENGINE_LABELS[target.engine]} at ${describeLocation(target)} failed: ${detail}. Check the server log and the settings in ${variableOf(target)}.`,
      ExitCode.failure,
    ),
  markerPermission: (target: Target, detail: string) =>
    new DbsafeError(
      'mark-permission',
      `Writing the marker into ${target.database} failed (${detail}). Connect as the database's owner or an administrator (set the user in ${variableOf(target)} or pass --url), then run \`dbsafe mark\` again.`,
      ExitCode.failure,
    ),
  markerOccupied: (target: Target, detail: string) =>
    new DbsafeError('mark-occupied', `${target.database} already uses ${detail} for another purpose, so dbsafe will not overwrite it with its marker. Nothing was changed.`, ExitCode.failure),
};
