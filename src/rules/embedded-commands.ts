import { NEVER_RUNS_ITS_ARGUMENTS } from './inner-commands.js';
import { stringLiterals } from './inline-code.js';
import { commandName, interpreterTarget, LAUNCHERS, SHELLS } from './launchers.js';
import type { RuleVerdict } from './match.js';
import type { NestedJudge } from './nested-judge.js';
import { PACKAGE_MANAGERS } from './package-scripts.js';
import { quoteWord } from './quote.js';
import { DATABASE_TOOLS } from './table/index.js';
import { TASK_RUNNERS } from './task-runners.js';
import type { CommandRule, ShellWord } from './types.js';

/**
 * Commands carried inside other words: a program given inline to an
 * interpreter, a known command in the arguments of an unknown one, a known
 * tool at a path computed at run time. Pure; nested commands are judged
 * through the caller's NestedJudge.
 */

/**
 * A program given inline (`python3 -c`, `node -e`, `awk '{system(…)}'`): each
 * string literal that starts a known command is judged as a command line; a
 * literal that is only the name of a database tool (`["npx", "prisma", …]`)
 * guards too, since dbsafe cannot follow the code (fail closed).
 */
export function judgeInlineCode(name: string, code: ShellWord, judge: NestedJudge): RuleVerdict | null {
  if (!code.resolved) return { guarded: true, rule: 'unresolvable', reason: `the program ${name} runs is only known at run time` };
  for (const literal of stringLiterals(code.text)) {
    const first = literal.trim().split(/\s+/)[0] ?? '';
    if (first === '' || !startsKnownCommand({ text: first, resolved: true }, judge.table)) continue;
    const guarded = judge.source(literal).find((v) => v.guarded);
    if (guarded) return { ...guarded, rule: 'inline-code', reason: `the ${name} program runs \`${literal.trim()}\`, which ${guarded.reason}` };
  }
  const named = stringLiterals(code.text).find((literal) => DATABASE_TOOLS.has(literal.trim()) || ['psql', 'mysql', 'sqlite3', 'mongosh', 'artisan', 'manage.py'].includes(literal.trim()));
  if (named) return { guarded: true, rule: 'inline-code', reason: `the ${name} program names ${named.trim()}, a database tool, and dbsafe cannot follow what the program does with it` };
  return null;
}

/**
 * `$ROOT/artisan`: the directory is only known at run time, but a known
 * tool's name is written out. In a package manager's directory of installed
 * programs (`${NPM_ROOT}/.bin/webpack`, `$(DIR)/vendor/bin/phpunit`) the name
 * is the installed tool's, whatever the directory: judged as that command.
 */
export function knownToolAtUnknownPath(text: string, table: readonly CommandRule[]): string | null {
  const tail = /\/([A-Za-z0-9_.-]+)$/.exec(text)?.[1];
  if (!tail) return null;
  if (/(^|\/)(\.bin|vendor\/bin)\/[A-Za-z0-9_.-]+$/.test(text) && !/\$/.test(tail)) return tail;
  return table.some((rule) => rule.tools.includes(tail)) || NEVER_RUNS_ITS_ARGUMENTS.has(tail) ? tail : null;
}

/**
 * A project's wrapper script named after the tool it wraps
 * (`./scripts/sequelize.sh migration:create`, `bin/knex.sh migrate:latest`):
 * its arguments are the tool's, so the tool's rows judge them. The name
 * itself otherwise.
 */
export function toolOfWrapperScript(name: string, table: readonly CommandRule[]): string {
  const stem = /^(.+)\.(?:sh|bash)$/.exec(name)?.[1];
  return stem && table.some((rule) => rule.tools.includes(stem)) ? stem : name;
}

/**
 * `$(GOBIN)/mockery`, `"$(dirname "$0")/../scripts/flush-memcached"`: a
 * program whose directory is only known at run time but whose name is
 * written out. Judged as the project's own program of that name (by its
 * path words, its database subcommands and the tools in its arguments), as
 * `./bin/mockery` would be. Null when the name itself is computed.
 */
