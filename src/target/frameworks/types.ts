import type { EngineName } from '../types.js';

/**
 * The contract between the framework readers (one file per framework under
 * src/target/frameworks/) and target resolution. A reader answers, for one
 * command in one project, "which database(s) will the framework connect to,
 * and where did each value come from". Readers are pure: they read the
 * project's files as text or structured data through `readFile` and never
 * execute project code.
 */

export type FrameworkId = 'laravel' | 'symfony' | 'rails' | 'django' | 'prisma' | 'drizzle' | 'knex' | 'sequelize' | 'typeorm';

/** A file's text; `undefined` when it does not exist; `{ unreadable }` when it exists but cannot be read. */
export type FrameworkFileRead = string | undefined | { unreadable: string };

export interface FrameworkInput {
  /** The project root (the directory holding the dbsafe config, package.json or .git). */
  root: string;
  /** The directory the command runs in (a package of a monorepo, a subdirectory). */
  dir: string;
  /**
   * The words of the invocation the framework runs, wrappers and launchers
   * removed (`['php', 'artisan', 'test', '--env=staging']`, `['bundle', 'exec', 'rspec']`,
   * `['npx', 'prisma', 'migrate', 'dev']`); null when there is no command
   * (`dbsafe check`, a bare `dbsafe guard`): then the framework's default
   * environment is read.
   */
  argv: readonly string[] | null;
  /** A variable of the environment the command runs with: the shell, the command line's own changes, then the project's .env files. */
  variable: (name: string) => string | undefined;
  /**
   * A variable of the shell and the command line alone, without the .env
   * files: Laravel chooses `.env.<APP_ENV>` from it, and test helpers keep a
   * RAILS_ENV only when the shell set it. Without it, readers tell the shell's
   * value from a .env file's by comparing with the files.
   */
  shell?: (name: string) => string | undefined;
  /** Read a file (absolute path). */
  readFile: (file: string) => FrameworkFileRead;
  /**
   * The names of a directory's entries (absolute path), `undefined` when it is
   * not a readable directory. For configurations split over a folder (Prisma's
   * multi-file `prisma/schema/`); a reader that needs it reports a problem
   * when it is not given.
   */
  listDirectory?: (dir: string) => string[] | undefined;
}

/** Where one value came from: a file and the key inside it, or a variable. */
export interface FrameworkSource {
  /** Absolute path of the file the value was read from (database.yml, schema.prisma, phpunit.xml…). */
  file?: string;
  /** The key inside that file (`test.database`, `datasource db.url`, `DATABASES.default.NAME`, `<env name="DB_DATABASE">`). */
  key?: string;
  /** The variable the value came from (`ENV.fetch("DB_HOST")`, `env("POSTGRES_PRISMA_URL")`). */
  variable?: string;
  /** A default written in the file (`ENV.fetch("DB_HOST", "localhost")` when DB_HOST is unset), or the framework's own default. */
  isDefault?: boolean;
}

export type FrameworkField = 'engine' | 'host' | 'port' | 'database' | 'user' | 'password' | 'socket';

/** One database the framework will connect to for this command. Either a whole connection string, or fields. */
export interface FrameworkCandidate {
  framework: FrameworkId;
  /** What this candidate is, for messages: "database.yml `test`", "schema.prisma datasource db (directUrl)". */
  label: string;
  /** A whole connection string: a URL (postgres://, mysql://, file:, sqlite:), a JDBC URL or a libpq conninfo. */
  url?: string;
  /** Field by field, when the framework names the database that way (database.yml, Django DATABASES, knexfile connection objects). */
  fields?: Partial<Record<FrameworkField, string>> & { engine?: EngineName };
  /** Relative SQLite paths (in `url` or `fields.database`) are resolved against this directory (schema.prisma's directory for Prisma). */
  relativeTo: string;
  /** Where the candidate as a whole came from. */
  source: FrameworkSource;
  /** Where each field came from, where it differs from `source`. */
  fieldSources?: Partial<Record<FrameworkField, FrameworkSource>>;
  /**
   * The framework creates this database itself for the run and drops it after
   * (Django's and pytest-django's `test_<NAME>`): the server is judged, and
   * there is nothing of the user's to back up in it.
   */
  createdByRun?: boolean;
}

/** Something a reader could not read; the command is then judged on what could be read (fail closed when nothing could). */
export interface FrameworkProblem {
  framework: FrameworkId;
  /** The file (absolute path) or setting that could not be read. */
  file: string;
  /** One line naming the cause and the fix, for `check` and `explain`. */
  message: string;
}

export interface FrameworkReading {
  framework: FrameworkId;
  /** The environment the framework selects for this command, and why ("test: `rspec` runs with RAILS_ENV=test"). */
  environment?: { name: string; reason: string };
  /**
   * The .env files (absolute paths, lowest precedence first) the framework
   * loads for this command, replacing dbsafe's default list: Laravel's
   * `.env.testing` for `artisan test`, `.env.staging` for `--env=staging`;
   * Symfony's `.env.dev`. Omitted when the default list is right.
   */
  envFiles?: string[];
  /**
   * Variables the framework itself sets for this command, over the .env files
   * and under nothing else the reader knows of (phpunit.xml `<env>`/`<server>`,
   * `NODE_ENV=test` that a test runner sets in its own process).
   */
  variables?: Record<string, FrameworkVariable>;
  /** Databases named by the framework's own configuration for this command. */
  candidates: FrameworkCandidate[];
  problems: FrameworkProblem[];
}

/** A variable the framework sets for the command. */
export interface FrameworkVariable {
  value: string;
  source: FrameworkSource;
  /**
   * The framework sets it over the shell's own value too (phpunit.xml
   * `<server>` and `<env force="true">`); otherwise the shell's value wins.
   */
  overridesShell?: boolean;
}

/** A framework's reader: null when the project does not use that framework (its files are absent). */
export type FrameworkReader = (input: FrameworkInput) => FrameworkReading | null;
