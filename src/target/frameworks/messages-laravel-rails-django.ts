/**
 * What the Laravel, Symfony, Rails and Django readers tell the user when a
 * file cannot be read. Each message names the file (and line), the cause, what
 * dbsafe did instead, and the fix.
 */

const JUDGED_ON_THE_REST = 'dbsafe judged the command on what it could read';
const POINT_WITH_URL = 'or point dbsafe at the database with --url';

export const frameworkFileMessages = {
  unreadable: (file: string, code: string) =>
    `${file} exists but cannot be read (${code}), so dbsafe cannot tell which database it names; ${JUDGED_ON_THE_REST}. Fix its permissions (chmod u+r ${file}).`,
} as const;

export const laravelMessages = {
  phpunitNotXml: (file: string, line: number | undefined, detail: string) =>
    `${file} is not valid XML${line ? ` (line ${line}: ${detail})` : ` (${detail})`}, so dbsafe cannot tell which variables the test run sets; ${JUDGED_ON_THE_REST} (.env files alone). Fix the XML: PHPUnit refuses this file too.`,
  computedDefault: (file: string) =>
    `${file}: 'default' is computed in PHP, not written as env('DB_CONNECTION', '…') or a string, so dbsafe cannot tell which connection Laravel uses; ${JUDGED_ON_THE_REST}. Write it as env('DB_CONNECTION', 'name'), ${POINT_WITH_URL}.`,
  connectionMissing: (file: string, name: string) =>
    `${file} has no connection named '${name}' (the default connection), so Laravel cannot connect either; ${JUDGED_ON_THE_REST}. Set DB_CONNECTION to one of the connections in ${file}.`,
  computedField: (file: string, connection: string, key: string) =>
    `${file}: connections.${connection}.${key} is computed in PHP, so dbsafe cannot read it; ${JUDGED_ON_THE_REST}. Write it as env('NAME', 'default') or a string, ${POINT_WITH_URL}.`,
  unsupportedDriver: (file: string, connection: string, driver: string) =>
    `${file}: connection '${connection}' uses the driver '${driver}', which dbsafe cannot back up or judge; ${JUDGED_ON_THE_REST}.`,
  notParsed: (file: string, detail: string) =>
    `${file} could not be read as a PHP array (${detail}), so dbsafe cannot see Laravel's database defaults; ${JUDGED_ON_THE_REST}.`,
} as const;

export const railsMessages = {
  erbNotEvaluated: (file: string, line: number, code: string, reason: string) =>
    `${file} line ${line}: ${code} cannot be evaluated without running Ruby (${reason}); ${JUDGED_ON_THE_REST}. Write the value with ENV["NAME"] or ENV.fetch("NAME", "default"), ${POINT_WITH_URL}.`,
  erbFetchUnset: (file: string, line: number, variable: string) =>
    `${file} line ${line}: ENV.fetch("${variable}") has no default and ${variable} is unset, so Rails stops with KeyError; ${JUDGED_ON_THE_REST}. Set ${variable} (in the shell or .env) or give ENV.fetch a default.`,
  yamlSyntax: (file: string, line: number | undefined, detail: string) =>
    `${file}${line ? ` line ${line}` : ''} is not valid YAML (${detail}), so dbsafe cannot tell which database Rails uses; ${JUDGED_ON_THE_REST}. Fix the YAML: Rails refuses this file too.`,
  notAMapping: (file: string) =>
    `${file} is not a mapping of environments (development:, test:, production:), so dbsafe cannot tell which database Rails uses; ${JUDGED_ON_THE_REST}. Fix the file.`,
  unsupportedAdapter: (file: string, key: string, adapter: string) =>
    `${file}: ${key} uses the adapter '${adapter}', which dbsafe cannot back up or judge; ${JUDGED_ON_THE_REST}.`,
  noAdapter: (file: string, key: string) =>
    `${file}: ${key} has neither adapter: nor url:, so Rails cannot connect either; ${JUDGED_ON_THE_REST}. Add adapter: (postgresql, mysql2, trilogy, sqlite3).`,
  fieldNotEvaluated: (file: string, key: string) =>
    `${file}: ${key} could not be evaluated (see the line above), so dbsafe does not know that database; ${JUDGED_ON_THE_REST}.`,
} as const;

export const djangoMessages = {
  settingsNotFound: (module: string, tried: readonly string[]) =>
    `The Django settings module ${module} is not a file dbsafe can find (${tried.join(', ')}), so dbsafe cannot tell which database Django uses; ${JUDGED_ON_THE_REST}. Check DJANGO_SETTINGS_MODULE or --settings.`,
  noDatabases: (file: string) =>
    `${file} sets no DATABASES dbsafe can read (a top-level DATABASES = {...}), so dbsafe cannot tell which database Django uses; ${JUDGED_ON_THE_REST}. Write DATABASES as a literal dict, ${POINT_WITH_URL}.`,
  computed: (file: string, line: number, what: string) =>
    `${file} line ${line}: ${what} is computed in code, so dbsafe cannot read it without running Python; ${JUDGED_ON_THE_REST}. Write it as a literal, os.environ.get('NAME', 'default'), env('NAME') or dj_database_url.config(default='…'), ${POINT_WITH_URL}.`,
  inBlock: (file: string, line: number) =>
    `${file} line ${line}: DATABASES is set inside a block (if/try/def), which dbsafe cannot follow without running Python; ${JUDGED_ON_THE_REST} (the top-level DATABASES). Move the choice into a variable, ${POINT_WITH_URL}.`,
  unset: (file: string, line: number, variable: string) =>
    `${file} line ${line}: ${variable} is unset and has no default, so Django stops with an error; ${JUDGED_ON_THE_REST}. Set ${variable} (in the shell or .env) or give it a default.`,
  unsupportedEngine: (file: string, alias: string, engine: string) =>
    `${file}: DATABASES['${alias}'] uses the engine '${engine}', which dbsafe cannot back up or judge; ${JUDGED_ON_THE_REST}.`,
  noEngine: (file: string, alias: string) =>
    `${file}: DATABASES['${alias}'] has no ENGINE, so Django cannot connect either; ${JUDGED_ON_THE_REST}. Add 'ENGINE': 'django.db.backends.postgresql' (or mysql, sqlite3).`,
  notParsed: (file: string, line: number, detail: string) =>
    `${file} line ${line}: DATABASES could not be read (${detail}); ${JUDGED_ON_THE_REST}. Write DATABASES as a literal dict, ${POINT_WITH_URL}.`,
} as const;

export const djangoSettingsMessages = {
  noSettingsModule: (manage: string) =>
    `No Django settings module is named (no --settings, no DJANGO_SETTINGS_MODULE, no os.environ.setdefault("DJANGO_SETTINGS_MODULE", …) in ${manage}), so dbsafe cannot tell which database Django uses; ${JUDGED_ON_THE_REST}. Set DJANGO_SETTINGS_MODULE.`,
} as const;

export const symfonyMessages = {
  dumpedEnvNotParsed: (file: string, detail: string) =>
    `${file} could not be read as a PHP array (${detail}), so dbsafe cannot see the variables Symfony uses instead of the .env files; ${JUDGED_ON_THE_REST}. Regenerate it with composer dump-env, or remove it.`,
} as const;
