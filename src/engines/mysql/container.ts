import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { Target } from '../../target/types.js';
import { inContainer, type ContainerExec } from '../container/exec.js';
import { CONTAINER_PROFILES } from '../container/profiles.js';
import { toolPlacement, type EngineContainerOps, type ToolPlacement } from '../container/placement.js';
import { missingToolError, runTool, type ToolRun } from '../tools.js';
import { DUMP_TOOLS, dumpToolOrder, firstInstalled, parseClientVersion, parseServerVersion, rememberServerVersion, SQL_CLIENTS, type ClientProgram, type FlavouredVersion } from './clients.js';
import { mysqlMessages } from './messages.js';

/** A driver connection to the target's server without choosing a database (a restore may create it). */
async function withServer<T>(target: Target, work: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({
    host: target.socket ? undefined : (target.host ?? 'localhost'),
    socketPath: target.socket,
    port: target.port,
    user: target.user ?? 'root',
    password: target.password,
    connectTimeout: 5000,
  });
  try {
    return await work(connection);
  } finally {
    await connection.end().catch(() => undefined);
  }
}

/** The host's dump tool or SQL client cannot serve `server`: missing, another flavour, or an older release. Pure. */
export function hostToolsProblem(server: FlavouredVersion, dump: ClientProgram | null, client: ClientProgram | null): string | null {
  if (!dump) return missingToolError(server.flavour === 'mariadb' ? DUMP_TOOLS : ['mysqldump', 'mariadb-dump'], 'back up a MySQL/MariaDB database').message;
  if (!client) return missingToolError(SQL_CLIENTS, 'restore a MySQL/MariaDB database').message;
  const older = (program: ClientProgram) => program.major < server.major || (program.major === server.major && program.minor < server.minor);
  for (const program of [dump, client]) {
    if (program.flavour !== server.flavour || older(program)) return mysqlMessages.clientOlderThanServer(program, server);
  }
  return null;
}

/**
 * The client inside the container connects to the container's own server
 * over its socket (no host given), as the target's user; the password goes
 * in MYSQL_PWD through the exec's environment, never on a command line.
 */
export function containerConnection(target: Target): { args: string[]; env: Record<string, string | undefined> } {
  return { args: [`--user=${target.user ?? 'root'}`], env: { MYSQL_PWD: target.password } };
}

/** The first of `names` the container has, with its version. */
export async function containerProgram(exec: ContainerExec, names: readonly string[]): Promise<ClientProgram | null> {
  for (const name of names) {
    const result = await runTool(inContainer(exec, name, { args: ['--version'] }));
    const parsed = result.code === 0 ? parseClientVersion(result.stdout) : null;
    if (parsed) return { name, path: name, ...parsed };
  }
  return null;
}

export const mysqlContainerOps: EngineContainerOps = {
  profile: CONTAINER_PROFILES.mysql!,
  async hostProblem(target) {
    try {
      const server = parseServerVersion(await withServer(target, async (c) => String(((await c.query('SELECT VERSION() AS v')) as unknown as [Array<{ v: string }>])[0][0]!.v)));
      rememberServerVersion(target, server);
      const [dump, client] = await Promise.all([firstInstalled(dumpToolOrder(server)), firstInstalled(SQL_CLIENTS)]);
      return hostToolsProblem(server, dump, client);
    } catch (error) {
      return (error as Error).message;
    }
  },
  /**
   * MariaDB has no @@server_uuid (MySQL has), so the proof works for both:
   * the host's connection takes a named lock with a random name, and the
   * client inside the container asks its own server which connection holds
   * that lock. Only the same server knows it.
   */
  async identities(target, exec) {
    return withServer(target, async (connection) => {
      const name = `dbsafe_identity_${randomBytes(8).toString('hex')}`;
      const [rows] = (await connection.query('SELECT GET_LOCK(?, 0) AS got, CONNECTION_ID() AS id', [name])) as unknown as [Array<{ id: number }>];
      const host = String(rows[0]!.id);
      const client = await containerProgram(exec, SQL_CLIENTS);
      if (!client) return { host, container: new Error(`neither ${SQL_CLIENTS.join(' nor ')} runs inside it`) };
      const { args, env } = containerConnection(target);
      const result = await runTool(inContainer(exec, client.name, { args: [...args, '--batch', '--skip-column-names', '-e', `SELECT IFNULL(IS_USED_LOCK('${name}'), 'none')`], env }));
      const container = result.code === 0 ? result.stdout.trim() : new Error(result.stderr || `${client.name} exited with ${result.code}`);
      await connection.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
      return { host, container };
    });
  },
  describeMismatch: (host, container) =>
    `a lock dbsafe holds on the database's server (connection ${host}) is ${container === 'none' ? 'unknown to' : `held by connection ${container} of`} the server inside it`,
};

export function mysqlPlacement(target: Target): Promise<ToolPlacement> {
  return toolPlacement(mysqlContainerOps, target);
}

/** `program` with `args` for the container: the host's option file gives way to the container's own connection. Pure. */
export function containerRun(exec: ContainerExec, target: Target, optionFile: string, program: ClientProgram, args: readonly string[], io: Pick<ToolRun, 'stdin' | 'stdout' | 'onSpawn'>): ToolRun {
  const connection = containerConnection(target);
  const mapped = args.flatMap((arg) => (arg === `--defaults-extra-file=${optionFile}` ? connection.args : [arg]));
  return inContainer(exec, program.name, { args: mapped, env: connection.env, ...io });
}
