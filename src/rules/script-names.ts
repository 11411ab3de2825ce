import { globMatches } from './glob.js';
import type { RuleKind } from './types.js';

export interface ScriptNameRule {
  id: string;
  names: readonly string[];
  guard: boolean;
  kind: RuleKind;
  reason: string;
}

/**
 * package.json script names that say what the script does, first match wins.
 * The unit row comes first: `test:unit` is a test name, but unit tests do
 * not touch a database, so a unit script passes unless its body runs a
 * migration, a seed or a client (see package-scripts.ts).
 */
export const SCRIPT_NAME_RULES: readonly ScriptNameRule[] = [
  { id: 'script-unit-tests', names: ['unit', 'unit:*', 'test:unit', 'test:unit:*', '*:unit'], guard: false, kind: 'test', reason: 'is named as a unit-test script; unit tests do not use a database' },
  { id: 'script-static-checks', names: ['test:types', 'test:types:*', 'test:type', 'test:typecheck', 'test:tsc', 'test:lint', 'test:lint:*', 'test:format', 'test:prettier', 'test:eslint', 'typecheck', 'types', 'types:*'], guard: false, kind: 'read-only', reason: 'is named as a type, lint or format check; such checks use no database' },
  { id: 'script-test', names: ['test', 'test:*', 't', 'e2e', 'e2e:*', '*:e2e', 'integration', 'integration:*', '*:integration'], guard: true, kind: 'test', reason: 'is named as a test script; test suites usually write to the configured database' },
  { id: 'script-database', names: ['migrate', 'migrate:*', 'migrate-*', 'migration*', 'seed', 'seed:*', 'seed-*', 'db', 'db:*', 'db-*', 'reset', 'reset:*', 'reset-*', '*:migrate', '*:migrate:*', '*:seed', '*:seed:*', '*:reset', '*:db:*'], guard: true, kind: 'migration', reason: 'is named as a migration, seed, reset or database script' },
];

export function scriptNameRule(name: string): ScriptNameRule | null {
  return SCRIPT_NAME_RULES.find((rule) => rule.names.some((glob) => globMatches(glob, name))) ?? null;
}
