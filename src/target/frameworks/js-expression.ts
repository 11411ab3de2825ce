import { tokenize, type Token } from './js-tokens.js';

/**
 * What a configuration file's expression is, as far as reading it as text
 * can tell. Anything that would need running the code is `computed`, with
 * its source text for the message.
 */
export type JsValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'nothing' }
  /** `process.env.X`, `process.env['X']`, `env('X')` (Prisma's config helper), `import.meta.env.X`. */
  | { kind: 'env'; name: string }
  /** `a ?? b`, `a || b`: the first that is set wins. */
  | { kind: 'either'; operator: '??' | '||'; options: JsValue[] }
  | { kind: 'template'; quasis: string[]; expressions: JsValue[] }
  | { kind: 'object'; entries: Map<string, JsValue>; spread: boolean }
  | { kind: 'array'; items: JsValue[] }
  | { kind: 'identifier'; name: string }
  /** `defineConfig({…})`, `new DataSource({…})` (callee `new DataSource`), `path.resolve('config', 'x.json')`. */
  | { kind: 'call'; callee: string; args: JsValue[] }
  | { kind: 'computed'; text: string };

const CLOSERS = new Set([',', ';', ')', ']', '}', ':']);
export const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const STATEMENT_STARTS = new Set(['const', 'let', 'var', 'export', 'import', 'module', 'function', 'class', 'async', 'type', 'interface']);
/** Calls that only change a value's type, not which database it names. */
const TRANSPARENT_CALLS = new Set(['Number', 'String', 'parseInt', 'parseFloat']);

