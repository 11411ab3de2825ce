import { OPENERS, Parser, type JsValue } from './js-expression.js';
import { tokenize } from './js-tokens.js';

/** The top-level bindings and exports of a configuration file. */
export interface JsModule {
  /** `const NAME = …` (also `let`, `var`, `export const`) at the top level. */
  bindings: Map<string, JsValue>;
  /** `export default …`, `module.exports = …`, `export = …`. */
  defaultExport?: JsValue;
  /** Every `new NAME(…)` anywhere in the file, in order. */
  constructions: { callee: string; args: JsValue[] }[];
  source: string;
}

/**
 * Read a configuration file's top level: its `const` bindings, its default
 * export, and every `new X(…)`. Throws TokenizeError for text that is not
 * JavaScript.
 */
export function parseModule(source: string): JsModule {
  const parser = new Parser(tokenize(source), source);
  const bindings = new Map<string, JsValue>();
  let defaultExport: JsValue | undefined;
  const constructions: JsModule['constructions'] = [];
  for (let index = 0; index < parser.tokens.length; index += 1) {
    if (parser.tokens[index]!.text === 'new' && parser.tokens[index]!.kind === 'identifier') {
      const construction = new Parser(parser.tokens, source);
      construction.at = index;
      const value = construction.operand();
      if (value?.kind === 'call') constructions.push({ callee: value.callee.replace(/^new /, ''), args: value.args });
    }
  }
  let depth = 0;
  while (parser.at < parser.tokens.length) {
    const token = parser.peek()!;
    if (token.kind === 'punctuation') {
      if (OPENERS[token.text]) depth += 1;
      else if ([')', ']', '}'].includes(token.text)) depth -= 1;
      parser.at += 1;
      continue;
    }
    if (depth !== 0 || token.kind !== 'identifier') {
      parser.at += 1;
      continue;
    }
    if (token.text === 'export' && parser.is('default', 1)) {
      parser.at += 2;
      defaultExport = parser.expression(true);
    } else if ((token.text === 'export' && parser.is('=', 1)) || (token.text === 'module' && parser.is('.', 1) && parser.is('exports', 2) && parser.is('=', 3))) {
      parser.at += token.text === 'export' ? 2 : 4;
      defaultExport = parser.expression(true);
    } else if (['const', 'let', 'var'].includes(token.text) && parser.peek(1)?.kind === 'identifier') {
      const name = parser.peek(1)!.text;
      parser.at += 2;
      if (parser.is(':')) {
        parser.at += 1;
        while (parser.peek() && !parser.is('=')) {
          if (OPENERS[parser.peek()!.text] && parser.peek()!.kind === 'punctuation') parser.skipBalanced();
          else parser.at += 1;
        }
      }
      if (parser.is('=')) {
        parser.at += 1;
        bindings.set(name, parser.expression(true));
      }
    } else {
      parser.at += 1;
    }
  }
  return { bindings, defaultExport, constructions, source };
}
