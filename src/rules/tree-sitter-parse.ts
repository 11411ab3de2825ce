import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import type { Node } from 'web-tree-sitter';
import type { EnvChange, ParsedLine, ShellParse, ShellWord, SimpleCommand, StdinSource } from './types.js';

function unescapeWord(text: string): string {
  return text.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1');
}

function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');
}

/** A word's value, or unresolved when the shell computes it at run time (expansions, substitutions, globs, ~). */
function wordOf(node: Node): ShellWord {
  const unresolved = { text: node.text, resolved: false };
  switch (node.type) {
    case 'command_name':
      return node.namedChildren[0] ? wordOf(node.namedChildren[0]) : unresolved;
    case 'word':
    case 'number':
      return /(^~)|(?<!\\)[*?[]/.test(node.text) ? unresolved : { text: unescapeWord(node.text), resolved: true };
    case 'raw_string':
      return { text: node.text.slice(1, -1), resolved: true };
    case 'string':
      return node.namedChildren.every((child) => child?.type === 'string_content')
        ? { text: unescapeDoubleQuoted(node.text.slice(1, -1)), resolved: true }
        : unresolved;
    case 'concatenation': {
      const parts = node.namedChildren.map((child) => wordOf(child!));
      return parts.every((part) => part.resolved) ? { text: parts.map((part) => part.text).join(''), resolved: true } : unresolved;
    }
    default:
      return unresolved;
  }
}

const SUBSHELLS: ReadonlySet<string> = new Set(['subshell', 'command_substitution', 'process_substitution']);

interface Walk {
  commands: SimpleCommand[];
  syntaxError: boolean;
  /** `export`, `unset` and bare assignments seen since the last command: they apply from the next one on. */
  pending: EnvChange[];
  /** Subshells entered around the current node. */
  depth: number;
}

/** `NAME=value` (or `NAME+=value`, whose result depends on the old value): a change to the environment. */
function assignmentOf(node: Node): EnvChange | null {
  const name = node.childForFieldName('name');
  if (!name || name.type !== 'variable_name') return null;
  const value = node.childForFieldName('value');
  const word = value ? wordOf(value) : { text: '', resolved: true };
  const appends = node.children.some((child) => child?.type === '+=');
  return { kind: 'set', name: name.text, value: word.resolved && !appends ? word.text : null, text: node.text };
}

/** `unset A B` (not `unset -f name`, which removes a function). */
function unsetChanges(node: Node): EnvChange[] {
  const words = node.namedChildren.filter((child): child is Node => child !== null);
  if (words.some((w) => w.type === 'word' && /^-\w*f/.test(w.text))) return [];
  return words.filter((w) => w.type === 'variable_name' || (w.type === 'word' && !w.text.startsWith('-'))).map((w) => ({ kind: 'unset', name: w.text }));
}

function redirectStdin(redirect: Node): { stdin: StdinSource; stdinText?: string } | null {
  if (redirect.type === 'heredoc_redirect') {
    const body = redirect.namedChildren.find((child) => child?.type === 'heredoc_body');
    return { stdin: 'heredoc', stdinText: body?.text ?? '' };
  }
  if (redirect.type === 'herestring_redirect') {
    const value = redirect.namedChildren[0];
    const word = value ? wordOf(value) : null;
    return { stdin: 'heredoc', stdinText: word?.resolved ? word.text : undefined };
  }
  if (redirect.type === 'file_redirect' && /^\d*<$/.test(redirect.children[0]?.text ?? '')) return { stdin: 'file' };
  return null;
}

function visit(node: Node, walk: Walk, stdin: { stdin: StdinSource; stdinText?: string }): void {
  if (node.type === 'ERROR' || node.isMissing) walk.syntaxError = true;
  switch (node.type) {
    case 'command': {
      // Substitutions in the words run before the command itself.
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (SUBSHELLS.has(child.type)) visit(child, walk, { stdin: 'terminal' });
        else visitChildren(child, walk, { stdin: 'terminal' });
      }
      let own = stdin;
      for (const redirect of node.childrenForFieldName('redirect')) own = (redirect && redirectStdin(redirect)) ?? own;
      const name = node.childForFieldName('name');
      const args = node.childrenForFieldName('argument').filter((n): n is Node => n !== null);
      const words = name ? [wordOf(name), ...args.map(wordOf)] : [];
      const assignments = node.namedChildren.flatMap((child) => (child?.type === 'variable_assignment' ? [assignmentOf(child)].filter((c) => c !== null) : []));
      if (words.length === 0) {
        walk.pending.push(...assignments);
        return;
      }
      const before = walk.pending.splice(0);
      walk.commands.push({ text: node.text, words, ...own, ...(assignments.length > 0 ? { assignments } : {}), ...(before.length > 0 ? { before } : {}), ...(walk.depth > 0 ? { subshell: walk.depth } : {}) });
      return;
    }
    case 'subshell':
    case 'command_substitution':
    case 'process_substitution':
      walk.depth += 1;
      visitChildren(node, walk, stdin);
      walk.depth -= 1;
      // What a subshell exports ends with it.
      walk.pending = [];
      return;
    // Bare, and inside `export A=1` / `declare -x A=1` / `readonly A=1` (a bare name there only marks it exported).
    case 'variable_assignment': {
      visitChildren(node, walk, stdin);
      const change = assignmentOf(node);
      if (change) walk.pending.push(change);
      return;
    }
    case 'unset_command':
      walk.pending.push(...unsetChanges(node));
      return;
    case 'redirected_statement': {
      let own = stdin;
      for (const redirect of node.childrenForFieldName('redirect')) {
        if (!redirect) continue;
        own = redirectStdin(redirect) ?? own;
        visitChildren(redirect, walk, { stdin: 'terminal' });
      }
      const body = node.childForFieldName('body');
      if (body) visit(body, walk, own);
      return;
    }
    case 'pipeline': {
      let index = 0;
      for (const child of node.namedChildren) {
        if (!child) continue;
        visit(child, walk, index === 0 ? stdin : { stdin: 'pipe' });
        index += 1;
      }
      return;
    }
    default:
      visitChildren(node, walk, stdin);
  }
}

function visitChildren(node: Node, walk: Walk, stdin: { stdin: StdinSource; stdinText?: string }): void {
  if (node.type === 'ERROR' || node.isMissing) walk.syntaxError = true;
  for (const child of node.children) if (child) visit(child, walk, stdin);
}

/**
 * Load tree-sitter-bash (about 40 ms) and return a synchronous parser.
 * The grammar is resolved from the installed package, wherever npm put it.
 */
export async function loadTreeSitterParser(): Promise<ShellParse> {
  // V8 otherwise recompiles the grammar with TurboFan in the background, and Node waits for that
  // compilation before exiting: 2-5 s added to a CLI that parses one line. The baseline compiler parses fast enough.
  v8.setFlagsFromString('--liftoff-only');
  const { Parser, Language } = await import('web-tree-sitter');
  const require = createRequire(import.meta.url);
  // Buffers, not paths: loading by path leaves a FileHandle for the garbage collector to close.
  await Parser.init({ wasmBinary: readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')) });
  const language = await Language.load(readFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm')));
  const parser = new Parser();
  parser.setLanguage(language);
  return (source: string): ParsedLine => {
    const tree = parser.parse(source);
    if (!tree) return { commands: [], syntaxError: true };
    const walk: Walk = { commands: [], syntaxError: tree.rootNode.hasError, pending: [], depth: 0 };
    visit(tree.rootNode, walk, { stdin: 'terminal' });
    tree.delete();
    return walk;
  };
}
