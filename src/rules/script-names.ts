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
  { id: 'script-database', names: ['migrate', 'migrate:*', 'migrate-*', 'migration*', 'seed', 'seed:*', 'seed-*', 'db', 'db:*', 'db-*', 'reset', 'reset:*', 'reset-*', '*:migrate', '*:migrate:*', '*:seed', '*:seed:*', '*:reset', '*:db:*', '*-migrate', '*-migrate-*', '*_migrate', '*-seed', '*-seed-*', 'populate', 'populate:*'], guard: true, kind: 'migration', reason: 'is named as a migration, seed, reset or database script' },
];

/**
 * What in a unit-test script's body says its tests use a database after all:
 * it picks the app's environment (whose configuration names the test
 * database: `NODE_ENV=test mocha tests/unit`), sets a database variable, or
 * copies an env file into place (`cp tests/unit/.pg.env tests/unit/.env`).
 */
export const UNIT_SCRIPT_DATABASE_SIGNS: readonly RegExp[] = [/\b(NODE_ENV|APP_ENV|RAILS_ENV|MIX_ENV)=/, /\b[A-Z_]*(DATABASE|DB)[A-Z_]*=/, /\.env\b\S*\s+\S*\.env\b/];

export function unitScriptUsesDatabase(body: string): boolean {
  return UNIT_SCRIPT_DATABASE_SIGNS.some((sign) => sign.test(body));
}

export function scriptNameRule(name: string): ScriptNameRule | null {
  return SCRIPT_NAME_RULES.find((rule) => rule.names.some((glob) => globMatches(glob, name))) ?? null;
}
