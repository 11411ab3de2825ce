import type { ToolRun } from '../tools.js';
import type { ContainerFacts } from './inventory.js';

/** A container to run a tool in, and the port its server listens on inside it. */
export interface ContainerExec {
  cli: string;
  container: ContainerFacts;
  internalPort: number;
}

/**
 * `run` of `tool` inside the container: `docker exec -i -e NAME … <id> tool args`.
 * The values of `run.env` (passwords included) go into the CLI's own
 * environment, and `-e NAME` without a value hands them on: never on a
 * command line. Stdin and stdout stream through the CLI unchanged. Pure.
 */
export function inContainer(exec: ContainerExec, tool: string, run: Omit<ToolRun, 'program'>): ToolRun {
  const env = Object.entries(run.env ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return {
    ...run,
    program: exec.cli,
    args: ['exec', '-i', ...env.flatMap(([name]) => ['-e', name]), exec.container.id, tool, ...run.args],
    env: Object.fromEntries(env),
  };
}
