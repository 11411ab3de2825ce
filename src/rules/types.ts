/** One word of a shell command. `resolved` is false when its value is only known at run time ($x, $(…), globs). */
export interface ShellWord {
  text: string;
  resolved: boolean;
}

/** Where a command's standard input comes from: it decides whether a SQL client runs statements it was fed. */
export type StdinSource = 'terminal' | 'pipe' | 'file' | 'heredoc';

/**
 * A change to the environment the commands of a line see. `value` null: the
 * shell computes it at run time (`$X`, `$(…)`), `text` is the source as written.
 */
export type EnvChange =
  | { kind: 'set'; name: string; value: string | null; text: string }
  /** `source`: the name as written when only known at run time (`env -u $NAME`); `name` is then empty. */
  | { kind: 'unset'; name: string; source?: string }
  /** `env -i`: the command starts from an empty environment. */
  | { kind: 'clear' }
  /** `dotenv -e FILE`, `env-cmd -f FILE`: the variables of a dotenv file (absolute path; null when only known at run time). */
  | { kind: 'file'; path: string | null; written: string; source?: string };

/** One simple command of a parsed line, in the order the shell runs them. */
export interface SimpleCommand {
  /** Source text, for display. */
  text: string;
  /** The words after any `VAR=x` prefixes; words[0] is the command word. */
  words: ShellWord[];
  stdin: StdinSource;
  /** Text fed on stdin by a heredoc or here-string (a shell reading it runs it). */
  stdinText?: string;
  /** `VAR=x` prefixes: the environment of this command only. */
  assignments?: EnvChange[];
  /** `export X=…`, `X=…`, `unset X` written before this command (and after the previous one): in force from here on. */
  before?: EnvChange[];
  /** How many subshells (`( … )`, `$( … )`, `<( … )`) it runs in: a `cd` or `export` there does not outlive them. */
  subshell?: number;
}

export interface ParsedLine {
  commands: SimpleCommand[];
  /** The shell would not accept this text (or dbsafe could not read it): classified as guarded. */
  syntaxError: boolean;
}

/** Parses shell source synchronously; the classifier uses it for `bash -c`, `eval`, heredocs and script bodies. */
export type ShellParse = (source: string) => ParsedLine;

/** What a rule row says about an invocation. */
export type RuleKind = 'test' | 'migration' | 'data' | 'client' | 'generator' | 'read-only' | 'script' | 'user';

/**
 * One row of the command table. Exactly one of `args`, `flags`, `stdin`,
 * `always` says when it applies; see match.ts for how rows compete.
 */
export interface CommandRule {
  id: string;
  /** Command words this row applies to, after launchers are peeled off (`npx prisma` → `prisma`). */
  tools: readonly string[];
  /** Alternatives, each a space-separated list of globs over the positional arguments, in order. */
  args?: readonly string[];
  /** Applies when any of these options is present (`-c`, `--command=…`). */
  flags?: readonly string[];
  /** Applies when stdin is fed (pipe, file, heredoc). */
  stdin?: boolean;
  /** Applies to every invocation of the tool not decided by a more specific row. */
  always?: boolean;
  guard: boolean;
  kind: RuleKind;
  reason: string;
  /** The row applies only when one of these options is present (`atlas migrate apply --dry-run` prints the statements and runs none). */
  ifFlags?: readonly string[];
  /** The row does not apply when any of these options is present (`docker compose down` is harmless, `down -v` deletes the data). */
  unlessFlags?: readonly string[];
}

export interface Verdict {
  guarded: boolean;
  rule: string;
  reason: string;
  /** The deciding rule's kind, when a rule row decided. */
  kind?: RuleKind;
}

export interface Segment extends Verdict {
  text: string;
  /** The command's words as written (unresolved words keep their source text). */
  argv: string[];
}

/**
 * Connection settings a database client is given on its command line, as
 * written: option values and positionals by what they mean. Parsed into a
 * target in src/target; `value` null when only known at run time.
 */
/** `options-file`: the connection comes from a file dbsafe does not read (`--defaults-file`, `--login-path`). */
export type ConnectionSetting = 'host' | 'port' | 'database' | 'user' | 'socket' | 'file' | 'url' | 'options-file';
export interface ClientConnection {
  client: string;
  engine: 'postgres' | 'mysql' | 'sqlite' | 'mongodb';
  /** `source`: the value's text when it is only known at run time (`$DBHOST`), for the guard to expand from the environment. */
  settings: Array<{ setting: ConnectionSetting; value: string | null; written: string; source?: string }>;
}

/**
 * What one invocation that may touch a database runs with: the directory,
 * the environment changes in force (in order, from the start of the line),
 * and the connection a database client is told to use.
 */
