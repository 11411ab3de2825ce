import { Transform } from 'node:stream';
import type { Target } from '../../target/types.js';
import { findTool, missingToolError, runTool, toolVersion, writeSecretFile, type ToolResult, type ToolRun } from '../tools.js';
import type { ContainerExec } from '../container/exec.js';
import { containerProgram, containerRun, mysqlPlacement } from './container.js';
import { mysqlMessages } from './messages.js';
import { clientOptionFile } from './option-file.js';

export type MysqlFlavour = 'mariadb' | 'mysql';

export interface FlavouredVersion {
  flavour: MysqlFlavour;
  /** "10.11.19", "8.0.36". */
  version: string;
  major: number;
  minor: number;
}

export interface ClientProgram extends FlavouredVersion {
  name: string;
  path: string;
}

/** Dump tools and SQL clients, in order of preference within each flavour. */
export const DUMP_TOOLS = ['mariadb-dump', 'mysqldump'] as const;
export const SQL_CLIENTS = ['mariadb', 'mysql'] as const;

function splitVersion(version: string): { major: number; minor: number } {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return { major, minor };
}

/**
 * The flavour and release of a client from its `--version` line:
 * "mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, …", "mariadb from 11.4.2-MariaDB, client 15.2 …",
 * "mysqldump  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)".
 */
export function parseClientVersion(line: string): FlavouredVersion | null {
  const maria = /(?:Distrib|from) (\d+\.\d+\.\d+)-MariaDB/.exec(line);
  if (maria) return { flavour: 'mariadb', version: maria[1]!, ...splitVersion(maria[1]!) };
  const mysql = /Ver (\d+\.\d+\.\d+)/.exec(line);
  if (mysql) return { flavour: 'mysql', version: mysql[1]!, ...splitVersion(mysql[1]!) };
  return null;
}

/** `SELECT VERSION()` → "10.11.19-MariaDB-0+deb12u1" or "8.0.36". */
export function parseServerVersion(text: string): FlavouredVersion {
  const match = /^(\d+\.\d+\.\d+)/.exec(text.trim());
  const version = match?.[1] ?? text.trim();
  return { flavour: /mariadb/i.test(text) ? 'mariadb' : 'mysql', version, ...splitVersion(version) };
}

export function serverLabel(server: FlavouredVersion): string {
  return `${server.flavour === 'mariadb' ? 'MariaDB' : 'MySQL'} ${server.version}`;
}

export function programLabel(program: ClientProgram): string {
  return `${program.name} ${program.version}`;
}

/**
 * Which dump tool to use: mariadb-dump for a MariaDB server when installed,
 * otherwise mysqldump (on MariaDB systems it is mariadb-dump under its old name).
 */
export function chooseDumpTool(server: FlavouredVersion, available: readonly ClientProgram[]): ClientProgram | null {
  const byName = (name: string) => available.find((program) => program.name === name) ?? null;
  if (server.flavour === 'mariadb') return byName('mariadb-dump') ?? byName('mysqldump');
  return byName('mysqldump') ?? byName('mariadb-dump');
}

/**
 * What each kind of dump contains. `full` is the backup; `programs` (triggers,
 * routines, events) and `views` export the objects a RENAME TABLE swap
 * cannot move between databases.
 */
export const DUMP_MODES = {
  full: ['--single-transaction', '--routines', '--triggers', '--events', '--hex-blob'],
  programs: ['--no-data', '--no-create-info', '--triggers', '--routines', '--events'],
  views: ['--no-data', '--skip-triggers'],
} as const;

export type DumpMode = keyof typeof DUMP_MODES;

/**
 * mysqldump/mariadb-dump arguments. The option file comes first: both tools
 * only honour --defaults-extra-file in that position.
 */
export function dumpArguments(options: {
  optionFile: string;
  dump: ClientProgram;
  server: FlavouredVersion;
  dumpHelp: string;
  database: string;
  mode?: DumpMode;
  /** Only these tables or views (the `views` mode). */
  objects?: readonly string[];
}): string[] {
  const args = [`--defaults-extra-file=${options.optionFile}`, ...DUMP_MODES[options.mode ?? 'full'], '--default-character-set=utf8mb4', '--no-tablespaces'];
  const { dump, server } = options;
  // MySQL 8's mysqldump queries information_schema.COLUMN_STATISTICS, which older servers and MariaDB lack.
  const serverLacksColumnStatistics = server.flavour === 'mariadb' || server.major < 8;
  if (dump.flavour === 'mysql' && dump.major >= 8 && serverLacksColumnStatistics && options.dumpHelp.includes('column-statistics')) {
    args.push('--column-statistics=0');
  }
  // On a GTID-enabled MySQL server the dump would otherwise set GTID_PURGED, which a restore cannot do without SUPER.
  if (dump.flavour === 'mysql' && options.dumpHelp.includes('set-gtid-purged')) args.push('--set-gtid-purged=OFF');
  args.push(options.database, ...(options.objects ?? []));
  return args;
}

