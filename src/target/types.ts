import type { UrlProblemCode } from './url-problem.js';

export type EngineName = 'postgres' | 'mysql' | 'sqlite' | 'mongodb';

export const ENGINE_LABELS: Record<EngineName, string> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL/MariaDB',
  sqlite: 'SQLite',
  mongodb: 'MongoDB',
};

/** Where one value of a target came from, so `check` can show it. */
export interface ValueOrigin {
  /**
   * `service`: a line of a PostgreSQL service file (`file`), in the section `name`.
   * `framework`: a framework's own configuration (`file`, key `name`: database.yml `test.database`),
   * or a variable a framework sets itself (phpunit.xml `<env>`).
   */
  kind: 'flag' | 'env' | 'dotenv' | 'config' | 'default' | 'service' | 'framework';
  /** The flag or variable name (`--url`, `DATABASE_URL`, `DB_HOST`), the service name, or a short description for defaults. */
  name: string;
  /** The file the value was read from, for `dotenv`, `config` and `service` values. */
  file?: string;
  /** The connection parameter inside that value that set the field (`dbname` of `?dbname=shop`, `host` of a service line). */
  parameter?: string;
  /** For a service: where its name came from (`PGSERVICE in .env`, `service` of DATABASE_URL). */
  via?: ValueOrigin;
  /** For a variable a framework read: the framework's file and key that read it (schema.prisma `datasource db.url`). */
  readBy?: ValueOrigin;
  /** A client whose reading of the same connection string names another database ("node-postgres"). */
  reading?: string;
}

export type TargetField = 'engine' | 'host' | 'port' | 'database' | 'user' | 'password' | 'socket' | 'tls';

export interface TlsSettings {
  /** sslmode / ssl-mode / tls as written by the user. */
  mode?: string;
  /** Client certificate and key: certificate-based authentication (a production indicator). */
  cert?: string;
  key?: string;
  rootCert?: string;
}

/**
 * One database a project names, fully parsed. Secrets stay in `password`;
 * anything shown to a user goes through `redactTarget` / `describeTarget`.
 */
export interface Target {
  engine: EngineName;
  /** Host name or IP address of the server (first host when several are listed). */
  host?: string;
  /** Every host of a multi-host URL (MongoDB replica sets, libpq host lists), and libpq's hostaddr addresses: each is judged. */
  hosts: string[];
  /** libpq's hostaddr: the addresses connected to, while the host names serve TLS and ~/.pgpass. */
  hostaddrs?: string[];
  /** Unix socket directory (PostgreSQL) or socket file (MySQL). */
  socket?: string;
  port?: number;
  /** Database name; for SQLite the absolute path of the database file. */
  database: string;
  user?: string;
  password?: string;
  tls: TlsSettings;
  /** mongodb+srv: the host is a DNS seed list for a cluster. */
  srv: boolean;
  /** Query parameters not interpreted above, kept for the engine's client. */
  params: Record<string, string>;
  /** The variable, flag or file that named this database as a whole. */
  origin: ValueOrigin;
  /** Where each individual field came from. */
  fields: Partial<Record<TargetField, ValueOrigin>>;
  /** The command's framework creates this database for the run and drops it (Django's `test_<NAME>`): its server is judged, nothing is backed up. */
  createdByRun?: true;
}

/** A variable that looked like a database setting but could not be understood. */
export interface TargetProblem {
  origin: ValueOrigin;
  code: UrlProblemCode | 'incomplete' | 'unreadable-env-file' | 'target-variable-unset';
  message: string;
}

/** A framework configuration dbsafe could not (fully) read: shown by check and explain; the command is judged on what could be read. */
export interface TargetNotice {
  framework: string;
  file: string;
  message: string;
}

export interface ResolvedTargets {
  /** The database a guarded command uses: the first in resolution order, or the one the config names. */
  primary: Target | null;
  /** Every database the project names, primary first, duplicates removed. */
  all: Target[];
  problems: TargetProblem[];
  /** Framework configuration that could not be read, when something else names a database (else they are problems). */
  notices?: TargetNotice[];
  /** The frameworks read for the command, and the environment each selected. */
  frameworks?: Array<{ framework: string; environment?: { name: string; reason: string } }>;
  /** The app environment whose .env files were read, and why. */
  environment?: { name: string; reason: string } | null;
}
