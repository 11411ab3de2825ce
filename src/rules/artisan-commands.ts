import { stringLiterals } from './inline-code.js';
import { matchToolRules, type RuleVerdict } from './match.js';
import { firstGuarded, frameworkCommandWord, type NestedJudge } from './nested-judge.js';
import type { ArtisanCommands, ShellWord } from './types.js';

/**
 * `php artisan <command>` for a command no rule row knows: the project's own
 * command (app/Console/Commands, found by its signature) is judged by its
 * body; any other is a package's command, which runs with the application
 * and its database configured, so in a project with config/database.php it
 * is guarded (fail closed). PHP is not evaluated: the body is searched for
 * Eloquent and query-builder writes, the artisan commands it calls, and calls
 * into the application whose names say they write. Pure.
 */

const DATABASE_CALLS: readonly RegExp[] = [
  /\bDB::(?:table|statement|unprepared|insert|update|delete|transaction|connection)\s*\(/,
  /\bSchema::(?:create|drop|dropIfExists|dropAllTables|dropAllViews|table|rename|dropColumns)\s*\(/,
  /\b[A-Z]\w*::(?:create|forceCreate|insert|upsert|updateOrCreate|firstOrCreate|truncate|destroy|query\(\)->(?:update|delete))\s*\(/,
  /->(?:save|forceDelete|delete|update|increment|decrement|attach|detach|sync)\s*\(/,
];

/** `Installer::createDbTables(…)`, `$this->migrateDatabase()`: the application's code whose name says it writes. */
const WRITING_CALL = /(?:\b[A-Z]\w*::|\$this->)((?:create|update|delete|remove|populate|seed|migrate|import|sync|rebuild|reset|clear|purge|insert|upsert|truncate|install|setup|fill)(?:[A-Z]\w*)?)\s*\(/;

/** artisan options that take a value, before the command name. */
const VALUE_OPTIONS = new Set(['--env']);

function commandWord(words: readonly ShellWord[]): ShellWord | undefined {
  return frameworkCommandWord(words, VALUE_OPTIONS);
}

function withoutComments(php: string): string {
  return php.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*(?:\/\/|#(?!\[)).*$/gm, '');
}

/**
 * `php $ROOT/artisan monica:setup`: the project is only known at run time, so
 * a command the table does not know cannot be read: guarded (fail closed);
 * null when the table decides.
 */
export function judgeArtisanAtUnknownPath(words: readonly ShellWord[], table: NestedJudge['table']): RuleVerdict | null {
  const word = commandWord(words);
  if (!word?.resolved) return null;
  const known = matchToolRules('artisan', [word], 'terminal', table);
  if (known && known.rule !== 'no-rule') return null;
  return { guarded: true, rule: 'unresolvable', reason: `artisan at ${words[0]!.text} is only known at run time, so dbsafe cannot read its project's command ${word.text} (if it touches no database, add it to "commands.allow" in dbsafe.config.json)` };
}

/** Judge an artisan call the rule table has no row for; null when the table decides. `seen` stops a command calling itself. */
export function judgeArtisanCall(words: readonly ShellWord[], project: ArtisanCommands, seen: Set<string>, judge: NestedJudge): RuleVerdict | null {
  const word = commandWord(words);
  if (!word?.resolved) return null;
  const known = matchToolRules('artisan', [word], 'terminal', judge.table);
  if (known && known.rule !== 'no-rule') return null;
  const name = word.text;
  const own = project.commands[name];
  if (!own) {
    if (project.database === undefined) return null;
    return {
      guarded: true,
      rule: 'artisan-unknown-command',
      reason: `artisan ${name} is neither a Laravel command dbsafe knows nor one of this project's (app/Console/Commands): a package's command, which runs with the database of ${project.database} (if it touches no database, add it to "commands.allow" in dbsafe.config.json)`,
      kind: 'data',
    };
  }
  const what = `artisan ${name} (${own.file})`;
  const key = `artisan ${name}`;
  if (seen.has(key)) return { guarded: false, rule: 'script-safe', reason: `${what} was judged already` };
  seen.add(key);
  const body = withoutComments(own.text);
  const call = DATABASE_CALLS.map((pattern) => pattern.exec(body)?.[0]).find((found) => found !== undefined);
  if (call) return { guarded: true, rule: 'artisan-command-body', reason: `${what} calls \`${call.trim()}\`, which writes through the application's database connection`, kind: 'data' };
  // `$this->call('migrate')`, `Artisan::call('db:seed')`, or a helper given the command's name: each literal naming an artisan command.
  const parts = stringLiterals(body)
    .filter((literal) => /^[a-z][\w-]*(?::[\w-]+)*$/.test(literal) && literal !== name && (project.commands[literal] !== undefined || matchToolRules('artisan', [{ text: literal, resolved: true }], 'terminal', judge.table)?.guarded))
    .map((literal) => {
      const verdict = judge.words([words[0]!, { text: literal, resolved: true }]);
      return verdict.guarded ? { ...verdict, reason: `${what} calls the command ${literal}, which ${verdict.reason}` } : verdict;
    });
  const application = WRITING_CALL.exec(body)?.[1];
  if (application) parts.push({ guarded: true, rule: 'artisan-command-body', reason: `${what} calls the application's ${application}(), whose name says it writes, and dbsafe cannot see into it (if it touches no database, add the command to "commands.allow" in dbsafe.config.json)`, kind: 'data' });
  const safe: RuleVerdict = { guarded: false, rule: 'script-safe', reason: `${what} neither writes through Eloquent or the query builder nor calls a command that touches a database` };
  return parts.some((part) => part.guarded) ? firstGuarded(parts, safe) : safe;
}
