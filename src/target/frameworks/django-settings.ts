import path from 'node:path';
import { djangoMessages } from './messages-laravel-rails-django.js';
import { parsePython, pythonStatements, type PyExpr, type PyStatement } from './python-source.js';
import { readProjectFile } from './project-files.js';
import type { FrameworkInput, FrameworkProblem } from './types.js';

/** An expression and where it was written (`__file__` means that file). */
export interface Located {
  expr: PyExpr;
  file: string;
  line: number;
}

/** DATABASES as the settings modules leave it: per alias, the value and later `DATABASES[alias][KEY] = …` changes. */
export interface DjangoDatabases {
  aliases: Map<string, { value: Located; keys: Map<string, Located> }>;
  /** Top-level `NAME = …` assignments, the last one winning (BASE_DIR, DB_NAME…). */
  names: Map<string, Located>;
  /** The file DATABASES was last assigned in, for messages. */
  file: string;
}

/** A settings module's file: x/y.py, else the package x/y/__init__.py. */
export function settingsFiles(base: string, module: string): string[] {
  const parts = module.split('.');
  return [path.join(base, ...parts) + '.py', path.join(base, ...parts, '__init__.py')];
}

interface FileStatement extends PyStatement {
  file: string;
}

function importedModuleFile(input: FrameworkInput, base: string, file: string, module: string): string | undefined {
  const relative = /^(\.+)(.*)$/.exec(module);
  let candidates: string[];
  if (relative) {
    let dir = path.dirname(file);
    for (let dots = relative[1]!.length; dots > 1; dots -= 1) dir = path.dirname(dir);
    candidates = relative[2] ? settingsFiles(dir, relative[2]) : [];
  } else candidates = settingsFiles(base, module);
  return candidates.find((candidate) => typeof input.readFile(candidate) === 'string');
}

/** The module's statements, with `from <module> import *` replaced by that module's statements (one level deep). */
function collectStatements(input: FrameworkInput, base: string, file: string, problems: FrameworkProblem[], depth: number): FileStatement[] {
  const text = readProjectFile(input, 'django', file, problems);
  if (text === undefined) return [];
  let statements: PyStatement[];
  try {
    statements = pythonStatements(text);
  } catch (error) {
    problems.push({ framework: 'django', file, message: djangoMessages.notParsed(file, 1, (error as Error).message) });
    return [];
  }
  const collected: FileStatement[] = [];
  for (const statement of statements) {
    const words = statement.tokens.map((token) => token.value);
    const star = words[0] === 'from' && words.at(-2) === 'import' && words.at(-1) === '*';
    if (star && depth === 0) {
      const imported = importedModuleFile(input, base, file, words.slice(1, -2).join(''));
      if (imported) collected.push(...collectStatements(input, base, imported, problems, depth + 1));
      continue;
    }
    collected.push({ ...statement, file });
  }
  return collected;
}

/** `NAME`, `NAME['a']`, `NAME['a']['b']` before a top-level `=`; undefined for other statements. */
function assignmentTarget(statement: PyStatement): { name: string; keys: string[]; valueAt: number } | undefined {
  const tokens = statement.tokens;
  if (tokens[0]?.kind !== 'name') return undefined;
  const keys: string[] = [];
  let at = 1;
  while (tokens[at]?.value === '[' && tokens[at + 1]?.kind === 'str' && tokens[at + 2]?.value === ']') {
    keys.push(tokens[at + 1]!.value);
    at += 3;
  }
  if (tokens[at]?.kind !== 'op' || tokens[at]?.value !== '=') return undefined;
  return { name: tokens[0].value, keys, valueAt: at + 1 };
}

/** Follow the settings module (and what it star-imports) to DATABASES. */
export function readDjangoDatabases(input: FrameworkInput, base: string, file: string, problems: FrameworkProblem[]): DjangoDatabases | undefined {
  const statements = collectStatements(input, base, file, problems, 0);
  const names = new Map<string, Located>();
  let aliases: DjangoDatabases['aliases'] | undefined;
  let databasesFile = file;
  for (const statement of statements) {
    const target = assignmentTarget(statement);
    const mentionsDatabases = statement.tokens.some((token) => token.kind === 'name' && token.value === 'DATABASES');
    if (target && statement.indent === 0) {
      const value: Located = { expr: parsePython(statement.tokens.slice(target.valueAt)), file: statement.file, line: statement.line };
      if (target.name !== 'DATABASES') {
        if (target.keys.length === 0) names.set(target.name, value);
        continue;
      }
      databasesFile = statement.file;
      if (target.keys.length === 0) {
        aliases = new Map();
        if (value.expr.kind !== 'dict' || value.expr.spread) {
          problems.push({ framework: 'django', file: statement.file, message: djangoMessages.computed(statement.file, statement.line, 'DATABASES') });
          continue;
        }
        for (const entry of value.expr.entries) {
          if (entry.key.kind === 'str') aliases.set(entry.key.value, { value: { ...value, expr: entry.value }, keys: new Map() });
        }
      } else if (target.keys.length === 1) {
        aliases ??= new Map();
        aliases.set(target.keys[0]!, { value, keys: new Map() });
      } else if (target.keys.length === 2 && aliases?.has(target.keys[0]!)) {
        aliases.get(target.keys[0]!)!.keys.set(target.keys[1]!, value);
      } else {
        problems.push({ framework: 'django', file: statement.file, message: djangoMessages.computed(statement.file, statement.line, `DATABASES${target.keys.map((key) => `['${key}']`).join('')}`) });
      }
      continue;
    }
    if (!mentionsDatabases) continue;
    const assignsDatabases = target?.name === 'DATABASES';
    if (assignsDatabases) problems.push({ framework: 'django', file: statement.file, message: djangoMessages.inBlock(statement.file, statement.line) });
    else if (!(statement.tokens[0]?.value === 'import' || statement.tokens[0]?.value === 'from')) {
      problems.push({ framework: 'django', file: statement.file, message: djangoMessages.computed(statement.file, statement.line, 'a change to DATABASES') });
    }
  }
  return aliases ? { aliases, names, file: databasesFile } : undefined;
}
