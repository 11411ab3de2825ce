import { firstGuarded, type NestedJudge } from './nested-judge.js';
import { matchToolRules, type RuleVerdict } from './match.js';
import type { RakeTask, RakeTasks, ShellWord } from './types.js';

/**
 * The project's own rake tasks (Rakefile, lib/tasks/**\/*.rake, rakelib/),
 * read as text: `rake X`, `bin/rails X`, `bundle exec rake X` for a task the
 * project defines are judged by the task's body, the way package.json
 * scripts are. Ruby is not evaluated: the namespaces, task headers and
 * blocks are found line by line. Pure.
 */

/** Calls in a task body that write through the application's database layer (only with Rails loaded: a task depending on :environment). */
const DATABASE_CALLS: readonly RegExp[] = [
  /\bActiveRecord::\w+/,
  /\bDatabaseCleaner\b/,
  /\bFactoryBot\.(?:lint|create|create_list)\b/,
  /\bload_seed\b/,
  /\bload\([^)]*\bseeds?\b/,
  /[\w:]*(?:\.\w+)*\.(?:delete_all|destroy_all|update_all|insert_all!?|upsert_all|update_columns?|update_attribute|find_or_create_by!?|first_or_create!?|create_or_find_by!?|create!?|save!?|update!?|destroy!?)(?=[\s(.;]|$)/m,
  /\bconnection\.(?:execute|exec_query|exec_update|exec_delete|exec_insert)\b/,
];

/**
 * Ruby's and Rails' own constants: a loaded task calling only these reads
 * files or prints. Any other constant's method (`OrganisationsFetcher.new.call`,
 * `User.find_each`) is the application's code, which writes through its
 * database connection as far as dbsafe can tell.
 */
const LIBRARY_CONSTANTS: ReadonlySet<string> = new Set([
  'Rails', 'Rake', 'File', 'FileUtils', 'Dir', 'Pathname', 'ENV', 'Time', 'Date', 'DateTime', 'JSON', 'YAML', 'Psych', 'CSV', 'ERB', 'Logger', 'Kernel', 'Process', 'IO', 'STDOUT', 'STDERR', 'STDIN',
  'URI', 'Net', 'Open3', 'Bundler', 'Gem', 'Struct', 'Set', 'Hash', 'Array', 'String', 'Integer', 'Float', 'SecureRandom', 'Digest', 'Base64', 'Benchmark', 'Shellwords', 'Tempfile', 'OpenStruct', 'Regexp', 'Thread', 'Timeout', 'ObjectSpace', 'GC', 'RUBY_VERSION', 'AmazingPrint', 'PP', 'Zlib', 'OpenSSL', 'Random', 'Math', 'Object', 'Signal', 'Encoding', 'Comparable', 'Etc', 'Socket',
]);
const CONSTANT_CALL = /(?<![\w:])([A-Z]\w*)(?:::[A-Z]\w*)*\.[a-z_]\w*[!?]?/g;

function applicationCall(body: string): string | undefined {
  for (const match of body.matchAll(CONSTANT_CALL)) if (!LIBRARY_CONSTANTS.has(match[1]!)) return match[0];
  return undefined;
}

/** `sh "…"`, `system("…")`, `exec "…"`, backticks, `%x(…)`: shell commands a task body runs. Ruby interpolation becomes a shell variable (known only at run time). */
const SHELL_CALLS: readonly RegExp[] = [/\b(?:sh|system|exec)\s*\(?\s*"((?:[^"\\]|\\.)*)"/g, /\b(?:sh|system|exec)\s*\(?\s*'((?:[^'\\]|\\.)*)'/g, /`([^`]*)`/g, /%x[({]([^)}]*)[)}]/g];

