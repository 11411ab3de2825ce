import type { DotenvFile } from '../target/resolve.js';
import type { EnvironmentVariable } from './types.js';

/**
 * The variables a command run in this project sees: the .env files in order,
 * then the shell, which wins (the same precedence target resolution uses). Pure.
 */
export function mergeEnvironment(env: Record<string, string | undefined>, dotenv: readonly DotenvFile[]): EnvironmentVariable[] {
  const merged = new Map<string, EnvironmentVariable>();
  for (const { file, values } of dotenv) {
    for (const [name, value] of Object.entries(values)) merged.set(name, { name, value, origin: { kind: 'dotenv', name, file } });
  }
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined) merged.set(name, { name, value, origin: { kind: 'env', name } });
  }
  return [...merged.values()];
}
