/**
 * A small reader for the literal parts of a Python settings module: logical
 * lines (statements) and expressions made of literals, names, attributes,
 * calls, subscripts, `/`, `+` and `or`. It never runs Python; anything else
 * parses as `other`.
 */

export type PyExpr =
  | { kind: 'str'; value: string }
  | { kind: 'fstr'; value: string }
  | { kind: 'num'; value: string }
  | { kind: 'const'; value: 'True' | 'False' | 'None' }
  | { kind: 'dict'; entries: { key: PyExpr; value: PyExpr }[]; spread: boolean }
  | { kind: 'list'; items: PyExpr[] }
  | { kind: 'name'; name: string }
  | { kind: 'attr'; target: PyExpr; name: string }
  | { kind: 'call'; callee: PyExpr; args: PyExpr[]; kwargs: Record<string, PyExpr> }
  | { kind: 'index'; target: PyExpr; index: PyExpr }
  | { kind: 'binop'; op: string; left: PyExpr; right: PyExpr }
  | { kind: 'other' };

export interface PyToken {
  kind: 'name' | 'str' | 'fstr' | 'num' | 'op';
  value: string;
  line: number;
}

/** One logical line: its tokens, first line and indentation. */
export interface PyStatement {
  tokens: PyToken[];
  line: number;
  indent: number;
}

const OPERATORS = ['**', '//', '==', '!=', '<=', '>=', '->', ':=', '+=', '-=', '*=', '/=', '|=', '(', ')', '[', ']', '{', '}', ',', ':', '.', '=', '+', '-', '*', '/', '%', '<', '>', '|', '&', '~', '@', ';', '^', '!'];

/** Split a module into statements; throws an Error naming the line of an unclosed string. */
export function pythonStatements(text: string): PyStatement[] {
  const statements: PyStatement[] = [];
  let current: PyStatement | undefined;
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let index = 0;
  const push = (token: Omit<PyToken, 'line'>) => {
    current ??= { tokens: [], line, indent: index - lineStart };
    current.tokens.push({ ...token, line });
  };
  while (index < text.length) {
    const char = text[index]!;
    if (char === '\n') {
      if (depth === 0 && current) { statements.push(current); current = undefined; }
      index += 1; line += 1; lineStart = index;
      continue;
    }
    if (char === '\\' && text[index + 1] === '\n') { index += 2; line += 1; lineStart = index; continue; }
    if (char === ' ' || char === '\t' || char === '\r') { index += 1; continue; }
    if (char === '#') { while (index < text.length && text[index] !== '\n') index += 1; continue; }
    const stringStart = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(text.slice(index, index + 5));
    if (stringStart) {
      const prefix = stringStart[1]!.toLowerCase();
      const quote = stringStart[2]!;
      const startLine = line;
      let at = index + stringStart[0].length;
      let value = '';
      for (;;) {
        if (at >= text.length || (quote.length === 1 && text[at] === '\n')) throw new Error(`an unclosed string on line ${startLine}`);
        if (text.startsWith(quote, at)) { at += quote.length; break; }
        if (text[at] === '\\' && !prefix.includes('r')) { value += text[at + 1] ?? ''; at += 2; continue; }
        if (text[at] === '\n') { line += 1; lineStart = at + 1; }
        value += text[at];
        at += 1;
      }
      const kind = prefix.includes('f') ? 'fstr' : 'str';
      const previous = current?.tokens.at(-1);
      // Adjacent literals concatenate ('a' 'b').
      if (kind === 'str' && previous?.kind === 'str') previous.value += value;
      else push({ kind, value });
      index = at;
      continue;
    }
    const number = /^\d[\d_]*(\.\d+)?/.exec(text.slice(index));
    if (number) { push({ kind: 'num', value: number[0].replace(/_/g, '') }); index += number[0].length; continue; }
    const name = /^[A-Za-z_]\w*/.exec(text.slice(index));
    if (name) { push({ kind: 'name', value: name[0] }); index += name[0].length; continue; }
    const operator = OPERATORS.find((op) => text.startsWith(op, index)) ?? char;
    if ('([{'.includes(operator)) depth += 1;
    if (')]}'.includes(operator)) depth = Math.max(0, depth - 1);
    push({ kind: 'op', value: operator });
    index += operator.length;
  }
  if (current) statements.push(current);
  return statements;
}