/** `Rake::Task["db:seed"].invoke`, `Rake::Task[:x].execute`, `Rake::Task['a'].reenable`: other tasks a body runs. */
const TASK_CALL = /Rake::Task\[\s*(?::([\w:]+)|["']([\w:.-]+)["'])\s*\]\s*\.\s*(?:invoke|execute)/g;

const OPENS_LINE = /^\s*(?:if|unless|while|until|case|def|begin|class|module|for)\b/;

function withoutComment(line: string): string {
  return line.replace(/(^|\s)#(?!\{).*$/, '$1');
}

/** Blocks a line opens minus those it closes (`do … end`, `if … end`, …; a modifier `x if y` opens nothing). */
function depthChange(line: string): number {
  const code = withoutComment(line).replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  let change = 0;
  if (OPENS_LINE.test(code)) change += 1;
  change += (code.match(/\bdo\b(?:\s*\|[^|]*\|)?/g) ?? []).length;
  change -= (code.match(/(?:^|[\s;])end\b/g) ?? []).length;
  return change;
}

/** Task names in a prerequisite list: `:a`, `"a:b"`, `[:a, :b]`, `%i[a b]`, `%w[a b]`. */
function symbols(text: string): string[] {
  const words = [...text.matchAll(/%[iw][[(]([^\])]*)[\])]/g)].flatMap((m) => m[1]!.trim().split(/\s+/));
  const rest = text.replace(/%[iw][[(][^\])]*[\])]/g, '');
  return [...words, ...[...rest.matchAll(/:([\w:]+)|["']([\w:.-]+)["']/g)].map((m) => (m[1] ?? m[2])!)];
}

const HEADER = /^\s*(namespace|task)\s*\(?\s*(?::([\w]+)|["']([\w:.-]+)["']|([\w]+):(?!:))(.*)$/;

/** Read the tasks of one file into `into` (full name → task). Pure. */
export function parseRakeFile(text: string, file: string, into: Record<string, RakeTask> = {}): Record<string, RakeTask> {
  const namespaces: { name: string; depth: number }[] = [];
  let open: { task: RakeTask; depth: number } | null = null;
  let depth = 0;
  for (const line of text.split('\n')) {
    const header = open ? null : HEADER.exec(withoutComment(line));
    const before = depth;
    depth += depthChange(line);
    if (open) {
      if (depth <= open.depth) open = null;
      else open.task.body.push(line);
      continue;
    }
    while (namespaces.length > 0 && depth <= namespaces.at(-1)!.depth) namespaces.pop();
    if (!header) continue;
    const name = (header[2] ?? header[3] ?? header[4])!;
    if (header[1] === 'namespace') {
      if (depth > before) namespaces.push({ name, depth: before });
      continue;
    }
    const rest = header[5]!.replace(/\s*(?:\bdo\b.*|\{.*)$/, '');
    const prerequisiteText = rest.includes('=>') ? rest.slice(rest.indexOf('=>') + 2) : header[4] ? rest : '';
    const full = [...namespaces.map((n) => n.name), name].join(':');
    const task: RakeTask = into[full] ?? { file, prerequisites: [], body: [] };
    task.prerequisites.push(...symbols(prerequisiteText));
    into[full] = task;
    if (depth > before) open = { task, depth: before };
  }
  return into;
}

/** Task names a rake/rails call names: positionals that are not options or NAME=value settings. */
export function rakeTaskNames(words: readonly ShellWord[]): ShellWord[] {
  const names: ShellWord[] = [];
  for (let index = 1; index < words.length; index += 1) {
    const word = words[index]!;
    if (['-f', '--rakefile', '-C', '--directory', '-I', '--libdir', '-r', '--require', '-e', '--execute', '-E'].includes(word.text)) index += 1;
    else if (!word.text.startsWith('-') && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word.text)) names.push(word);
  }
  return names;
}

function taskNameOf(text: string): string {
  return text.replace(/\[.*$/, '');
}

/**
 * Judge the project's tasks a rake/rails call names; null when it names none
 * of them (the rule table decides, as before). `seen` stops a task that
 * re-runs itself (`system("rake x RAILS_ENV=test")`) from being followed again.
 */
export function judgeRakeCall(tool: string, words: readonly ShellWord[], tasks: RakeTasks, seen: Set<string>, judge: NestedJudge): RuleVerdict | null {
  if (words.some((word) => LISTING_OPTIONS.has(word.text))) return null;
  const named = rakeTaskNames(words);
  // `rake` alone runs the default task; `rails` alone only prints its help.
  const names = tool === 'rails' ? railsTaskNames(named) : named.length === 0 ? [{ text: 'default', resolved: true }] : named;
  const isProjectTask = (word: ShellWord) => word.resolved && tasks.tasks[taskNameOf(word.text)] !== undefined;
  const isUnknownTask = (word: ShellWord) => tasks.database !== undefined && word.resolved && !isProjectTask(word) && !knownTask(tool, word, judge);
  if (!names.some((word) => isProjectTask(word) || isUnknownTask(word))) return null;
  // The project's tasks by their bodies, the others (db:migrate, gems' tasks) by the rule table, one at a time.
  const verdicts = names.map((word) => {
    if (isProjectTask(word)) return judgeTask(tool, taskNameOf(word.text), tasks, seen, judge);
    if (isUnknownTask(word)) return unknownTask(tool, taskNameOf(word.text), tasks.database!);
    return judge.words([{ text: tool, resolved: true }, word]);
  });
  return firstGuarded(verdicts, { guarded: false, rule: 'script-safe', reason: `the project's ${tool} tasks it runs touch no database` });
}

/** Options with which rake only lists or describes tasks, running none. */
const LISTING_OPTIONS: ReadonlySet<string> = new Set(['-T', '--tasks', '-D', '--describe', '-P', '--prereqs', '-W', '--where', '-AT', '-h', '--help', '-V', '--version']);

/** A row of the rule table speaks about this task (guarded or not). */
function knownTask(tool: string, word: ShellWord, judge: NestedJudge): boolean {
  const verdict = matchToolRules(tool, [{ text: taskNameOf(word.text), resolved: true }], 'terminal', judge.table);
  return verdict !== null && verdict.rule !== 'no-rule';
}

/** rails' own commands (not rake tasks): the words after one are its arguments. */
export const RAILS_COMMANDS: ReadonlySet<string> = new Set(['generate', 'g', 'destroy', 'd', 'server', 's', 'console', 'c', 'runner', 'r', 'new', 'dbconsole', 'test', 't', 'routes', 'notes', 'stats', 'about', 'initializers', 'middleware', 'restart', 'secret', 'boot', 'version', 'help', 'plugin', 'devcontainer']);

/**
 * `rails generate model User`, `rails server -b 0.0.0.0`: after one of rails'
 * own commands the other words are its arguments; otherwise every name is a
 * rake task (`rails environment after_party:run` runs both).
 */
function railsTaskNames(named: ShellWord[]): ShellWord[] {
  const first = named[0];
  return first?.resolved && RAILS_COMMANDS.has(first.text) ? [first] : named;
}

function unknownTask(tool: string, name: string, database: string): RuleVerdict {
  return {
    guarded: true,
    rule: 'rails-unknown-task',
    reason: `${tool} task "${name}" is neither one of the project's tasks (Rakefile, lib/tasks) nor one dbsafe knows: a gem's task, which runs with the Rails application and its database (${database}) loaded (if it touches no database, add the command to "commands.allow" in dbsafe.config.json)`,
    kind: 'data',
  };
}

function judgeTask(tool: string, name: string, tasks: RakeTasks, seen: Set<string>, judge: NestedJudge): RuleVerdict {
  const task = tasks.tasks[name]!;
  const what = `${tool} task "${name}" (${task.file})`;
  if (seen.has(name)) return { guarded: false, rule: 'script-safe', reason: `${what} was judged already` };
  seen.add(name);
  const parts: RuleVerdict[] = [];
  for (const prerequisite of task.prerequisites.filter((p) => p !== 'environment')) {
    parts.push(tasks.tasks[prerequisite] ? judgeTask(tool, prerequisite, tasks, seen, judge) : judge.words([{ text: 'rake', resolved: true }, { text: prerequisite, resolved: true }]));
  }
  const body = task.body.map(withoutComment).join('\n');
  const railsLoaded = task.prerequisites.includes('environment') || /config\/environment|Rails\.application\.(?:eager_load|initialize)/.test(body);
  const call = railsLoaded ? DATABASE_CALLS.map((pattern) => pattern.exec(body)?.[0]).find((found) => found !== undefined) : undefined;
  const appCall = railsLoaded && !call ? applicationCall(body) : undefined;
  if (call) parts.push({ guarded: true, rule: 'rake-task-body', reason: `${what} calls \`${call.trim()}\` with the application loaded, which writes through its database connection`, kind: 'data' });
  else if (appCall) parts.push({ guarded: true, rule: 'rake-task-body', reason: `${what} calls the application's \`${appCall}\` with the application loaded, which dbsafe cannot see into (if it touches no database, add the command to "commands.allow" in dbsafe.config.json)`, kind: 'data' });
  for (const match of body.matchAll(TASK_CALL)) {
    const invoked = (match[1] ?? match[2])!;
    parts.push(tasks.tasks[invoked] ? judgeTask(tool, invoked, tasks, seen, judge) : judge.words([{ text: 'rake', resolved: true }, { text: invoked, resolved: true }]));
  }
  for (const pattern of SHELL_CALLS) {
    for (const match of body.matchAll(pattern)) {
      const source = match[1]!.replace(/#\{[^}]*\}/g, '"$RUBY_VALUE"').replace(/\\(["'\\])/g, '$1');
      parts.push(...judge.source(source));
    }
  }
  const guarded = parts.find((part) => part.guarded);
  if (guarded) return guarded.rule === 'rake-task-body' ? guarded : { ...guarded, reason: `${what} runs a command that ${guarded.reason}` };
  return { guarded: false, rule: 'script-safe', reason: `${what} runs nothing that touches a database` };
}