export class Parser {
  at = 0;
  constructor(
    readonly tokens: Token[],
    readonly source: string,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  is(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token !== undefined && token.kind !== 'string' && token.text === text;
  }

  /** Skip a balanced run of tokens up to a closer at depth 0 (or a new statement when `atTop`). */
  skipExpression(atTop: boolean): void {
    let depth = 0;
    let conditionals = 0;
    const first = this.at;
    while (this.at < this.tokens.length) {
      const token = this.peek()!;
      if (token.kind === 'punctuation') {
        if (OPENERS[token.text]) depth += 1;
        else if (depth > 0 && [')', ']', '}'].includes(token.text)) depth -= 1;
        else if (depth === 0 && token.text === '?') conditionals += 1;
        else if (depth === 0 && token.text === ':' && conditionals > 0) conditionals -= 1;
        else if (depth === 0 && CLOSERS.has(token.text) && !(token.text === ':' && this.at === first)) return;
      }
      if (atTop && depth === 0 && this.at > first && token.newlineBefore && token.kind === 'identifier' && STATEMENT_STARTS.has(token.text)) return;
      this.at += 1;
    }
  }

  private computedFrom(start: number, atTop: boolean): JsValue {
    this.at = start;
    this.skipExpression(atTop);
    const from = this.tokens[start]?.start ?? this.source.length;
    const to = this.tokens[this.at]?.start ?? this.source.length;
    return { kind: 'computed', text: this.source.slice(from, to).trim().replace(/\s+/g, ' ') };
  }

  /** An expression, stopping at a closer; anything not understood becomes `computed`. */
  expression(atTop = false): JsValue {
    const start = this.at;
    const first = this.operand();
    if (!first) return this.computedFrom(start, atTop);
    const options = [first];
    let operator: '??' | '||' | undefined;
    for (;;) {
      this.skipTypeSuffix();
      const next = this.peek();
      if (!next || (next.kind === 'punctuation' && CLOSERS.has(next.text))) break;
      if (atTop && next.newlineBefore && next.kind === 'identifier') break;
      if ((next.text === '??' || next.text === '||') && next.kind === 'punctuation' && (!operator || operator === next.text)) {
        operator = next.text;
        this.at += 1;
        const option = this.operand();
        if (!option) return this.computedFrom(start, atTop);
        options.push(option);
        continue;
      }
      return this.computedFrom(start, atTop);
    }
    return operator ? { kind: 'either', operator, options } : first;
  }

  /** `as Type`, `satisfies Type` and `!` change nothing about the value. */
  private skipTypeSuffix(): void {
    for (;;) {
      if (this.is('!') && !this.is('=', 1)) {
        this.at += 1;
      } else if ((this.is('as') || this.is('satisfies')) && this.peek()?.kind === 'identifier' && !this.peek()!.newlineBefore) {
        this.at += 1;
        while (this.peek() && !(this.peek()!.kind === 'punctuation' && CLOSERS.has(this.peek()!.text)) && !this.is('??') && !this.is('||')) {
          if (this.peek()!.newlineBefore && this.peek()!.kind === 'identifier' && STATEMENT_STARTS.has(this.peek()!.text)) return;
          const token = this.peek()!;
          if (OPENERS[token.text] && token.kind === 'punctuation') this.skipBalanced();
          else this.at += 1;
        }
      } else return;
    }
  }

  skipBalanced(): void {
    let depth = 0;
    do {
      const token = this.peek()!;
      if (token.kind === 'punctuation' && OPENERS[token.text]) depth += 1;
      else if (token.kind === 'punctuation' && [')', ']', '}'].includes(token.text)) depth -= 1;
      this.at += 1;
    } while (depth > 0 && this.at < this.tokens.length);
  }

  operand(): JsValue | undefined {
    const token = this.peek();
    if (!token) return undefined;
    if (token.kind === 'string') {
      this.at += 1;
      return { kind: 'string', value: token.text };
    }
    if (token.kind === 'number') {
      this.at += 1;
      return { kind: 'number', value: token.text };
    }
    if (token.kind === 'template') {
      this.at += 1;
      const expressions = token.template!.expressions.map((text) => parseExpression(text));
      return { kind: 'template', quasis: token.template!.quasis, expressions };
    }
    if (token.kind === 'punctuation') {
      if (token.text === '{') return this.object();
      if (token.text === '[') return this.array();
      if (token.text === '+') {
        this.at += 1;
        return this.operand();
      }
      if (token.text === '(') {
        this.at += 1;
        const inner = this.expression();
        if (!this.is(')')) return undefined;
        this.at += 1;
        return inner;
      }
      return undefined;
    }
    return this.identifierExpression();
  }

  private identifierExpression(): JsValue | undefined {
    const token = this.peek()!;
    if (token.text === 'true' || token.text === 'false') {
      this.at += 1;
      return { kind: 'boolean', value: token.text === 'true' };
    }
    if (token.text === 'undefined' || token.text === 'null') {
      this.at += 1;
      return { kind: 'nothing' };
    }
    const isNew = token.text === 'new';
    if (isNew) this.at += 1;
    const path: string[] = [];
    for (;;) {
      const part = this.peek();
      if (!part || part.kind !== 'identifier') return undefined;
      path.push(part.text);
      this.at += 1;
      if (this.is('.') && this.peek(1)?.kind === 'identifier') {
        this.at += 1;
        continue;
      }
      if (this.is('[') && this.peek(1)?.kind === 'string' && this.is(']', 2)) {
        path.push(this.peek(1)!.text);
        this.at += 3;
        break;
      }
      break;
    }
    const dotted = path.join('.');
    // `env.DATABASE_URL`: the validated environment object of create-t3-app and @t3-oss/env, read from process.env.
    const envName = /^(?:process\.env|import\.meta\.env|env)\.(.+)$/.exec(dotted)?.[1];
    if (envName && !envName.includes('.') && !isNew) return { kind: 'env', name: envName };
    if (this.is('<')) this.skipTypeArguments();
    if (!this.is('(')) return isNew ? undefined : { kind: 'identifier', name: dotted };
    this.at += 1;
    const args: JsValue[] = [];
    while (!this.is(')')) {
      if (!this.peek()) return undefined;
      args.push(this.expression());
      if (this.is(',')) this.at += 1;
      else if (!this.is(')')) return undefined;
    }
    this.at += 1;
    if (this.is('.') || this.is('?.') || this.is('(') || this.is('[')) return undefined;
    const callee = isNew ? `new ${dotted}` : dotted;
    if (callee === 'env' && args.length >= 1 && args[0]!.kind === 'string') return { kind: 'env', name: args[0].value };
    if (TRANSPARENT_CALLS.has(callee) && args.length >= 1) return args[0];
    return { kind: 'call', callee, args };
  }

  private skipTypeArguments(): void {
    let depth = 0;
    do {
      if (this.is('<')) depth += 1;
      else if (this.is('>')) depth -= 1;
      this.at += 1;
    } while (depth > 0 && this.at < this.tokens.length);
  }

  private object(): JsValue | undefined {
    this.at += 1;
    const entries = new Map<string, JsValue>();
    let spread = false;
    while (!this.is('}')) {
      const key = this.peek();
      if (!key) return undefined;
      if (this.is('...')) {
        this.at += 1;
        this.expression();
        spread = true;
      } else if (key.kind === 'string' || key.kind === 'identifier' || key.kind === 'number') {
        this.at += 1;
        if (this.is(':')) {
          this.at += 1;
          entries.set(key.text, this.expression());
        } else if (this.is(',') || this.is('}')) {
          entries.set(key.text, { kind: 'identifier', name: key.text });
        } else {
          // a method or getter: its value is whatever the code returns
          this.skipExpression(false);
          while (this.peek() && !this.is(',') && !this.is('}')) {
            this.skipBalanced();
          }
          entries.set(key.text, { kind: 'computed', text: `${key.text}(…)` });
        }
      } else if (this.is('[')) {
        this.skipBalanced();
        if (this.is(':')) this.at += 1;
        this.expression();
        spread = true;
      } else return undefined;
      if (this.is(',')) this.at += 1;
      else if (!this.is('}')) return undefined;
    }
    this.at += 1;
    return { kind: 'object', entries, spread };
  }

  private array(): JsValue | undefined {
    this.at += 1;
    const items: JsValue[] = [];
    while (!this.is(']')) {
      if (!this.peek()) return undefined;
      items.push(this.expression());
      if (this.is(',')) this.at += 1;
      else if (!this.is(']')) return undefined;
    }
    this.at += 1;
    return { kind: 'array', items };
  }
}

/** Parse one expression's source text (a template literal's `${…}`). */
export function parseExpression(text: string): JsValue {
  const tokens = tokenize(text);
  const parser = new Parser(tokens, text);
  const value = parser.expression();
  return parser.at < tokens.length ? { kind: 'computed', text: text.trim() } : value;
}