/** The dump tools for this server, in chooseDumpTool's order of preference. Pure. */
export function dumpToolOrder(server: FlavouredVersion): readonly string[] {
  return server.flavour === 'mariadb' ? DUMP_TOOLS : ['mysqldump', 'mariadb-dump'];
}

/** The dump tool for this server, with its --help text (flags differ between MySQL's and MariaDB's). */
export async function resolveDumpTool(server: FlavouredVersion, purpose: string): Promise<{ dump: ClientProgram; dumpHelp: string }> {
  const dump = await firstInstalled(dumpToolOrder(server));
  if (!dump) throw missingToolError(dumpToolOrder(server), purpose);
  const dumpHelp = dump.flavour === 'mysql' ? (await runTool({ program: dump.path, args: ['--help'] })).stdout : '';
  return { dump, dumpHelp };
}

const programsSeen = new Map<string, Promise<ClientProgram | null>>();

/** Asked once per process and PATH: the tool placement, the session and the choice of dump tool all want the same answers. */
function programInfo(name: string): Promise<ClientProgram | null> {
  const key = `${name}\0${process.env.PATH ?? ''}`;
  let found = programsSeen.get(key);
  if (!found) {
    found = lookUpProgram(name);
    programsSeen.set(key, found);
  }
  return found;
}

async function lookUpProgram(name: string): Promise<ClientProgram | null> {
  const path = findTool([name]);
  if (!path) return null;
  const line = await toolVersion(path);
  const parsed = line ? parseClientVersion(line) : null;
  return parsed ? { name, path, ...parsed } : null;
}

export async function installedPrograms(names: readonly string[]): Promise<ClientProgram[]> {
  const found = await Promise.all(names.map(programInfo));
  return found.filter((program): program is ClientProgram => program !== null);
}

/** The first of `names` installed: only the versions up to it are asked. */
export async function firstInstalled(names: readonly string[]): Promise<ClientProgram | null> {
  for (const name of names) {
    const program = await programInfo(name);
    if (program) return program;
  }
  return null;
}

/** The first SQL client installed, in order of preference. */
export async function requireSqlClient(purpose: string): Promise<ClientProgram> {
  const client = await firstInstalled(SQL_CLIENTS);
  if (!client) throw missingToolError(SQL_CLIENTS, purpose);
  return client;
}

export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A string literal that means the same whatever the sql_mode (NO_BACKSLASH_ESCAPES changes quoted strings). */
export function textLiteral(text: string): string {
  if (text === '') return "''";
  return `CONVERT(0x${Buffer.from(text, 'utf8').toString('hex')} USING utf8mb4)`;
}

/** Undo the escapes of the client's --batch output (tab, newline, backslash, NUL). */
export function unescapeBatchField(field: string): string {
  return field.replace(/\\([tn0\\])/g, (_match, code: string) => ({ t: '\t', n: '\n', '0': '\0', '\\': '\\' })[code] ?? code);
}

/** The SQL client's lines that mean a failure even when it exited 0. */
export function stderrErrors(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^(mysql|mariadb|mysqldump|mariadb-dump): \[?Warning\]?/i.test(line) && !/^Warning\b/i.test(line));
}

const serverVersionsSeen = new Map<string, FlavouredVersion>();

function serverKey(target: Target): string {
  return JSON.stringify([target.host, target.socket, target.port, target.user]);
}

/** What a connection to `target`'s server just read as its version (the tool placement's check), for the sessions that follow in this process. */
export function rememberServerVersion(target: Target, server: FlavouredVersion): void {
  serverVersionsSeen.set(serverKey(target), server);
}

/**
 * A connection to one server: the credentials live in a 0600 option file for
 * as long as the session is open, and the SQL client reads SQL from stdin.
 */
export class MysqlSession {
  readonly optionFile: string;
  private readonly removeOptionFile: () => void;

  private constructor(
    readonly target: Target,
    readonly client: ClientProgram,
    /** The container whose tools run, when the host's cannot serve the server (see toolPlacement). */
    readonly exec: ContainerExec | null = null,
  ) {
    const secret = writeSecretFile('client.cnf', clientOptionFile(target));
    this.optionFile = secret.file;
    this.removeOptionFile = secret.remove;
  }

