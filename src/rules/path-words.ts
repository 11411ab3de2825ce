import type { RuleVerdict } from './match.js';

/**
 * Words that, as a word of a script's path, say the script changes a
 * database: `tsx scripts/seed-users.ts`, `node build/tasks/migrate.js`,
 * `php database/seed_all.php`, `bun db/reset.ts`. A word of the path, not a
 * substring: `seedling.ts` and `dropdown.js` are not database scripts.
 */
export const DATABASE_PATH_WORDS: readonly string[] = ['seed', 'seeds', 'seeder', 'seeders', 'seeding', 'migrate', 'migrates', 'migrating', 'migration', 'migrations', 'migrator', 'fixture', 'fixtures', 'reset', 'truncate', 'drop'];

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
const JOINED_SETUP_WORDS: readonly string[] = ['dbsetup', 'setupdb', 'dbinit', 'initdb', 'createdb', 'resetdb', 'dbreset', 'seeddb', 'dbseed'];
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

/** Guarded when the script's path says it seeds, migrates, resets, truncates or drops. */
export function pathWordVerdict(scriptPath: string): RuleVerdict | null {
  const word = databasePathWord(scriptPath);
  if (!word) return null;
  return {
    guarded: true,
    rule: 'path-word',
    reason: `runs the script ${scriptPath}, whose path has the word "${word}" (if it does not touch a database, add it to "commands.allow" in dbsafe.config.json)`,
    kind: 'script',
  };
}

/**
 * Subcommands and options with which a project's own program, run by its
 * path, migrates or seeds its database (`target/lemmy_server migration run`,
 * `./pocketbase migrate up`, `./miniflux -migrate`).
 */
export const PROGRAM_DATABASE_SUBCOMMANDS: readonly string[] = ['migrate', 'migration', 'migrations', 'seed', 'db:migrate', 'db:seed', 'db:reset', 'db:setup', '-migrate', '--migrate', '--run-migrations', '--seed'];

/** What after the subcommand only writes a file or reads (`./pocketbase migrate create add_users`, `migrate status`). */
const PROGRAM_FILE_ONLY_NEXT: readonly string[] = ['create', 'new', 'generate', 'make', 'status', 'list', 'info', 'version', 'collections', 'help', '--help', '-h'];

/** Guarded when a program run by its path (`target/app`, `./bin/server`) is given a database subcommand as its first argument; passed when what follows only writes a file or reads. Pure. */
export function programSubcommandVerdict(program: string, args: readonly { text: string; resolved: boolean }[]): RuleVerdict | null {
  if (!program.includes('/')) return null;
  const first = args.find((arg) => !arg.resolved || PROGRAM_DATABASE_SUBCOMMANDS.includes(arg.text) || !arg.text.startsWith('-'));
  if (!first?.resolved || !PROGRAM_DATABASE_SUBCOMMANDS.includes(first.text)) return null;
  const next = args[args.indexOf(first) + 1];
  if (next?.resolved && PROGRAM_FILE_ONLY_NEXT.includes(next.text)) {
    return { guarded: false, rule: 'program-subcommand', reason: `runs the project's program ${program} with "${first.text} ${next.text}", which writes a migration file or reads its state`, kind: 'generator' };
  }
  return { guarded: true, rule: 'program-subcommand', reason: `runs the project's program ${program} with "${first.text}", which migrates or seeds its database`, kind: 'migration' };
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
