import { judgeInlineCode } from './embedded-commands.js';
import { matchToolRules, type RuleVerdict } from './match.js';
import { firstGuarded, frameworkCommandWord, type NestedJudge } from './nested-judge.js';
import type { DjangoCommands, ShellWord } from './types.js';

/**
 * `python manage.py <command>` for a command no rule row knows: the
 * project's own command (`<app>/management/commands/<name>.py`) is judged by
 * its body; any other is an installed app's command, which runs with the
 * project's database configured, so it is guarded (fail closed). Python is
 * not evaluated: the body is searched for ORM writes, raw SQL, the commands
 * it calls (`call_command("loaddata", …)`) and the shell commands it starts.
 * Pure.
 */

/** Calls that write through Django's ORM (a manager's query), or run SQL of the program's choosing. */
const DATABASE_CALLS: readonly RegExp[] = [
  /\b\w+\.objects\.[^\n]*?\b(?:create|bulk_create|bulk_update|get_or_create|update_or_create|update|delete)\s*\(/,
  /\b(?:connection|connections\[[^\]]*\])\.cursor\s*\(/,
  /\bcursor\.execute(?:many)?\s*\(/,
  /\btransaction\.atomic\b/,
];

/** A model instance written (`page.save()`, `user.set_password(…)`): weaker evidence (`storage.save` writes a file), so it decides last. */
const INSTANCE_WRITES = /\.(?:save|delete|set_password|full_clean)\s*\(/;

/** The command opens an interactive Python shell with the application loaded, where any row can be changed. */
const INTERACTIVE_SHELL = /\bcode\.interact\s*\(|\bInteractiveConsole\b|\bIPython\b|\bembed\s*\(/;

/** A function of the application's own code whose name says it writes (`update_counts`, `create_orders`, `take_snapshot`). */
const WRITING_NAME = /^(?:create|update|delete|remove|populate|load|import|sync|rebuild|reset|clear|purge|seed|save|insert|upsert|migrate|fix|add|set|take|apply|bulk|refresh|recalculate|recompute|dangerously)(?:_|$)/;

/** Names imported from the project's own modules (`from ...utils import create_orders`, `from utilities.counters import update_counts`). */
function applicationNames(body: string, packages: readonly string[]): string[] {
  const names: string[] = [];
  for (const match of body.matchAll(/^\s*from\s+([.\w]+)\s+import\s+(\([^)]*\)|[^\n]+)/gm)) {
    const module = match[1]!;
    if (!module.startsWith('.') && !packages.includes(module.split('.')[0]!)) continue;
    for (const name of match[2]!.replace(/[()]/g, '').split(',')) {
      const bound = name.trim().split(/\s+as\s+/).at(-1)!.trim();
      if (/^\w+$/.test(bound)) names.push(bound);
    }
  }
  return names;
}

function writingApplicationCall(body: string, packages: readonly string[]): string | undefined {
  return applicationNames(body, packages).find((name) => WRITING_NAME.test(name) && new RegExp(`(?<![\\w.])${name}\\s*\\(`).test(body));
}

const CALL_COMMAND = /\bcall_command\(\s*["']([\w-]+)["']/g;

/** manage.py options that take a value, before the command name. */
const VALUE_OPTIONS = new Set(['--settings', '--pythonpath', '-v', '--verbosity']);

function commandWord(words: readonly ShellWord[]): ShellWord | undefined {
  return frameworkCommandWord(words, VALUE_OPTIONS);
}

function withoutComments(python: string): string {
  return python.replace(/^\s*#.*$/gm, '').replace(/\s#[^'"\n]*$/gm, '');
}

/**
 * Judge a manage.py call the rule table has no row for; null when the table
 * decides (a command it knows, or a name only known at run time). `seen`
 * stops a command that calls itself from being followed again.
 */
export function judgeDjangoCall(words: readonly ShellWord[], project: DjangoCommands, seen: Set<string>, judge: NestedJudge): RuleVerdict | null {
  const word = commandWord(words);
  if (!word?.resolved) return null;
  const known = matchToolRules('manage.py', [word], 'terminal', judge.table);
  if (known && known.rule !== 'no-rule') return null;
  const name = word.text;
  const own = project.commands[name];
  if (!own) {
    return {
      guarded: true,
      rule: 'django-unknown-command',
      reason: `manage.py ${name} is neither a Django command dbsafe knows nor one of this project's (no management/commands/${name}.py under ${project.dir}): an installed app's command, which runs with the project's database configured (if it touches no database, add it to "commands.allow" in dbsafe.config.json)`,
      kind: 'data',
    };
  }
  const what = `manage.py ${name} (${own.file})`;
  const key = `manage.py ${name}`;
  if (seen.has(key)) return { guarded: false, rule: 'script-safe', reason: `${what} was judged already` };
  seen.add(key);
  const body = withoutComments(own.text);
  const call = DATABASE_CALLS.map((pattern) => pattern.exec(body)?.[0]).find((found) => found !== undefined);
  if (call) return { guarded: true, rule: 'django-command-body', reason: `${what} calls \`${call.trim()}\`, which writes through the project's database connection`, kind: 'data' };
  if (INTERACTIVE_SHELL.test(body)) return { guarded: true, rule: 'app-console', reason: `${what} opens an interactive shell in the application, where any row can be changed`, kind: 'client' };
  const parts = [...body.matchAll(CALL_COMMAND)].map((match) => {
    const verdict = judge.words([words[0]!, { text: match[1]!, resolved: true }]);
    return verdict.guarded ? { ...verdict, reason: `${what} calls the command ${match[1]}, which ${verdict.reason}` } : verdict;
  });
  const started = judgeInlineCode('python', { text: body, resolved: true }, judge);
  if (started?.guarded) parts.push({ ...started, reason: `${what}: ${started.reason}` });
  const application = writingApplicationCall(body, project.packages);
  if (application) parts.push({ guarded: true, rule: 'django-command-body', reason: `${what} calls the application's ${application}(), whose name says it writes, and dbsafe cannot see into it (if it touches no database, add the command to "commands.allow" in dbsafe.config.json)`, kind: 'data' });
  const write = INSTANCE_WRITES.exec(body)?.[0];
  if (write) parts.push({ guarded: true, rule: 'django-command-body', reason: `${what} calls \`${write.trim()}\`, which writes a model through the project's database connection`, kind: 'data' });
  const safe: RuleVerdict = { guarded: false, rule: 'script-safe', reason: `${what} neither writes through the ORM, runs SQL, nor calls a command that touches a database` };
  return parts.some((part) => part.guarded) ? firstGuarded(parts, safe) : safe;
}