export function programAtUnknownPath(text: string): string | null {
  const tail = /\/([A-Za-z0-9_.-]+)"?$/.exec(text)?.[1];
  return tail && /[A-Za-z]/.test(tail) ? tail : null;
}

/**
 * Variables that, by their name, hold a command (`${DOCKER_COMPOSE} -f dev.yml
 * down`, `$(COMPOSE) run app …`): the command they stand for. Only what that
 * command then runs is judged, so a wrong guess can only keep a line guarded.
 */
export const COMMAND_VARIABLES: readonly { name: RegExp; words: readonly string[] }[] = [
  { name: /^(DOCKER_)?COMPOSE(_CMD|_BIN|_COMMAND|_EXEC)?$/, words: ['docker', 'compose'] },
  { name: /^PHP(_BIN|_CMD|_NO_XDEBUG|_EXEC)?$/, words: ['php'] },
  { name: /^COMPOSER(_BIN|_CMD)?$/, words: ['composer'] },
  { name: /^(YARN|NPM|PNPM|BUN)(_BIN|_CMD)?$/, words: [] },
  { name: /^PYTHON3?(_BIN|_CMD)?$/, words: ['python'] },
  { name: /^(GO|GOCMD|GO_CMD|GO_BIN)$/, words: ['go'] },
  { name: /^DOCKER(_BIN|_CMD)?$/, words: ['docker'] },
  { name: /^NODE(_BIN|_CMD)?$/, words: ['node'] },
];

/** The words a command variable stands for, or null when its name says nothing. Pure. */
export function commandVariableWords(text: string): ShellWord[] | null {
  const name = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(text)?.[1];
  const known = name ? COMMAND_VARIABLES.find((variable) => variable.name.test(name)) : undefined;
  if (!known) return null;
  // A package manager's variable is named for it (`$(YARN) lint:js` → yarn).
  const words = known.words.length > 0 ? known.words : [name!.replace(/_.*$/, '').toLowerCase()];
  return words.map((word) => ({ text: word, resolved: true }));
}

/** Words that start a command dbsafe knows: table tools, package managers, shells, interpreters, launchers and runners. */
export function startsKnownCommand(word: ShellWord, table: readonly CommandRule[]): boolean {
  if (!word.resolved) return false;
  const name = commandName(word.text);
  return (
    table.some((rule) => rule.tools.includes(name)) ||
    PACKAGE_MANAGERS.has(name) ||
    SHELLS.has(name) ||
    LAUNCHERS.some((launcher) => launcher.words[0] === name) ||
    TASK_RUNNERS.some((runner) => runner.words[0] === name) ||
    interpreterTarget([word, { text: 'x', resolved: true }]).kind !== 'none'
  );
}

/**
 * An unknown command whose arguments hold a known command (`run-as-runtime-user
 * php artisan migrate --force`) may well run it: fail closed when that command
 * is guarded.
 */
export function innerCommandVerdict(name: string, words: readonly ShellWord[], judge: NestedJudge): RuleVerdict | null {
  if (NEVER_RUNS_ITS_ARGUMENTS.has(name) || judge.table.some((rule) => rule.tools.includes(name))) return null;
  const start = words.findIndex((word, index) => index > 0 && startsKnownCommand(word, judge.table));
  if (start < 0) return null;
  const inner = judge.words(words.slice(start));
  // Only a rule that recognises the inner command counts: `usermod -aG docker $USER` names docker, it does not run it.
  if (!inner.guarded || inner.rule === 'unresolvable') return null;
  const text = words.slice(start).map(quoteWord).join(' ');
  return { ...inner, rule: 'inner-command', reason: `${name} is not a command dbsafe knows, and its arguments hold \`${text}\`, which ${inner.reason}` };
}
