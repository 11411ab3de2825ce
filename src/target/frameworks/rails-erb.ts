/**
 * The simple ERB forms of config/database.yml, evaluated without Ruby:
 * `ENV["X"]`, `ENV['X']`, `ENV.fetch("X", "d")`, `ENV.fetch("X") { "d" }`,
 * `ENV.fetch("X") { 5 }`, `ENV["X"] || "d"`, with `.to_s`/`.to_i`. Anything
 * else is reported with its line and replaced by a marker that the reader
 * treats as "unknown".
 */

/** Stands in for an ERB tag that could not be evaluated; a plain YAML scalar. */
export const UNEVALUATED = '__dbsafe_unevaluated_erb__';

export interface ErbUse {
  line: number;
  /** The variables the tag read (`ENV["DB_HOST"]`). */
  variables: string[];
  /** A default written in the tag was used because the variable is unset. */
  usedDefault: boolean;
}

export interface ErbFailure {
  line: number;
  code: string;
  /** Why it could not be evaluated; `unset` names a variable ENV.fetch requires. */
  reason: string;
  unset?: string;
}

export interface ErbResult {
  text: string;
  uses: ErbUse[];
  failures: ErbFailure[];
}

type Token = { kind: 'string' | 'number' | 'word' | 'punct'; value: string };

type RubyValue = { value: string | null; variables: string[]; usedDefault: boolean };

class Unsupported extends Error {
  constructor(reason: string, readonly unset?: string) {
    super(reason);
  }
}

function tokenize(code: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < code.length) {
    const rest = code.slice(index);
    const space = /^\s+/.exec(rest);
    if (space) { index += space[0].length; continue; }
    const single = /^'((?:[^'\\]|\\.)*)'/.exec(rest);
    const double = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    const string = single ?? double;
    if (string) {
      if (double && string[1]!.includes('#{')) throw new Unsupported('a string with #{…} interpolation');
      tokens.push({ kind: 'string', value: string[1]!.replace(/\\(.)/g, '$1') });
      index += string[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(rest);
    if (number) { tokens.push({ kind: 'number', value: number[0] }); index += number[0].length; continue; }
    const word = /^[A-Za-z_]\w*[?!]?/.exec(rest);
    if (word) { tokens.push({ kind: 'word', value: word[0] }); index += word[0].length; continue; }
    const punct = rest.startsWith('||') ? '||' : rest[0]!;
    tokens.push({ kind: 'punct', value: punct });
    index += punct.length;
  }
  return tokens;
}

class RubyExpression {
  private at = 0;
  constructor(private readonly tokens: Token[], private readonly variable: (name: string) => string | undefined) {}

  evaluate(): RubyValue {
    let result = this.operand();
    while (this.accept('punct', '||')) {
      const next = this.operand();
      // Ruby's || moves on for nil (and false) only: an empty string is kept.
      result = result.value === null
        ? { value: next.value, variables: [...result.variables, ...next.variables], usedDefault: result.variables.length > 0 || result.usedDefault }
        : result;
    }
    if (this.at < this.tokens.length) throw new Unsupported(`"${this.tokens[this.at]!.value}" is more than ENV lookups and literals`);
    return result;
  }

  private accept(kind: Token['kind'], value?: string): Token | undefined {
    const token = this.tokens[this.at];
    if (token?.kind === kind && (value === undefined || token.value === value)) { this.at += 1; return token; }
    return undefined;
  }

  private expect(kind: Token['kind'], value?: string): Token {
    const token = this.accept(kind, value);
    if (!token) throw new Unsupported(`expected ${value ?? kind} at "${this.tokens[this.at]?.value ?? 'the end'}"`);
    return token;
  }

  private operand(): RubyValue {
    let value = this.primary();
    while (this.accept('punct', '.')) {
      const method = this.expect('word').value;
      if (method === 'to_s') value = { ...value, value: value.value ?? '' };
      else if (method === 'to_i') value = { ...value, value: String(Number.parseInt(value.value ?? '0', 10) || 0) };
      else throw new Unsupported(`the method .${method}`);
    }
    return value;
  }

  private literal(): string | null {
    const token = this.tokens[this.at];
    if (token?.kind === 'string' || token?.kind === 'number') { this.at += 1; return token.value; }
    if (token?.kind === 'word' && ['nil', 'true', 'false'].includes(token.value)) { this.at += 1; return token.value === 'nil' ? null : token.value; }
    throw new Unsupported(`"${token?.value ?? 'nothing'}" is not a literal`);
  }

  private primary(): RubyValue {
    if (!this.accept('word', 'ENV')) return { value: this.literal(), variables: [], usedDefault: false };
    if (this.accept('punct', '[')) {
      const name = this.expect('string').value;
      this.expect('punct', ']');
      return { value: this.variable(name) ?? null, variables: [name], usedDefault: false };
    }
    this.expect('punct', '.');
    this.expect('word', 'fetch');
    this.expect('punct', '(');
    const name = this.expect('string').value;
    let fallback: string | null | undefined;
    if (this.accept('punct', ',')) fallback = this.literal();
    this.expect('punct', ')');
    if (fallback === undefined && this.accept('punct', '{')) {
      if (this.tokens[this.at]?.value === '|') throw new Unsupported('a block with parameters');
      fallback = this.literal();
      this.expect('punct', '}');
    }
    const value = this.variable(name);
    if (value !== undefined) return { value, variables: [name], usedDefault: false };
    if (fallback === undefined) throw new Unsupported(`ENV.fetch("${name}") without a default, and ${name} is unset`, name);
    return { value: fallback, variables: [name], usedDefault: true };
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index >= 0 && index < offset; index = text.indexOf('\n', index + 1)) line += 1;
  return line;
}

/** Evaluate the ERB tags of `text` the way Rails does before parsing the YAML. */
export function evaluateErb(text: string, variable: (name: string) => string | undefined): ErbResult {
  const uses: ErbUse[] = [];
  const failures: ErbFailure[] = [];
  const output = text.replace(/<%(%)?([=#-]?)([\s\S]*?)-?%>/g, (tag: string, escaped: string | undefined, kind: string, code: string, offset: number) => {
    if (escaped) return tag.slice(1);
    if (kind === '#') return '';
    const line = lineAt(text, offset);
    const lineStart = text.lastIndexOf('\n', offset) + 1;
    // A tag inside a YAML comment is evaluated by Rails and then ignored: nothing to judge.
    if (/^\s*#/.test(text.slice(lineStart, offset))) return '';
    if (kind !== '=') {
      failures.push({ line, code: tag, reason: 'Ruby code that is not an output tag (<%= … %>)' });
      return '';
    }
    try {
      const result = new RubyExpression(tokenize(code), variable).evaluate();
      uses.push({ line, variables: result.variables, usedDefault: result.usedDefault });
      return result.value ?? '';
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      failures.push({ line, code: tag, reason: error.message, ...(error.unset ? { unset: error.unset } : {}) });
      return UNEVALUATED;
    }
  });
  return { text: output, uses, failures };
}
