import type { Target } from '../../target/types.js';
import type { ContainerExec } from '../container/exec.js';
import { inContainer } from '../container/exec.js';
import { CONTAINER_PROFILES } from '../container/profiles.js';
import { toolPlacement, type EngineContainerOps, type ToolPlacement } from '../container/placement.js';
import { runTool, type ToolResult, type ToolRun } from '../tools.js';
import { pgToolFor, parseToolVersion, type PgTool } from './binaries.js';
import type pg from 'pg';
import { withConnection, withLibpqEnv, withMaintenanceConnection } from './connection.js';
import { serverVersionOf, serverVersionOfServer, type ServerVersion } from './databases.js';

/**
 * A connection to the target's server: its database first (the one the
 * user's password is surely for, ~/.pgpass may name only it), else the
 * maintenance database (a restore may recreate a database that is gone).
 */
async function withServerConnection<T>(target: Target, work: (client: pg.Client) => Promise<T>): Promise<T> {
  try {
    return await withConnection(target, target.database, work);
  } catch {
    return withMaintenanceConnection(target, work);
  }
}

/** One value per cluster (initdb), asked of its maintenance database: the target database may not exist yet. */
const IDENTITY_SQL = 'SELECT system_identifier::text AS id FROM pg_control_system()';

/**
 * libpq's environment inside the container: no host, so the client uses the
 * container's own socket (only the container that runs the server has it),
 * on the port the server listens on in there. The password travels in the
 * exec's environment (see inContainer), never on a command line.
 */
function containerLibpqEnv(target: Target, exec: ContainerExec, database: string): Record<string, string | undefined> {
  return {
    PGPORT: String(exec.internalPort),
    PGUSER: target.user,
    PGPASSWORD: target.password,
    PGDATABASE: database,
    PGAPPNAME: 'dbsafe',
    PGCONNECT_TIMEOUT: '10',
  };
}

export const postgresContainerOps: EngineContainerOps = {
  profile: CONTAINER_PROFILES.postgres!,
  async identities(target, exec) {
    const host = await withServerConnection(target, async (client) => (await client.query<{ id: string }>(IDENTITY_SQL)).rows[0]!.id);
    const result = await runTool(inContainer(exec, 'psql', { args: ['-XAtq', '-c', IDENTITY_SQL], env: containerLibpqEnv(target, exec, 'postgres') }));
    const container = result.code === 0 ? result.stdout.trim() : new Error(result.stderr || `psql exited with ${result.code}`);
    return { host, container };
  },
  describeMismatch: (host, container) => `its PostgreSQL server reports system_identifier ${container}, the database's server ${host}`,
  async hostProblem(target) {
    try {
      const server = await serverVersionOf(target).catch(() => serverVersionOfServer(target));
      // pg_restore comes in the same package: one check is enough.
      await pgToolFor('pg_dump', server);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  },
};

/** A PostgreSQL client tool ready to run against one server, on the host or inside its container. */
export interface PgRunner {
  /** "pg_dump 17.2", "pg_dump 17.2 (in container db-1)". */
  label: string;
  run(database: string, run: Omit<ToolRun, 'program' | 'env'> & { env?: Record<string, string | undefined> }): Promise<ToolResult>;
  /**
   * Hand `use` a builder of the tool's run for `database` (program, connection
   * environment, password file), valid while `use` runs: for pipelines that
   * start the tool themselves (compression in the stream).
   */
  prepare<T>(database: string, use: (build: (run: Omit<ToolRun, 'program' | 'env'> & { env?: Record<string, string | undefined> }) => ToolRun) => Promise<T>): Promise<T>;
}

async function containerToolVersion(exec: ContainerExec, tool: PgTool): Promise<string> {
  const result = await runTool(inContainer(exec, tool, { args: ['--version'] }));
  return parseToolVersion(result.stdout)?.version ?? 'version unknown';
}

/** Where `tool` runs for `target` (see toolPlacement). */
export function pgPlacement(target: Target): Promise<ToolPlacement> {
  return toolPlacement(postgresContainerOps, target);
}

export async function pgRunner(tool: PgTool, target: Target, server: ServerVersion | null): Promise<PgRunner> {
  const placement = await pgPlacement(target);
  if (placement.kind === 'container') {
    const { exec } = placement;
    return {
      label: `${tool} ${await containerToolVersion(exec, tool)} (in container ${exec.container.name})`,
      run: (database, run) => runTool(inContainer(exec, tool, { ...run, env: { ...containerLibpqEnv(target, exec, database), ...run.env } })),
      prepare: (database, use) => use((run) => inContainer(exec, tool, { ...run, env: { ...containerLibpqEnv(target, exec, database), ...run.env } })),
    };
  }
  const found = await pgToolFor(tool, server);
  return {
    label: `${tool} ${found.version}`,
    run: (database, run) => withLibpqEnv(target, database, (env) => runTool({ ...run, program: found.file, env: { ...env, ...run.env } })),
    prepare: (database, use) => withLibpqEnv(target, database, (env) => use((run) => ({ ...run, program: found.file, env: { ...env, ...run.env } }))),
  };
}
