import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { findAllTools, toolVersion } from '../tools.js';
import { postgresMessages } from './messages.js';

/** Debian/Ubuntu install one directory of client tools per major version here. */
export const DEBIAN_PG_ROOT = '/usr/lib/postgresql';

export type PgTool = 'pg_dump' | 'pg_restore' | 'dropdb' | 'psql';

export interface PgToolCandidate {
  file: string;
  /** Full version ("15.20"), from `--version`. */
  version: string;
  major: number;
}

/** "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)" → "15.20". */
export function parseToolVersion(line: string): { version: string; major: number } | null {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(line) ?? /\b(\d+)\.(\d+)\b/.exec(line);
  if (!match) return null;
  const major = Number(match[1]);
  return { version: match[2] ? `${match[1]}.${match[2]}` : String(major), major };
}

/**
 * Which binary to run for a server of major version `serverMajor` (null when
 * any will do, e.g. reading an archive): the matching major first, else the
 * oldest newer one (a newer pg_dump can dump an older server), never an older
 * one. Candidates are in search order. Pure.
 */
export function choosePgTool(
  tool: PgTool,
  candidates: readonly PgToolCandidate[],
  server: { major: number; version: string } | null,
): PgToolCandidate {
  if (candidates.length === 0) throw postgresMessages.clientMissing(tool, server?.major ?? null);
  if (!server) return [...candidates].sort((a, b) => b.major - a.major)[0]!;
  const exact = candidates.find((c) => c.major === server.major);
  if (exact) return exact;
  const newer = candidates.filter((c) => c.major > server.major).sort((a, b) => a.major - b.major)[0];
  if (newer) return newer;
  const newest = [...candidates].sort((a, b) => b.major - a.major)[0]!;
  throw postgresMessages.clientTooOld(tool, newest.version, newest.file, server.version, server.major);
}

async function candidate(file: string): Promise<PgToolCandidate | null> {
  const line = await toolVersion(file);
  const parsed = line ? parseToolVersion(line) : null;
  return parsed ? { file, ...parsed } : null;
}

/**
 * Every installed copy of `tool`: only $DBSAFE_PG_BIN when it is set (an
 * explicit choice is not second-guessed), else Debian's per-version
 * directories, then every copy on PATH, then Homebrew's keg-only formulae
 * (libpq, postgresql@N), Postgres.app and the EDB installer.
 */
export async function findPgToolCandidates(tool: PgTool, env: NodeJS.ProcessEnv = process.env, serverMajor: number | null = null): Promise<PgToolCandidate[]> {
  const pinned = env.DBSAFE_PG_BIN;
  if (pinned) {
    const file = path.join(pinned, tool);
    const found = existsSync(file) ? await candidate(file) : null;
    if (!found) throw postgresMessages.binDirWithoutTool(pinned, tool, serverMajor);
    return [found];
  }
  const files: string[] = [];
  const majors = existsSync(DEBIAN_PG_ROOT)
    ? readdirSync(DEBIAN_PG_ROOT).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const file = path.join(DEBIAN_PG_ROOT, major, 'bin', tool);
    if (existsSync(file)) files.push(file);
  }
  for (const file of findAllTools(tool, env)) if (!files.includes(file)) files.push(file);
  const candidates: PgToolCandidate[] = [];
  for (const file of files) {
    const found = await candidate(file);
    if (found) candidates.push(found);
  }
  return candidates;
}

export async function pgToolFor(tool: PgTool, server: { major: number; version: string } | null, env: NodeJS.ProcessEnv = process.env): Promise<PgToolCandidate> {
  // The common cases cost one `--version` run instead of one per installed copy
  // (Debian's PATH entry is a Perl wrapper, slow to start): the matching
  // major's own directory, or for reading an archive the newest one.
  if (!env.DBSAFE_PG_BIN) {
    const majors = existsSync(DEBIAN_PG_ROOT) ? readdirSync(DEBIAN_PG_ROOT).filter((name) => /^\d+$/.test(name)).map(Number) : [];
    const preferred = server ? server.major : Math.max(...majors);
    const file = path.join(DEBIAN_PG_ROOT, String(preferred), 'bin', tool);
    const found = majors.includes(preferred) && existsSync(file) ? await candidate(file) : null;
    if (found && found.major === preferred) return found;
  }
  return choosePgTool(tool, await findPgToolCandidates(tool, env, server?.major ?? null), server);
}

/**
 * Just the file of `tool` for `server`, for a run whose version is recorded
 * nowhere (a detached psql or dropdb): Debian's directory for the server's
 * major names the version, so no `--version` process is started for it.
 */
export async function pgToolFileFor(tool: PgTool, server: { major: number; version: string }, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const debian = path.join(DEBIAN_PG_ROOT, String(server.major), 'bin', tool);
  if (!env.DBSAFE_PG_BIN && existsSync(debian)) return debian;
  return (await pgToolFor(tool, server, env)).file;
}
