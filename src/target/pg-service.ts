import path from 'node:path';
import { lookupLibpqKeyword } from './connection-parameters.js';
import { parameterMessages } from './messages.js';

/**
 * Directories libpq was built to read pg_service.conf from when PGSYSCONFDIR
 * is unset (`pg_config --sysconfdir`): Debian/Ubuntu, source builds, Homebrew.
 * dbsafe looks in each, so a service defined system-wide is never missed.
 */
export const DEFAULT_SYSCONF_DIRS: readonly string[] = ['/etc/postgresql-common', '/usr/local/pgsql/etc', '/opt/homebrew/etc', '/usr/local/etc', '/etc'];

export interface ServiceLine {
  keyword: string;
  value: string;
  line: number;
}

export interface ServiceEntry {
  service: string;
  file: string;
  /** In file order; libpq keeps the first value of a keyword. */
  settings: ServiceLine[];
}

/** Reads a file's text, or undefined when it does not exist or cannot be read. */
export type ReadTextFile = (file: string) => string | undefined;

/**
 * The [service] section of one service file, as libpq reads it: lines
 * trimmed, `#` comments and blank lines skipped, reading stops at the next
 * section; inside the section every line is `keyword=value` with a libpq
 * keyword, else libpq refuses the service ("syntax error in service file").
 * Null when the file has no such section. Pure.
 */
export function findServiceSection(text: string, file: string, service: string): ServiceEntry | null {
  let inSection = false;
  let found: ServiceEntry | null = null;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      if (inSection) break;
      inSection = line === `[${service}]`;
      if (inSection) found = { service, file, settings: [] };
      continue;
    }
    if (!inSection || !found) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw parameterMessages.serviceFileInvalid(file, index + 1, 'it is not keyword=value');
    const keyword = line.slice(0, eq);
    if (keyword === 'service') throw parameterMessages.serviceFileInvalid(file, index + 1, 'a service cannot name another service');
    const lookup = lookupLibpqKeyword(keyword);
    if (lookup.kind !== 'known') throw parameterMessages.serviceFileInvalid(file, index + 1, `"${keyword}" is not a libpq keyword`);
    found.settings.push({ keyword, value: line.slice(eq + 1), line: index + 1 });
  }
  return found;
}

export interface ServiceFileLocations {
  /** PGSERVICEFILE (or the servicefile parameter), else ~/.pg_service.conf. */
  user: string;
  /** pg_service.conf in PGSYSCONFDIR, else in each of DEFAULT_SYSCONF_DIRS. */
  system: string[];
}

export function serviceFileLocations(variables: { servicefile?: string; PGSERVICEFILE?: string; PGSYSCONFDIR?: string }, home: string): ServiceFileLocations {
  const user = variables.servicefile || variables.PGSERVICEFILE || path.join(home, '.pg_service.conf');
  const dirs = variables.PGSYSCONFDIR ? [variables.PGSYSCONFDIR] : DEFAULT_SYSCONF_DIRS;
  return { user, system: dirs.map((dir) => path.join(dir, 'pg_service.conf')) };
}

/**
 * The service's section, looked up as libpq does: the user's file first, and
 * only when the service is not there, the system file. Throws UrlProblem when
 * no file defines it or the section is malformed.
 */
export function lookupService(service: string, locations: ServiceFileLocations, readFile: ReadTextFile): ServiceEntry {
  const searched: string[] = [];
  for (const file of [locations.user, ...locations.system]) {
    const text = readFile(file);
    if (text === undefined) continue;
    searched.push(file);
    const entry = findServiceSection(text, file, service);
    if (entry) return entry;
  }
  throw parameterMessages.serviceNotFound(service, searched);
}
