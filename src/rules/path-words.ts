import type { EnvChange } from './types.js';
import type { RuleVerdict } from './match.js';

/**
 * Words that, as a word of a script's path, say the script changes a
 * database: `tsx scripts/seed-users.ts`, `node build/tasks/migrate.js`,
 * `php database/seed_all.php`, `bun db/reset.ts`. A word of the path, not a
 * substring: `seedling.ts` and `dropdown.js` are not database scripts.
 */
export const DATABASE_PATH_WORDS: readonly string[] = ['seed', 'seeds', 'seeder', 'seeders', 'seeding', 'migrate', 'migrates', 'migrating', 'migration', 'migrations', 'migrator', 'fixture', 'fixtures', 'reset', 'truncate', 'drop', 'populate', 'populates', 'populating'];

/** Files a project runs as scripts: a word with one of these endings, or any word with a directory part, is a script path. */
const SCRIPT_EXTENSIONS = /\.(m?[jt]s|c[jt]s|tsx?|jsx?|php|py|rb|sh|bash|exs?|pl|sql)$/;

/** The words of a path: split at / . _ - and at lower-to-upper case changes (`seedUsers.ts` → seed, users, ts). */
function pathWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s/\\._-]+/)
    .map((word) => word.toLowerCase())
    .filter((word) => word !== '');
}

/**
 * A path that names a database and sets it up (`scripts/init-db.js`,
 * `sqlite-database/setup.js`, `./dbsetup`): guarded when it has a word of
 * each list, or one of the joined words.
 */
export const DATABASE_NOUNS: readonly string[] = ['db', 'database', 'databases', 'sqlite', 'postgres', 'postgresql', 'mysql', 'pg'];
export const DATABASE_SETUP_VERBS: readonly string[] = ['setup', 'init', 'initialize', 'initialise', 'recreate', 'populate', 'load', 'restore', 'rebuild', 'wipe', 'clear', 'clean', 'import'];
// efbundle: the default name of an EF Core migration bundle (`dotnet ef migrations bundle`), which applies the migrations when run.
export const JOINED_SETUP_WORDS: readonly string[] = ['efbundle', 'dbsetup', 'setupdb', 'dbinit', 'initdb', 'createdb', 'resetdb', 'dbreset', 'seeddb', 'dbseed'];
/** Adjacent words naming a script that fills a database (`app/initial_data.py`, `scripts/create_superuser.py`). */
export const DATABASE_PATH_PHRASES: readonly string[] = ['initial data', 'create superuser', 'create admin', 'create tables', 'load data', 'sample data', 'demo data'];

/** The database word in a script's path, or null when the word is not a script path or names no database work. Pure. */
export function databasePathWord(text: string): string | null {
  if (!text.includes('/') && !SCRIPT_EXTENSIONS.test(text)) return null;
  const words = pathWords(text);
  const single = words.find((word) => DATABASE_PATH_WORDS.includes(word) || JOINED_SETUP_WORDS.includes(word));
  if (single) return single;
  const phrase = words.slice(1).map((word, index) => `${words[index]} ${word}`).find((pair) => DATABASE_PATH_PHRASES.includes(pair));
  if (phrase) return phrase;
  const noun = words.find((word) => DATABASE_NOUNS.includes(word));
  const verb = words.find((word) => DATABASE_SETUP_VERBS.includes(word));
  return noun && verb ? `${noun}" and "${verb}` : null;
}

/** Words of a framework command's name that say it only reports (`get_migration_status`, `migrations:list`, `seed:show`). */
export const READ_ONLY_NAME_WORDS: readonly string[] = ['status', 'list', 'show', 'check', 'print', 'plan'];
/** Words that change data whatever else the name says: `db:reset_and_check` resets, then checks. */
const CHANGING_NAME_WORDS: readonly string[] = ['reset', 'drop', 'seed', 'seeds', 'truncate', 'fresh', 'wipe', 'purge', 'delete', 'clear', 'load', 'rollback', 'refresh', 'populate', 'import', 'restore', 'flush', 'destroy', 'clean', 'run', 'up', 'down', 'apply', 'fix', 'repair', 'and', 'then'];

function serverTestPathVerdict(scriptPath: string): RuleVerdict | null {
  if (!scriptPath.includes('/') && !SCRIPT_EXTENSIONS.test(scriptPath)) return null;
  const words = pathWords(scriptPath.slice(scriptPath.lastIndexOf('/') + 1));
  const test = words.find((w) => TEST_NAME_WORDS.includes(w));
  const server = words.find((w) => SERVER_TEST_WORDS.includes(w));
  if (!test || !server) return null;
  return { guarded: true, rule: 'path-word', reason: `runs the script ${scriptPath}, whose name has the words "${test}" and "${server}": the server-side tests, which use the database (if they do not, add it to "commands.allow" in dbsafe.config.json)`, kind: 'test' };
}

