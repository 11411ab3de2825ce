import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** What the build reads: a change to any of these makes dist/ stale. */
const INPUTS = ['src', 'hooks', 'shell', 'bench', 'install.ts', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
/** Written last by `npm run build` (the bundle step). */
const BUILT = path.join(ROOT, 'dist', 'commands', 'package.json');

function newestChange(entry: string): number {
  let stat;
  try {
    stat = statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newestChange(path.join(entry, name))));
}

/**
 * The CLI tests run the built dist/. `npm test` builds first; a test file
 * run on its own (`npx vitest run test/x.test.ts`) after a source change
 * would otherwise test yesterday's build, so build here when any input is
 * newer than the last build.
 */
export default function setup(): void {
  const built = newestChange(BUILT);
  if (built > 0 && INPUTS.every((input) => newestChange(path.join(ROOT, input)) <= built)) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}