  static async open(target: Target, purpose: string): Promise<MysqlSession> {
    const placement = await mysqlPlacement(target);
    if (placement.kind === 'host') return new MysqlSession(target, await requireSqlClient(purpose));
    const client = await containerProgram(placement.exec, SQL_CLIENTS);
    if (!client) throw missingToolError(SQL_CLIENTS, `${purpose} inside the container ${placement.exec.container.name}`);
    return new MysqlSession(target, client, placement.exec);
  }

  /** Run `program` (the session's client or a dump tool) with `args`, on the host or inside the container. */
  runProgram(program: ClientProgram, args: readonly string[], io: Pick<ToolRun, 'stdin' | 'stdout' | 'onSpawn'> = {}): Promise<ToolResult> {
    if (this.exec) return runTool(containerRun(this.exec, this.target, this.optionFile, program, args, io));
    return runTool({ program: program.path, args, ...io });
  }

  /** The dump tool for this server, from where the session's tools run. */
  async dumpTool(server: FlavouredVersion, purpose: string): Promise<{ dump: ClientProgram; dumpHelp: string }> {
    if (!this.exec) return resolveDumpTool(server, purpose);
    const dump = await containerProgram(this.exec, server.flavour === 'mariadb' ? DUMP_TOOLS : ['mysqldump', 'mariadb-dump']);
    if (!dump) throw missingToolError(DUMP_TOOLS, `${purpose} inside the container ${this.exec.container.name}`);
    const dumpHelp = dump.flavour === 'mysql' ? (await this.runProgram(dump, ['--help'])).stdout : '';
    return { dump, dumpHelp };
  }

  /** "mariadb-dump 11.8.3", "… (in container db-1)": the manifest's client tool. */
  label(program: ClientProgram): string {
    return this.exec ? `${programLabel(program)} (in container ${this.exec.container.name})` : programLabel(program);
  }

  close(): void {
    this.removeOptionFile();
  }

  clientArgs(extra: readonly string[]): string[] {
    return [`--defaults-extra-file=${this.optionFile}`, '--default-character-set=utf8mb4', ...extra];
  }

  /** Run SQL (fed on stdin) and return the rows, fields unescaped. Throws a DbsafeError naming the cause. */
  async query(sql: string): Promise<string[][]> {
    const result = await this.runProgram(this.client, this.clientArgs(['--batch', '--skip-column-names']), { stdin: sql });
    this.assertSucceeded(result);
    return result.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split('\t').map(unescapeBatchField));
  }

  assertSucceeded(result: ToolResult, during = 'talking to the server'): void {
    const errors = stderrErrors(result.stderr);
    if (result.code === 0 && errors.length === 0) return;
    throw mysqlMessages.clientFailed(this.target, during, errors.join(' ') || `exit code ${result.code ?? result.signal}`);
  }

  /** The server's version; where the tool placement already asked it in this process, without asking again. */
  async serverVersion(): Promise<FlavouredVersion> {
    const known = serverVersionsSeen.get(serverKey(this.target));
    if (known) return known;
    const [row] = await this.query('SELECT VERSION();');
    return parseServerVersion(row?.[0] ?? '');
  }
}

const SANDBOX_LINE = /^\/\*M!999999\\- enable the sandbox mode \*\/\s*$/;

/**
 * Drops the first line of a dump when it is mariadb-dump's "sandbox mode"
 * command, which MySQL's client and MariaDB clients before 10.5.25/10.6.18/
 * 10.11.8 reject. Nothing is lost: the load runs with --binary-mode, which
 * already turns off every client command (the sandbox's purpose) except
 * `delimiter` and `charset`.
 */
export function withoutSandboxLine(): Transform {
  let head: Buffer | null = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (head === null) return done(null, chunk);
      head = Buffer.concat([head, chunk]);
      const newline = head.indexOf(0x0a);
      if (newline < 0 && head.length < 4096) return done();
      const firstLine = head.subarray(0, newline < 0 ? head.length : newline).toString('utf8');
      const rest = SANDBOX_LINE.test(firstLine) ? head.subarray(newline + 1) : head;
      head = null;
      done(null, rest);
    },
    flush(done) {
      // A dump shorter than one line: pass it on unchanged, the client reports what is wrong with it.
      done(null, head && head.length > 0 ? head : undefined);
    },
  });
}

/** The same, for a dump already in memory. */
export function withoutSandboxText(text: string): string {
  const newline = text.indexOf('\n');
  return newline >= 0 && SANDBOX_LINE.test(text.slice(0, newline)) ? text.slice(newline + 1) : text;
}

export { SANDBOX_LINE };