/** Words of a framework command's name that say it runs a test suite (`rake plugin:turbo_spec`, `rake test:system`). */
export const TEST_NAME_WORDS: readonly string[] = ['spec', 'specs', 'test', 'tests', 'rspec', 'cucumber', 'minitest'];
const SCHEMA_VERBS: readonly string[] = ['sync', 'update', 'create', 'drop', 'load', 'apply', 'migrate', 'reset'];

/**
 * A framework's command that no row and no readable body decides (a
 * management command, console command or rake task whose file is absent or
 * in a package), judged by the words of its name: `migrate_clickhouse`,
 * `run_async_migrations`, `sylius:fixtures:load`, `sync_replicated_schema`,
 * `plugin:turbo_spec`. Null when the name says nothing. Pure.
 */
export function commandNameVerdict(tool: string, command: string): RuleVerdict | null {
  const words = pathWords(command.replaceAll(':', ' '));
  const reads = words.some((w) => CHANGING_NAME_WORDS.includes(w)) ? undefined : words.find((w) => READ_ONLY_NAME_WORDS.includes(w));
  if (reads) return { guarded: false, rule: 'command-name-word', reason: `runs the ${tool} command ${command}, whose name has the word "${reads}": it reports, and changes nothing`, kind: 'read-only' };
  const database = words.find((word) => DATABASE_PATH_WORDS.includes(word) || JOINED_SETUP_WORDS.includes(word));
  const schema = words.includes('schema') && words.some((word) => SCHEMA_VERBS.includes(word)) ? 'schema' : undefined;
  const noun = words.find((word) => DATABASE_NOUNS.includes(word));
  const verb = words.find((word) => DATABASE_SETUP_VERBS.includes(word));
  const word = database ?? schema ?? (noun && verb ? `${noun}" and "${verb}` : undefined);
  if (word) return { guarded: true, rule: 'command-name-word', reason: `runs the ${tool} command ${command}, whose name has the word "${word}" (if it does not touch a database, add it to "commands.allow" in dbsafe.config.json)`, kind: 'migration' };
  const test = words.find((w) => TEST_NAME_WORDS.includes(w));
  if (test) return { guarded: true, rule: 'command-name-word', reason: `runs the ${tool} command ${command}, whose name has the word "${test}": a test suite, which usually writes to the database it is configured for`, kind: 'test' };
  return null;
}

/**
 * Words that, next to a test word in a script's path, say the tests run
 * against the server side (`./tools/test-backend`, `scripts/run-api-tests.sh`,
 * `bin/test-integration`), which has the database; `tools/test-documentation`
 * or `scripts/test-lint.sh` name none.
 */
export const SERVER_TEST_WORDS: readonly string[] = ['backend', 'api', 'server', 'integration', 'e2e', 'db', 'database', 'models'];