class Unreadable extends Error {}

/** Parse tokens as one expression; `other` when they are more than this reader knows. */
export function parsePython(tokens: readonly PyToken[]): PyExpr {
  let at = 0;
  const peek = () => tokens[at];
  const isOp = (value: string) => peek()?.kind === 'op' && peek()?.value === value;
  const expectOp = (value: string) => { if (!isOp(value)) throw new Unreadable(); at += 1; };

  const expression = (): PyExpr => {
    let left = arithmetic();
    while (peek()?.kind === 'name' && peek()?.value === 'or') { at += 1; left = { kind: 'binop', op: 'or', left, right: arithmetic() }; }
    if (peek()?.kind === 'name' && ['if', 'and', 'not', 'in', 'is', 'for', 'lambda'].includes(peek()!.value)) throw new Unreadable();
    return left;
  };
  const arithmetic = (): PyExpr => {
    let left = postfix();
    while (isOp('/') || isOp('+')) { const op = peek()!.value; at += 1; left = { kind: 'binop', op, left, right: postfix() }; }
    return left;
  };
  const postfix = (): PyExpr => {
    let value = atom();
    for (;;) {
      if (isOp('.')) { at += 1; const name = peek(); if (name?.kind !== 'name') throw new Unreadable(); at += 1; value = { kind: 'attr', target: value, name: name.value }; }
      else if (isOp('[')) { at += 1; const index = expression(); expectOp(']'); value = { kind: 'index', target: value, index }; }
      else if (isOp('(')) { at += 1; value = call(value); }
      else return value;
    }
  };
  const call = (callee: PyExpr): PyExpr => {
    const args: PyExpr[] = [];
    const kwargs: Record<string, PyExpr> = {};
    while (!isOp(')')) {
      if (isOp('*') || isOp('**')) throw new Unreadable();
      const token = peek();
      if (token?.kind === 'name' && tokens[at + 1]?.kind === 'op' && tokens[at + 1]?.value === '=') { at += 2; kwargs[token.value] = expression(); }
      else args.push(expression());
      if (isOp(',')) at += 1;
      else if (!isOp(')')) throw new Unreadable();
    }
    at += 1;
    return { kind: 'call', callee, args, kwargs };
  };
  const atom = (): PyExpr => {
    const token = peek();
    if (!token) throw new Unreadable();
    at += 1;
    if (token.kind === 'str' || token.kind === 'fstr' || token.kind === 'num') return { kind: token.kind, value: token.value };
    if (token.kind === 'name') {
      if (token.value === 'True' || token.value === 'False' || token.value === 'None') return { kind: 'const', value: token.value };
      return { kind: 'name', name: token.value };
    }
    if (token.value === '(') { const inner = expression(); expectOp(')'); return inner; }
    if (token.value === '[') {
      const items: PyExpr[] = [];
      while (!isOp(']')) { items.push(expression()); if (isOp(',')) at += 1; else if (!isOp(']')) throw new Unreadable(); }
      at += 1;
      return { kind: 'list', items };
    }
    if (token.value === '{') {
      const entries: { key: PyExpr; value: PyExpr }[] = [];
      let spread = false;
      while (!isOp('}')) {
        if (isOp('**')) { at += 1; expression(); spread = true; }
        else { const key = expression(); expectOp(':'); entries.push({ key, value: expression() }); }
        if (isOp(',')) at += 1;
        else if (!isOp('}')) throw new Unreadable();
      }
      at += 1;
      return { kind: 'dict', entries, spread };
    }
    throw new Unreadable();
  };

  try {
    const result = expression();
    return at === tokens.length ? result : { kind: 'other' };
  } catch (error) {
    if (error instanceof Unreadable) return { kind: 'other' };
    throw error;
  }
}

/** `os.environ.get` for a chain of names and attributes; undefined for anything else. */
export function dottedName(expr: PyExpr): string | undefined {
  if (expr.kind === 'name') return expr.name;
  if (expr.kind === 'attr') {
    const target = dottedName(expr.target);
    return target === undefined ? undefined : `${target}.${expr.name}`;
  }
  return undefined;
}
