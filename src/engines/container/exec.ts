import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ToolRun } from '../tools.js';
import type { ContainerFacts } from './inventory.js';

/** A container to run a tool in, and the port its server listens on inside it. */
export interface ContainerExec {
  cli: string;
  container: ContainerFacts;
  internalPort: number;
}

/** The environment variable that marks a tool dbsafe started in a container, so that a stop finds it. */
const RUN_MARKER = 'DBSAFE_EXEC';

/**
 * Stops the processes carrying the marker `$1`. A `docker exec` client that
 * is killed leaves its process running in the container (the daemon keeps
 * draining its output), so a stopped backup would leave pg_dump behind.
 */
const STOP_SCRIPT = `for d in /proc/[0-9]*; do tr '\\0' '\\n' < "$d/environ" 2>/dev/null | grep -qx "${RUN_MARKER}=$1" && kill -TERM "\${d#/proc/}" 2>/dev/null; done; true`;

function stopInContainer(exec: ContainerExec, marker: string): void {
  spawnSync(exec.cli, ['exec', exec.container.id, 'sh', '-c', STOP_SCRIPT, 'dbsafe-stop', marker], { stdio: 'ignore', timeout: 10_000 });
}

/**
 * `run` of `tool` inside the container: `docker exec -i -e NAME … <id> tool args`.
 * The values of `run.env` (passwords included) go into the CLI's own
 * environment, and `-e NAME` without a value hands them on: never on a
 * command line. Stdin and stdout stream through the CLI unchanged; when
 * dbsafe stops its tools, the tool inside the container is stopped too.
 */
export function inContainer(exec: ContainerExec, tool: string, run: Omit<ToolRun, 'program'>): ToolRun {
  const marker = randomBytes(8).toString('hex');
  const env = [...Object.entries(run.env ?? {}), [RUN_MARKER, marker]].filter((entry): entry is [string, string] => entry[1] !== undefined);
  return {
    ...run,
    program: exec.cli,
    args: ['exec', '-i', ...env.flatMap(([name]) => ['-e', name]), exec.container.id, tool, ...run.args],
    env: Object.fromEntries(env),
    onStop: () => stopInContainer(exec, marker),
  };
}