/** Guarded when the script's path says it seeds, migrates, resets, truncates or drops, or runs the server-side tests. */
export function pathWordVerdict(scriptPath: string, env: readonly EnvChange[] = []): RuleVerdict | null {
  const word = databasePathWord(scriptPath);
  // Tests given the URL of a running server (`APIURL=http://localhost:3000/api ./run-api-tests.sh`) only talk HTTP to it.
  if (!word) return env.some((change) => change.kind === 'set' && /^https?:\/\//.test(change.value ?? '')) ? null : serverTestPathVerdict(scriptPath);
  return {
    guarded: true,
    rule: 'path-word',
    reason: `runs the script ${scriptPath}, whose path has the word "${word}" (if it does not touch a database, add it to "commands.allow" in dbsafe.config.json)`,
    kind: 'script',
  };
}

/**
 * Subcommands with which an application's own command-line program sets up
 * or changes its database, whatever the program is called: the project's
 * binary run by its path (`target/lemmy_server migration run`, `./pocketbase
 * migrate up`) or an application installed under its own name (`superset
 * load-examples`, `superset fab create-admin`, `sentry upgrade`). A program
 * the table knows is decided by its rows before this is asked.
 */
export const PROGRAM_DATABASE_SUBCOMMANDS: readonly string[] = [
  'migrate', 'migration', 'migrations', 'seed', 'db:migrate', 'db:seed', 'db:reset', 'db:setup', 'upgrade',
  'update-db', 'updatedb', 'updb', 'load-examples', 'load_examples', 'loaddata', 'create-admin', 'create_admin', 'createadmin', 'createsuperuser', 'create-superuser', 'create_superuser',
];
/**
 * Applications installed under their own name whose plain-word subcommand
 * sets up their database or opens their console, where the word alone says
 * nothing for other programs (`superset init` creates Superset's roles and
 * permissions; `git init` touches no database).
 */
export const NAMED_PROGRAM_DATABASE_SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = { superset: ['init', 'shell'], airflow: ['initdb', 'resetdb', 'upgradedb'] };
/** Options with which a program run by its path migrates, installs its schema or seeds (`./miniflux -migrate`, `./listmonk --install`, `./listmonk --upgrade`). */
export const PROGRAM_DATABASE_OPTIONS: readonly string[] = ['-migrate', '--migrate', '--run-migrations', '--seed', '-install', '--install', '-upgrade', '--upgrade'];
/** `<program> db <verb>` (`superset db upgrade`, `airflow db migrate`, `flask db upgrade`): a database noun followed by one of these verbs. */
export const PROGRAM_DATABASE_NOUNS: readonly string[] = ['db', 'database'];
const PROGRAM_DATABASE_VERBS: readonly string[] = ['upgrade', 'downgrade', 'migrate', 'init', 'initialize', 'seed', 'reset', 'setup', 'create', 'drop', 'load', 'import', 'restore', 'push', 'wipe', 'clean', 'stamp'];
/**
 * Programs known by name whose `upgrade` or `migrate` changes packages or
 * code, not a database (`helm upgrade`, `nx migrate latest`, `flutter
 * upgrade`): the bare-name form of the rule does not apply to them.
 */
const CODE_UPGRADE_PROGRAMS: ReadonlySet<string> = new Set([
  'helm', 'brew', 'apt', 'apt-get', 'flutter', 'dart', 'rustup', 'npm', 'yarn', 'pnpm', 'bun', 'deno', 'pip', 'pip3', 'pipx', 'poetry', 'uv', 'choco', 'winget', 'scoop', 'snap', 'gcloud', 'az', 'gh', 'asdf', 'mise', 'volta', 'sdk', 'conda', 'mamba',
  'nx', 'ng', 'storybook', 'sb', 'expo', 'react-native', 'terraform', 'tofu', 'pulumi', 'kubectl', 'kubeadm', 'eksctl', 'juju', 'vagrant', 'do-release-upgrade', 'softwareupdate', 'pacman', 'zypper', 'port', 'nix', 'nix-env', 'tailwindcss', 'codemod', 'jscodeshift', 'eslint', 'biome', 'rome', 'ncu', 'npm-check-updates', 'renovate', 'gem', 'bundle', 'composer', 'cargo', 'go', 'dotnet', 'sdkmanager', 'pod', 'fastlane', 'mix', 'hex', 'rebar3', 'stack', 'cabal', 'opam', 'vcpkg', 'conan', 'docker', 'podman',
]);

/** Subcommands with which an application's program runs code it is given (Elixir releases: `eval`, `rpc`). */
const CODE_RUNNING_SUBCOMMANDS: readonly string[] = ['eval', 'rpc'];

/** Words that, after a program known only by name, are more often a directory it is given (`sqlfluff lint migrations`) than a subcommand. */
const BARE_NAME_DIRECTORY_WORDS: readonly string[] = ['migrations'];

/** What after the subcommand only writes a file or reads (`./pocketbase migrate create add_users`, `migrate status`). */
const PROGRAM_FILE_ONLY_NEXT: readonly string[] = ['create', 'new', 'generate', 'make', 'status', 'list', 'info', 'version', 'collections', 'help', '--help', '-h', 'history', 'current', 'show', 'check', 'render'];

/**
 * Guarded when a program the table does not know is given a database
 * subcommand (among its first words, before or after options), `db <verb>`,
 * or (run by its path) a database option; passed when what follows the
 * subcommand only writes a file or reads. `name` is the command word without
 * its directory. Null when nothing in the arguments points at a database. Pure.
 */
export function programSubcommandVerdict(program: string, name: string, args: readonly { text: string; resolved: boolean }[]): RuleVerdict | null {
  const byPath = program.includes('/');
  // `npx storybook@latest upgrade`: the package's version is no part of its name.
  if (!byPath && CODE_UPGRADE_PROGRAMS.has(name.replace(/(.)@[^@/]*$/, '$1'))) return null;
  const resolved = args.filter((arg) => arg.resolved).map((arg) => arg.text);
  const option = byPath ? resolved.find((arg) => PROGRAM_DATABASE_OPTIONS.includes(arg) || PROGRAM_DATABASE_OPTIONS.some((o) => arg.startsWith(`${o}=`))) : undefined;
  if (option) return { guarded: true, rule: 'program-subcommand', reason: `runs the program ${program} with ${option}, which installs, upgrades, migrates or seeds its database`, kind: 'migration' };
  // The subcommand path (`fab create-admin`, `db upgrade`, `--config=x upgrade`): leading words that are not
  // options, skipping options; a word after an option without `=` may be its value (`-pkg migrations`), so it ends the path.
  const positional: { text: string; resolved: boolean }[] = [];
  for (const [index, arg] of args.entries()) {
    if (!arg.resolved || positional.length === 3) break;
    if (arg.text.startsWith('-')) continue;
    const previous = args[index - 1];
    if (previous?.text.startsWith('-') && !previous.text.includes('=')) break;
    if (!byPath && BARE_NAME_DIRECTORY_WORDS.includes(arg.text)) break;
    positional.push(arg);
  }
  // An Elixir release's `eval`/`rpc` runs the code it is given (`bin/app eval MyApp.Release.migrate`): judged by the code's words.
  if (positional[0] && CODE_RUNNING_SUBCOMMANDS.includes(positional[0].text)) {
    const code = args.slice(args.indexOf(positional[0]) + 1).find((arg) => pathWords(arg.text).some((word) => DATABASE_PATH_WORDS.includes(word)));
    if (code) return { guarded: true, rule: 'program-subcommand', reason: `runs the program ${program} with "${positional[0].text}", evaluating code that names ${code.text}`, kind: 'migration' };
  }
  const named = positional[0] && NAMED_PROGRAM_DATABASE_SUBCOMMANDS[name]?.includes(positional[0].text) ? positional[0].text : null;
  if (named) return { guarded: true, rule: 'program-subcommand', reason: `runs the program ${program} with "${named}", which sets up or changes its database, or opens its console (if it does not, add it to "commands.allow" in dbsafe.config.json)`, kind: 'migration' };
  for (const [index, word] of positional.entries()) {
    const next = positional[index + 1]?.text;
    const pair = PROGRAM_DATABASE_NOUNS.includes(word.text) && next !== undefined && PROGRAM_DATABASE_VERBS.includes(next) ? `${word.text} ${next}` : null;
    if (!pair && !PROGRAM_DATABASE_SUBCOMMANDS.includes(word.text)) continue;
    const after = args[args.indexOf(pair ? positional[index + 1]! : word) + 1];
    const subcommand = pair ?? word.text;
    if (after?.resolved && PROGRAM_FILE_ONLY_NEXT.includes(after.text)) {
      return { guarded: false, rule: 'program-subcommand', reason: `runs the program ${program} with "${subcommand} ${after.text}", which writes a migration file or reads its state`, kind: 'generator' };
    }
    return { guarded: true, rule: 'program-subcommand', reason: `runs the program ${program} with "${subcommand}", which sets up, upgrades, migrates or seeds its database (if it does not, add it to "commands.allow" in dbsafe.config.json)`, kind: 'migration' };
  }
  return null;
}

/**
 * Variables that make a program migrate or seed its database when it starts
 * (`RUN_MIGRATIONS=1 go run main.go`, `AUTO_MIGRATE=true ./server`).
 */
export const DATABASE_ENV_SWITCHES: readonly string[] = ['RUN_MIGRATIONS', 'RUN_MIGRATION', 'MIGRATE', 'AUTO_MIGRATE', 'AUTOMIGRATE', 'DB_MIGRATE', 'DB_AUTO_MIGRATE', 'DATABASE_MIGRATE', 'MIGRATE_ON_START', 'MIGRATE_ON_STARTUP', 'RUN_SEED', 'RUN_SEEDS', 'DB_SEED', 'SEED_DB'];
const TRUTHY = new Set(['1', 'true', 'yes', 'on', 'TRUE', 'True', 'YES']);

/** Guarded when the command's own `VAR=value` prefixes switch on migrating or seeding at start-up. Pure. */
export function environmentSwitchVerdict(assignments: readonly { kind: string; name?: string; value?: string | null }[] | undefined): RuleVerdict | null {
  const assignment = assignments?.find((a) => a.kind === 'set' && DATABASE_ENV_SWITCHES.includes(a.name ?? '') && (a.value === null || TRUTHY.has(a.value ?? '')));
  if (!assignment) return null;
  return { guarded: true, rule: 'migrate-env', reason: `${assignment.name}=${assignment.value ?? '…'} makes the program it starts migrate or seed its database`, kind: 'migration' };
}
