import { existsSync } from 'node:fs';
import path from 'node:path';

/** Lock files name the package manager that runs the project's scripts. */
const LOCK_FILES: readonly { file: string; manager: string }[] = [
  { file: 'pnpm-lock.yaml', manager: 'pnpm' },
  { file: 'yarn.lock', manager: 'yarn' },
  { file: 'bun.lockb', manager: 'bun' },
  { file: 'bun.lock', manager: 'bun' },
  { file: 'package-lock.json', manager: 'npm' },
];

/** `npm init` writes this test script; it is no test suite. */
const NPM_PLACEHOLDER_TEST = /no test specified/;

/**
 * The command the pre-push hook runs through `dbsafe run`, as argv: the
 * configured `prePush` command, else the package.json test script run by the
 * project's package manager, else none (null). `prePush: false` turns it off.
 */
export function prePushCommand(projectRoot: string, configured: string | false | undefined, scripts: Record<string, unknown> | null): string[] | null {
  if (configured === false) return null;
  if (typeof configured === 'string') {
    // A plain word list runs as is; anything with shell syntax goes through sh -c.
    return /^[\w./:@=,+-]+( +[\w./:@=,+-]+)*$/.test(configured.trim()) ? configured.trim().split(/ +/) : ['sh', '-c', configured];
  }
  const test = scripts?.test;
  if (typeof test !== 'string' || NPM_PLACEHOLDER_TEST.test(test)) return null;
  const manager = LOCK_FILES.find(({ file }) => existsSync(path.join(projectRoot, file)))?.manager ?? 'npm';
  return [manager, 'test'];
}
