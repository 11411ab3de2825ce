/**
 * A small tokenizer for JavaScript/TypeScript configuration files
 * (drizzle.config.ts, knexfile.js, data-source.ts, .sequelizerc,
 * prisma.config.ts). It is only as complete as reading literal configuration
 * needs: strings, template literals, numbers, identifiers and punctuation,
 * comments skipped. Project code is read as text, never executed.
 */

export type TokenKind = 'string' | 'template' | 'number' | 'identifier' | 'punctuation';

export interface Token {
  kind: TokenKind;
  /** The string's value, the identifier or punctuation itself, the number's text. */
  text: string;
  /** Template literals: the literal parts and the source of each `${…}` between them. */
  template?: { quasis: string[]; expressions: string[] };
  /** A line break precedes the token (ends a statement without a semicolon). */
  newlineBefore: boolean;
  /** Offset in the source. */
  start: number;
}

export class TokenizeError extends Error {}

const PUNCTUATION = ['...', '===', '!==', '??=', '||=', '&&=', '=>', '??', '||', '&&', '?.', '==', '!=', '<=', '>=', '++', '--'];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

function lineOf(source: string, offset: number): number {
  return source.slice(0, offset).split('\n').length;
}

function readQuoted(source: string, start: number): { value: string; end: number } {
  const quote = source[start];
  let value = '';
  let at = start + 1;
  while (at < source.length) {
    const char = source[at]!;
    if (char === quote) return { value, end: at + 1 };
    if (char === '\n') break;
    if (char === '\\') {
      const next = source[at + 1] ?? '';
      value += ESCAPES[next] ?? next;
      at += 2;
      continue;
    }
    value += char;
    at += 1;
  }
  throw new TokenizeError(`a string starting on line ${lineOf(source, start)} is not closed`);
}

function readTemplate(source: string, start: number): { quasis: string[]; expressions: string[]; end: number } {
  const quasis: string[] = [];
  const expressions: string[] = [];
  let current = '';
  let at = start + 1;
  while (at < source.length) {
    const char = source[at]!;
    if (char === '`') {
      quasis.push(current);
      return { quasis, expressions, end: at + 1 };
    }
    if (char === '\\') {
      const next = source[at + 1] ?? '';
      current += ESCAPES[next] ?? next;
      at += 2;
      continue;
    }
    if (char === '$' && source[at + 1] === '{') {
      quasis.push(current);
      current = '';
      let depth = 1;
      const from = at + 2;
      at = from;
      while (at < source.length && depth > 0) {
        const inner = source[at]!;
        if (inner === '{') depth += 1;
        else if (inner === '}') depth -= 1;
        else if (inner === '"' || inner === "'") {
          at = readQuoted(source, at).end;
          continue;
        } else if (inner === '`') {
          at = readTemplate(source, at).end;
          continue;
        }
        at += 1;
      }
      if (depth > 0) break;
      expressions.push(source.slice(from, at - 1));
      continue;
    }
    current += char;
    at += 1;
  }
  throw new TokenizeError(`a template string starting on line ${lineOf(source, start)} is not closed`);
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  let newlineBefore = true;
  while (at < source.length) {
    const char = source[at]!;
    if (char === '\n') {
      newlineBefore = true;
      at += 1;
      continue;
    }
    if (/\s/.test(char)) {
      at += 1;
      continue;
    }
    if (source.startsWith('//', at) || (at === 0 && source.startsWith('#!'))) {
      const end = source.indexOf('\n', at);
      at = end === -1 ? source.length : end;
      continue;
    }
    if (source.startsWith('/*', at)) {
      const end = source.indexOf('*/', at + 2);
      if (end === -1) throw new TokenizeError(`a comment starting on line ${lineOf(source, at)} is not closed`);
      if (source.slice(at, end).includes('\n')) newlineBefore = true;
      at = end + 2;
      continue;
    }
    const start = at;
    if (char === '"' || char === "'") {
      const read = readQuoted(source, at);
      tokens.push({ kind: 'string', text: read.value, newlineBefore, start });
      at = read.end;
    } else if (char === '`') {
      const read = readTemplate(source, at);
      tokens.push({ kind: 'template', text: '', template: { quasis: read.quasis, expressions: read.expressions }, newlineBefore, start });
      at = read.end;
    } else if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(source[at + 1] ?? ''))) {
      const match = /^(?:0[xX][0-9a-fA-F_]+|[0-9_]*\.?[0-9_]+(?:[eE][+-]?[0-9]+)?)n?/.exec(source.slice(at))!;
      tokens.push({ kind: 'number', text: match[0].replaceAll('_', ''), newlineBefore, start });
      at += match[0].length;
    } else if (/[\p{L}_$]/u.test(char)) {
      const match = /^[\p{L}\p{N}_$]+/u.exec(source.slice(at))!;
      tokens.push({ kind: 'identifier', text: match[0], newlineBefore, start });
      at += match[0].length;
    } else {
      const text = PUNCTUATION.find((p) => source.startsWith(p, at)) ?? char;
      tokens.push({ kind: 'punctuation', text, newlineBefore, start });
      at += text.length;
    }
    newlineBefore = false;
  }
  return tokens;
}
