/**
 * A small reader for the literal parts of a PHP config file (`return [ 'key'
 * => value, … ];`), enough for Laravel's config/database.php. It never runs
 * PHP: anything other than strings, numbers, true/false/null, arrays and calls
 * of named functions with such arguments is kept as `computed`.
 */

export type PhpValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: string }
  | { kind: 'constant'; value: 'true' | 'false' | 'null' }
  | { kind: 'call'; name: string; args: PhpValue[] }
  | { kind: 'array'; entries: { key?: string; value: PhpValue }[] }
  | { kind: 'computed'; text: string };

type Token = { kind: 'string' | 'number' | 'name' | 'punct'; text: string; value: string };

const PUNCT = ['=>', '::', '?->', '->', '??', '[', ']', '(', ')', ',', ';', '.', '?', ':', '!', '=', '+', '-', '*', '/', '&', '|', '<', '>', '@', '$'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const rest = text.slice(index);
    const space = /^\s+/.exec(rest);
    if (space) { index += space[0].length; continue; }
    if (rest.startsWith('<?php')) { index += 5; continue; }
    if (rest.startsWith('//') || rest.startsWith('#')) { const end = text.indexOf('\n', index); index = end < 0 ? text.length : end; continue; }
    if (rest.startsWith('/*')) { const end = text.indexOf('*/', index + 2); if (end < 0) throw new Error('an unclosed /* comment'); index = end + 2; continue; }
    if (rest[0] === "'" || rest[0] === '"') {
      const quote = rest[0];
      let value = '';
      let at = 1;
      for (; at < rest.length && rest[at] !== quote; at += 1) {
        if (rest[at] === '\\' && at + 1 < rest.length) { at += 1; value += rest[at]; } else value += rest[at];
      }
      if (at >= rest.length) throw new Error('an unclosed string');
      // Double-quoted strings interpolate $variables: computed, not literal.
      tokens.push({ kind: quote === '"' && value.includes('$') ? 'punct' : 'string', text: rest.slice(0, at + 1), value });
      index += at + 1;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(rest);
    if (number) { tokens.push({ kind: 'number', text: number[0], value: number[0] }); index += number[0].length; continue; }
    const name = /^[A-Za-z_\\][\w\\]*/.exec(rest);
    if (name) { tokens.push({ kind: 'name', text: name[0], value: name[0] }); index += name[0].length; continue; }
    const punct = PUNCT.find((p) => rest.startsWith(p)) ?? rest[0]!;
    tokens.push({ kind: 'punct', text: punct, value: punct });
    index += punct.length;
  }
  return tokens;
}

class PhpParser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  returnedArray(): PhpValue {
    const start = this.tokens.findIndex((token) => token.kind === 'name' && token.value === 'return');
    if (start < 0) throw new Error('no return statement');
    this.at = start + 1;
    return this.value();
  }

  private peek(offset = 0): Token | undefined { return this.tokens[this.at + offset]; }
  private isPunct(text: string, offset = 0): boolean { const token = this.peek(offset); return token?.kind === 'punct' && token.text === text; }

  private value(): PhpValue {
    const start = this.at;
    const first = this.primary();
    // Anything that continues the expression (`.` concatenation, `?:`, `??`, `->`) makes it computed.
    if (this.peek() && ![',', ']', ')', ';', '=>'].some((stop) => this.isPunct(stop))) {
      this.skipExpression();
      return { kind: 'computed', text: this.textFrom(start) };
    }
    return first;
  }

  private primary(): PhpValue {
    const token = this.peek();
    if (!token) throw new Error('the file ends inside an expression');
    if (token.kind === 'string') { this.at += 1; return { kind: 'string', value: token.value }; }
    if (token.kind === 'number') { this.at += 1; return { kind: 'number', value: token.value }; }
    if (this.isPunct('[')) return this.array(']');
    if (token.kind === 'name') {
      const lower = token.value.toLowerCase();
      if (lower === 'array' && this.isPunct('(', 1)) { this.at += 1; return this.array(')'); }
      if (lower === 'true' || lower === 'false' || lower === 'null') { this.at += 1; return { kind: 'constant', value: lower }; }
      if (this.isPunct('(', 1)) {
        this.at += 2;
        const args: PhpValue[] = [];
        while (!this.isPunct(')')) {
          args.push(this.value());
          if (this.isPunct(',')) this.at += 1;
          else if (!this.isPunct(')')) throw new Error(`unexpected "${this.peek()?.text ?? 'end of file'}" in a call of ${token.value}`);
        }
        this.at += 1;
        return { kind: 'call', name: token.value.replace(/^\\/, ''), args };
      }
    }
    const start = this.at;
    this.skipExpression();
    return { kind: 'computed', text: this.textFrom(start) };
  }

  private array(close: ']' | ')'): PhpValue {
    this.at += 1;
    const entries: { key?: string; value: PhpValue }[] = [];
    while (!this.isPunct(close)) {
      if (!this.peek()) throw new Error('an unclosed array');
      const first = this.value();
      if (this.isPunct('=>')) {
        this.at += 1;
        const key = first.kind === 'string' || first.kind === 'number' ? first.value : undefined;
        entries.push({ ...(key === undefined ? {} : { key }), value: this.value() });
      } else entries.push({ value: first });
      if (this.isPunct(',')) this.at += 1;
      else if (!this.isPunct(close)) throw new Error(`unexpected "${this.peek()?.text ?? 'end of file'}" in an array`);
    }
    this.at += 1;
    return { kind: 'array', entries };
  }

  /** Skip to the end of the current expression: the next `,` `]` `)` `;` or `=>` outside brackets. */
  private skipExpression(): void {
    let depth = 0;
    for (let token = this.peek(); token; token = this.peek()) {
      if (token.kind === 'punct') {
        if (token.text === '[' || token.text === '(') depth += 1;
        else if (token.text === ']' || token.text === ')') { if (depth === 0) return; depth -= 1; }
        else if (depth === 0 && (token.text === ',' || token.text === ';' || token.text === '=>')) return;
      }
      this.at += 1;
    }
  }

  private textFrom(start: number): string {
    return this.tokens.slice(start, this.at).map((token) => token.text).join(' ');
  }
}

/** The array a PHP config file returns; throws an Error naming what could not be read. */
export function readReturnedPhpArray(text: string): PhpValue {
  return new PhpParser(tokenize(text)).returnedArray();
}

export function phpArrayEntry(value: PhpValue | undefined, key: string): PhpValue | undefined {
  if (value?.kind !== 'array') return undefined;
  let found: PhpValue | undefined;
  for (const entry of value.entries) if (entry.key === key) found = entry.value;
  return found;
}
