import type { RecipeFile, RecipeTarget } from './types.js';

/**
 * Read the targets of a Makefile or justfile: names, prerequisites and
 * recipe lines (the leading `@`, `-` and `+` of make removed), and make's
 * variables set to plain text. Conditionals and includes are not evaluated;
 * expandMakeReferences puts the known variables into a recipe line. Pure.
 */
export function parseRecipes(text: string, runner: 'make' | 'just', dir: string, file: string): RecipeFile {
  const targets: Record<string, RecipeTarget> = {};
  const variables: Record<string, string> = {};
  let first: string | null = null;
  let current: RecipeTarget | null = null;
  const shebang = new Set<RecipeTarget>();
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const line of lines) {
    const indented = runner === 'make' ? line.startsWith('\t') : /^[ \t]+\S/.test(line);
    if (indented && current) {
      // A just recipe that starts with `#!` is one script run by that interpreter: its lines are one source, not one command each.
      if (runner === 'just' && (shebang.has(current) || (current.recipe.length === 0 && line.trim().startsWith('#!')))) {
        if (!shebang.has(current)) shebang.add(current);
        else if (line.trim() !== '') current.recipe[0] = justExpressionsUnknown(runner, current.recipe[0] === undefined ? line.trim() : `${current.recipe[0]}\n${line.trim()}`);
        continue;
      }
      const command = justExpressionsUnknown(runner, line.trim().replace(runner === 'make' ? /^[@+-]+/ : /^[@-]+/, '').trim());
      if (command !== '' && !command.startsWith('#')) current.recipe.push(command);
      continue;
    }
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const assignment = runner === 'make' ? /^\s*(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*(:{0,3}=|\?=)\s*(.*)$/.exec(line) : null;
    if (assignment) {
      // A variable set twice (in both branches of a conditional) is only known at run time.
      const name = assignment[1]!;
      const value = assignment[3]!.replace(/\s+#.*$/, '').trim();
      if (name in variables && variables[name] !== value) variables[name] = sameProgram(variables[name]!, value) ? value : '\0';
      else if (!(name in variables) || assignment[2] !== '?=') variables[name] = value;
      current = null;
      continue;
    }
    // Conditionals inside a recipe keep the target open: both branches' lines count.
    if (runner === 'make' && /^\s*(ifeq|ifneq|ifdef|ifndef|else|endif)\b/.test(line)) continue;
    // A `#` ends make's rule line (`signoff: ## Run it [exclude=<tag>]`): the comment may hold any character.
    const header = runner === 'make' ? /^([A-Za-z0-9_.%/-]+(?:\s+[A-Za-z0-9_.%/-]+)*)\s*::?(?!=)\s*([^=;]*)$/.exec(line.replace(/#.*$/, '')) : /^@?([A-Za-z0-9_-]+)(?:\s+[^:]*)?:(?!=)\s*(.*)$/.exec(line);
    if (!header) {
      current = null;
      continue;
    }
    const names = runner === 'make' ? header[1]!.split(/\s+/) : [header[1]!];
    // A `#` ends the rule line (`test: deps ### run the tests`): what follows is a comment, not prerequisites.
    current = { prerequisites: header[2]!.replace(/#.*$/, '').split(/\s+/).filter((p) => p !== '').map((p) => p.replace(/\(.*$/, '')), recipe: [] };
    for (const name of names) {
      if (name.startsWith('.')) continue;
      targets[name] = current;
      first ??= name;
    }
  }
  const known = Object.fromEntries(Object.entries(variables).filter(([, value]) => value !== '\0'));
  return { dir, file, first, targets, ...(runner === 'make' ? { variables: known } : {}) };
}

/** just puts `{{ expression }}` (a recipe parameter, a function call) into the line before the shell runs: its value is only known at run time. */
function justExpressionsUnknown(runner: 'make' | 'just', command: string): string {
  return runner === 'just' ? command.replace(/\{\{(?!\{)[\s\S]*?\}\}/g, '${JUST_EXPRESSION}') : command;
}

/** `$(shell which docker-compose)` is the program's path: the program itself, as far as what runs is concerned. */
const SHELL_WHICH = /\$\(shell\s+(?:which|command\s+-v)\s+([A-Za-z0-9_.-]+)\s*\)/g;
function programOfShellWhich(text: string): string {
  return text.replace(SHELL_WHICH, '$1');
}

/**
 * Flags, by the convention of their names: make's own (`$(MAKE) $(MFLAGS)`)
 * and a tool's (`$(GO) run $(GOFLAGS) ./cmd`, `$(CC) $(CFLAGS)`): options,
 * never a target, a subcommand or a command, so an unknown value is left out.
 */
const MAKE_FLAG_VARIABLES = /^[A-Z_]*FLAGS$/;

/**
 * Two values of a variable set in both branches of a conditional that run
 * the same program from another directory (`LESSC=/usr/bin/lessc` or
 * `LESSC=node_modules/.bin/lessc`): what runs is the same either way.
 */
function sameProgram(a: string, b: string): boolean {
  const program = (value: string) => value.replace(/^\S*\//, '');
  return !a.startsWith('$') && !b.startsWith('$') && program(a) === program(b);
}

/**
 * A make recipe line as the shell receives it: `$$` is a `$`, `$(MAKE)` is
 * make, a variable the Makefile sets to plain text is put in, and any other
 * reference (`$(DB_URL)`, `$(filter-out $@,$(MAKECMDGOALS))`) becomes a word
 * only known at run time: make expands it before the shell runs, so it is
 * never a command substitution. Pure.
 */
export function expandMakeReferences(line: string, variables: Readonly<Record<string, string>> = {}): string {
  const DOLLAR = '\u0001';
  let text = line.replaceAll('$$', DOLLAR).replace(/\$\(MAKE\)|\$\{MAKE\}/g, 'make');
  for (let pass = 0; pass < 8; pass += 1) {
    const next = text
      .replace(SHELL_WHICH, '$1')
      // `$(info …)` and `$(warning …)` print when make reads the line and expand to nothing.
      .replace(/\$\((?:info|warning)\s[^()]*\)/g, '')
      .replace(/\$[({]([A-Za-z_][A-Za-z0-9_.]*)(?::[^(){}]*)?[)}]/g, (_, name: string) => (MAKE_FLAG_VARIABLES.test(name) ? '' : variables[name] === undefined ? `\u0002{${name}}` : programOfShellWhich(variables[name]!)))
      .replace(/\$\([a-z-]+\s[^()]*\)/g, '\u0002{MAKE_FUNCTION}');
    if (next === text) break;
    text = next;
  }
  return text.replaceAll('\u0002', '$').replaceAll(DOLLAR, '$');
}

function yamlScalar(text: string): string {
  const trimmed = text.trim();
  const quoted = /^(['"])([\s\S]*)\1$/.exec(trimmed);
  return quoted ? quoted[2]!.replace(/''/g, "'") : trimmed;
}

/**
 * Read a Taskfile (go-task, version 3): each task's `deps` and `task:`
 * references become prerequisites, its `cmds` (strings or `cmd:` items) the
 * recipe. Only this plain block layout is read; anything else is skipped. Pure.
 */
export function parseTaskfile(text: string, dir: string, file: string): RecipeFile {
  const targets: Record<string, RecipeTarget> = {};
  let first: string | null = null;
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^tasks:\s*$/.test(line));
  if (start < 0) return { dir, file, first, targets };
  let taskIndent = -1;
  let current: RecipeTarget | null = null;
  let section: 'cmds' | 'deps' | null = null;
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) break;
    if (taskIndent < 0) taskIndent = indent;
    const body = line.trim();
    if (indent === taskIndent) {
      const header = /^(['"]?)([\w:.-]+)\1:\s*(.*)$/.exec(body);
      if (!header) continue;
      current = { prerequisites: [], recipe: [] };
      if (header[3]) current.recipe.push(yamlScalar(header[3]));
      targets[header[2]!] = current;
      first ??= header[2]!;
      section = null;
      continue;
    }
    if (!current) continue;
    const key = /^(cmds|deps):\s*(.*)$/.exec(body);
    if (key) {
      section = key[1] as 'cmds' | 'deps';
      const inline = /^\[(.*)\]$/.exec(key[2]!.trim());
      if (inline && section === 'deps') current.prerequisites.push(...inline[1]!.split(',').map(yamlScalar).filter((d) => d !== ''));
      continue;
    }
    const item = /^-\s+(.*)$/.exec(body);
    if (item && section) {
      const value = item[1]!;
      const reference = /^task:\s*(.+)$/.exec(value);
      const command = /^cmd:\s*(.+)$/.exec(value);
      if (reference) current.prerequisites.push(yamlScalar(reference[1]!));
      else if (section === 'deps') current.prerequisites.push(yamlScalar(value));
      else current.recipe.push(yamlScalar(command ? command[1]! : value));
      continue;
    }
    if (/^[\w-]+:/.test(body) && indent <= taskIndent + 2) section = null;
  }
  return { dir, file, first, targets };
}
