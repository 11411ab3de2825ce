import path from 'node:path';
import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { readOptionalFile } from './optional-file.js';
import { CONFIG_FILE } from './project.js';
import { DEFAULT_CONFIG, validateConfig, type DbsafeConfig } from './schema.js';

export interface LoadedConfig {
  config: DbsafeConfig;
  /** The file the configuration came from, or null when defaults apply. */
  file: string | null;
}

function readJson(file: string): unknown | undefined {
  const read = readOptionalFile(file);
  if (!read.found) {
    if (read.unreadable === undefined) return undefined;
    throw new DbsafeError('config-unreadable', `${file} cannot be read (${read.unreadable}). Fix its permissions so dbsafe can read its configuration.`, ExitCode.usage);
  }
  try {
    return JSON.parse(read.text) as unknown;
  } catch (error) {
    throw new DbsafeError(
      'config-invalid-json',
      `${file} is not valid JSON: ${(error as Error).message}. Fix the syntax (a trailing comma or a missing quote is the usual cause).`,
      ExitCode.usage,
    );
  }
}

/**
 * Read dbsafe.config.json, else the "dbsafe" key of package.json, in the
 * project root. Unknown keys and wrong types are errors (exit 2), because a
 * misspelt "allowedHosts" silently ignored is a safety rule silently lost.
 */
export function loadConfig(projectRoot: string): LoadedConfig {
  const configFile = path.join(projectRoot, CONFIG_FILE);
  let raw = readJson(configFile);
  let file: string | null = configFile;
  let where = CONFIG_FILE;
  if (raw === undefined) {
    const pkgFile = path.join(projectRoot, 'package.json');
    const pkg = readJson(pkgFile) as Record<string, unknown> | undefined;
    raw = pkg && typeof pkg === 'object' ? pkg.dbsafe : undefined;
    file = raw === undefined ? null : pkgFile;
    where = 'the "dbsafe" key of package.json';
  }
  if (raw === undefined) return { config: { ...DEFAULT_CONFIG }, file: null };
  const problems = validateConfig(raw);
  if (problems.length > 0) {
    throw new DbsafeError(
      'config-invalid',
      `The dbsafe configuration in ${where} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix ${file} and run the command again.`,
      ExitCode.usage,
    );
  }
  return { config: { ...DEFAULT_CONFIG, ...(raw as Partial<DbsafeConfig>) }, file };
}
