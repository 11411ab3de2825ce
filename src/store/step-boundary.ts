import { writeFileSync } from 'node:fs';

/**
 * A named point between two steps of a snapshot or a restore, where a kill
 * must leave the database intact. The crash tests stop dbsafe exactly there:
 * with DBSAFE_STOP_AT naming the point, the process writes DBSAFE_STOP_AT_FILE
 * and waits to be killed with SIGKILL. Otherwise a no-op.
 */
export function stepBoundary(name: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.DBSAFE_STOP_AT !== name || !env.DBSAFE_STOP_AT_FILE) return;
  writeFileSync(env.DBSAFE_STOP_AT_FILE, `${process.pid}\n`);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(pause, 0, 0, 60_000);
}
