import path from 'node:path';
import { createRequire } from 'node:module';
import { readOptionalFile } from '../config/optional-file.js';
import type { DotenvFile } from './resolve.js';
import type { TargetProblem } from './types.js';

// dotenv loads node:crypto (~10 ms): require it only when a .env file exists.
const requireModule = createRequire(import.meta.url);
function parseDotenv(text: string): Record<string, string> {
  return (requireModule('dotenv') as typeof import('dotenv')).parse(text);
}

const APP_ENVIRONMENT_VARIABLES = ['APP_ENV', 'NODE_ENV', 'RAILS_ENV', 'RACK_ENV'] as const;

/**
 * The .env files read, lowest precedence first: `.env`, `.env.local`, then the
 * files of the current app environment (`.env.development`, `.env.development.local`).
 * Files for other environments (`.env.production`) are deliberately not read:
 * they describe databases the command is not about to use.
 */
export function envFileNames(env: Record<string, string | undefined>): string[] {
  const environment = APP_ENVIRONMENT_VARIABLES.map((name) => env[name]).find((value) => value && /^[\w-]+$/.test(value));
  const names = ['.env', '.env.local'];
  if (environment) names.push(`.env.${environment}`, `.env.${environment}.local`);
  return names;
}

export function readEnvFiles(projectRoot: string, env: Record<string, string | undefined>): { files: DotenvFile[]; problems: TargetProblem[] } {
  const files: DotenvFile[] = [];
  const problems: TargetProblem[] = [];
  for (const name of envFileNames(env)) {
    const file = path.join(projectRoot, name);
    const read = readOptionalFile(file);
    if (!read.found) {
      if (read.unreadable === undefined) continue;
      problems.push({
        origin: { kind: 'dotenv', name, file },
        code: 'unreadable-env-file',
        message: `${file} exists but cannot be read (${read.unreadable}), so dbsafe cannot tell which database it names. Fix its permissions (chmod u+r ${name}) or remove it.`,
      });
      continue;
    }
    files.push({ file, values: parseDotenv(read.text) });
  }
  return { files, problems };
}