export interface InvocationEffects {
  text: string;
  /**
   * The words of the invocation, launchers and wrappers removed (`prisma migrate dev`
   * of `npx prisma migrate dev`), unresolved words as written: framework readers
   * read the command's environment from them (`rails test`, `artisan --env=staging`).
   */
  argv?: string[];
  /** Null when the directory is only known at run time (`cd $X`, `npm --prefix $(…)`). */
  dir: string | null;
  /** What was written that made the directory unknown. */
  unknownDirectory?: string;
  env: EnvChange[];
  /** Set for a database client: the database it connects to is named here, not by the project. */
  client?: ClientConnection;
  /** Runs inside a container (`docker compose exec`): its connection settings name the container's databases. */
  inContainer?: boolean;
}

export interface Classification extends Verdict {
  segments: Segment[];
  /**
   * The invocations whose databases decide the guard: those under the guarded
   * parts of the line (all of them when no part is guarded).
   */
  effects: InvocationEffects[];
}

/** The scripts of the nearest package.json at or above a directory, or null when there is none. */
export interface PackageScripts {
  dir: string;
  scripts: Record<string, string>;
  /** The package's `name`, when read (workspace filters select packages by it). */
  name?: string;
}
export type ReadPackageScripts = (dir: string) => PackageScripts | null;

/** Rules from the project's configuration, already validated (user-rules.ts). */
export interface UserCommandRule {
  id: string;
  /** Globs over the leading words of an invocation, e.g. ["make", "test"]. */
  words: string[];
  guard: boolean;
  reason: string;
}

/** A make or just target: the targets it depends on and its recipe lines. */
export interface RecipeTarget {
  prerequisites: string[];
  recipe: string[];
}

/** The targets of the Makefile or justfile in a directory; `first` is the one run when none is named. */
/** A mix.exs's aliases: name → steps (mix task lines, `cmd …` shell lines, `&function/1`). */
export interface MixAliases {
  dir: string;
  aliases: Record<string, string[]>;
  /** The project's .check.exs turns ex_check's ExUnit tool off (`{:ex_unit, false}`). */
  checkWithoutTests?: boolean;
}

export interface RecipeFile {
  dir: string;
  file: string;
  first: string | null;
  targets: Record<string, RecipeTarget>;
  /** make: the variables the file sets to plain text (`LIQUIBASE = docker-compose run --rm liquibase`), for the recipes' `$(VAR)`. */
  variables?: Record<string, string>;
}

/** composer.json scripts (a script is one command or a list of them). */
export interface ComposerScripts {
  dir: string;
  scripts: Record<string, string[]>;
}

/** Project files beyond package.json that say what a runner runs; each returns null when there is none to read. */
/** A rake task the project defines: its file (relative to the project), prerequisites and body lines. */
export interface RakeTask {
  file: string;
  prerequisites: string[];
  body: string[];
}

/** The rake tasks of the project whose Rakefile is nearest a directory. */
export interface RakeTasks {
  dir: string;
  tasks: Record<string, RakeTask>;
  /**
   * Set when the Rakefile loads a Rails application that has a database
   * configured: the file that configures it (`config/database.yml`). Any
   * task there runs with the application, and its database, loaded.
   */
  database?: string;
}

/** The console commands a Laravel project defines (app/Console/Commands), by their signature's name. */
export interface ArtisanCommands {
  /** The directory of artisan. */
  dir: string;
  commands: Record<string, { file: string; text: string }>;
  /** `config/database.php` when the project configures a database: its unknown commands then fail closed. */
  database?: string;
}

/** The management commands a Django project defines (`<app>/management/commands/<name>.py`), by name. */
export interface DjangoCommands {
  /** The directory of manage.py. */
  dir: string;
  commands: Record<string, { file: string; text: string }>;
  /** The project's top-level Python packages (directories beside manage.py): imports from them are the application's code. */
  packages: string[];
}

export interface ProjectFiles {
  /** The packages of the workspace (npm/yarn `workspaces`, pnpm-workspace.yaml) the directory belongs to. */
  workspacePackages(dir: string): PackageScripts[] | null;
  composerScripts(dir: string): ComposerScripts | null;
  recipes(dir: string, runner: 'make' | 'just' | 'task'): RecipeFile | null;
  /** deno.json / deno.jsonc `tasks`, read like package.json scripts. */
  denoTasks(dir: string): PackageScripts | null;
  /** Rakefile, lib/tasks/**\/*.rake and rakelib/*.rake of the nearest project with a Rakefile; optional for readers that do not read Ruby. */
  rakeTasks?(dir: string): RakeTasks | null;
  /** The text of a small text file the line runs as a program (`bin/knapsack_pro_rspec`); null when absent, large or binary. */
  scriptText?(file: string): string | null;
  /** The Django project whose manage.py is `manage` (absolute path): its own management commands; null without that manage.py. */
  djangoCommands?(manage: string): DjangoCommands | null;
  /** The Laravel project whose artisan is `artisan` (absolute path): its own console commands; null without that artisan. */
  artisanCommands?(artisan: string): ArtisanCommands | null;
  /** The migration tool (Flyway, Liquibase) the nearest Gradle or Maven build declares, in its own or its subprojects' build files; null for none. */
  jvmMigrationTool?(dir: string): string | null;
  /** The `aliases` of the nearest mix.exs; optional for readers that do not read Elixir. */
  mixAliases?(dir: string): MixAliases | null;
}
