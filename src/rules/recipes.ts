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
