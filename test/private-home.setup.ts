import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Every test process gets a HOME of its own, removed afterwards: code that
 * tests call in-process (an engine's verify recording its scratch database,
 * the consent store) then writes there, never into the developer's real
 * ~/.local/state or ~/.cache. CLI runs get a home per test on top of this
 * (test/helpers/cli.ts).
 */
export default function setup(): () => void {
  const home = mkdtempSync(path.join(tmpdir(), 'dbsafe-test-home-'));
  process.env.DBSAFE_TEST_REAL_HOME = process.env.HOME ?? '';
  process.env.HOME = home;
  return () => rmSync(home, { recursive: true, force: true });
}
