import type { RecipeFile, RecipeTarget } from './types.js';

/**
 * Read the targets of a Makefile or justfile: names, prerequisites and
 * recipe lines (the leading `@`, `-` and `+` of make removed). Variables,
 * conditionals and includes are not evaluated; a `$(VAR)` stays in the line
 * and the classifier treats it as unknown. Pure.
 */
export function parseRecipes(text: string, runner: 'make' | 'just', dir: string, file: string): RecipeFile {
  const targets: Record<string, RecipeTarget> = {};
  let first: string | null = null;
  let current: RecipeTarget | null = null;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const line of lines) {
    const indented = runner === 'make' ? line.startsWith('\t') : /^[ \t]+\S/.test(line);
    if (indented && current) {
      const command = line.trim().replace(runner === 'make' ? /^[@+-]+/ : /^[@-]+/, '').trim();
      if (command !== '' && !command.startsWith('#')) current.recipe.push(command);
      continue;
    }
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    // Conditionals inside a recipe keep the target open: both branches' lines count.
    if (runner === 'make' && /^\s*(ifeq|ifneq|ifdef|ifndef|else|endif)\b/.test(line)) continue;
    const header = runner === 'make' ? /^([A-Za-z0-9_.%/-]+(?:\s+[A-Za-z0-9_.%/-]+)*)\s*::?(?!=)\s*([^=;]*)$/.exec(line) : /^@?([A-Za-z0-9_-]+)(?:\s+[^:]*)?:(?!=)\s*(.*)$/.exec(line);
    if (!header) {
      current = null;
      continue;
    }
    const names = runner === 'make' ? header[1]!.split(/\s+/) : [header[1]!];
    current = { prerequisites: header[2]!.split(/\s+/).filter((p) => p !== '' && !p.startsWith('#')).map((p) => p.replace(/\(.*$/, '')), recipe: [] };
    for (const name of names) {
      if (name.startsWith('.')) continue;
      targets[name] = current;
      first ??= name;
    }
  }
  return { dir, file, first, targets };
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
