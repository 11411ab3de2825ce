import path from 'node:path';
import type { Located } from './django-settings.js';
import { dottedName, parsePython, pythonStatements, type PyExpr } from './python-source.js';

/** A value of the settings, and the variable it came from. */
export interface DjangoValue {
  value: string | undefined;
  variable?: string;
  isDefault?: boolean;
}

/** Thrown for a value computed in code (`what` names it) or a required variable that is unset. */
export class NotReadable extends Error {
  constructor(readonly line: number, readonly file: string, readonly what: string, readonly unset?: string) {
    super(what);
  }
}

const ENVIRON_GET = new Set(['os.environ.get', 'os.getenv', 'getenv', 'environ.get']);
const ENVIRON = new Set(['os.environ', 'environ']);
/** django-environ's env('X'), env.str('X')… and python-decouple's config('X'): a default only as default=. */
const ENV_READERS = /^(env|config|decouple\.config)(\.(str|int|bool|get_value))?$/;
const PATH_JOINS = new Set(['Path', 'pathlib.Path', 'PurePath', 'os.path.join', 'str', 'int', 'os.fspath']);
const PATH_SAME = new Set(['os.path.abspath', 'os.path.realpath', 'os.path.normpath', 'os.path.expanduser']);

export interface ValueScope {
  names: Map<string, Located>;
  variable: (name: string) => string | undefined;
}

function envLookup(scope: ValueScope, name: string, fallback: (() => DjangoValue) | undefined, at: Located): DjangoValue {
  const value = scope.variable(name);
  if (value !== undefined) return { value, variable: name };
  if (fallback) return { ...fallback(), variable: name, isDefault: true };
  throw new NotReadable(at.line, at.file, name, name);
}

/** Evaluate a settings expression without Python; throws NotReadable. */
export function evaluateDjangoValue(expr: PyExpr, at: Located, scope: ValueScope, depth = 0): DjangoValue {
  if (depth > 20) throw new NotReadable(at.line, at.file, 'a value that refers to itself');
  const evaluate = (inner: PyExpr, where = at) => evaluateDjangoValue(inner, where, scope, depth + 1);
  const text = (inner: PyExpr) => evaluate(inner).value ?? '';
  switch (expr.kind) {
    case 'str':
    case 'num':
      return { value: expr.value };
    case 'const':
      return { value: expr.value === 'None' ? undefined : expr.value };
    case 'fstr':
      return { value: evaluateFString(expr.value, (inner) => text(inner)) };
    case 'name': {
      if (expr.name === '__file__') return { value: at.file };
      const defined = scope.names.get(expr.name);
      if (defined) return evaluate(defined.expr, defined);
      throw new NotReadable(at.line, at.file, expr.name);
    }
    case 'attr':
      if (expr.name === 'parent') return { value: path.dirname(text(expr.target)) };
      throw new NotReadable(at.line, at.file, dottedName(expr) ?? `.${expr.name}`);
    case 'binop': {
      const left = evaluate(expr.left);
      if (expr.op === 'or') return left.value ? left : evaluate(expr.right);
      const right = evaluate(expr.right);
      return { value: expr.op === '/' ? path.join(left.value ?? '', right.value ?? '') : (left.value ?? '') + (right.value ?? ''), ...(left.variable ? { variable: left.variable } : {}) };
    }
    case 'index': {
      if (ENVIRON.has(dottedName(expr.target) ?? '') && expr.index.kind === 'str') return envLookup(scope, expr.index.value, undefined, at);
      throw new NotReadable(at.line, at.file, 'a subscript');
    }
    case 'call':
      return evaluateCall(expr, at, scope, depth);
    default:
      throw new NotReadable(at.line, at.file, 'an expression');
  }
}

function evaluateCall(expr: Extract<PyExpr, { kind: 'call' }>, at: Located, scope: ValueScope, depth: number): DjangoValue {
  const evaluate = (inner: PyExpr) => evaluateDjangoValue(inner, at, scope, depth + 1);
  const callee = dottedName(expr.callee) ?? '';
  const [first, second] = expr.args;
  const defaultArg = expr.kwargs['default'];
  if (ENVIRON_GET.has(callee) && first?.kind === 'str') {
    const fallback = second ?? defaultArg;
    return envLookup(scope, first.value, () => (fallback ? evaluate(fallback) : { value: undefined }), at);
  }
  if (ENV_READERS.test(callee) && first?.kind === 'str') {
    return envLookup(scope, first.value, defaultArg ? () => evaluate(defaultArg) : undefined, at);
  }
  if (PATH_JOINS.has(callee) && expr.args.length > 0) {
    const parts = expr.args.map((arg) => evaluate(arg).value ?? '');
    return { value: parts.length === 1 ? parts[0] : path.join(...parts) };
  }
  if (PATH_SAME.has(callee) && first) return evaluate(first);
  if (callee === 'os.path.dirname' && first) return { value: path.dirname(evaluate(first).value ?? '') };
  if (expr.callee.kind === 'attr' && ['resolve', 'absolute', 'expanduser'].includes(expr.callee.name)) return evaluate(expr.callee.target);
  throw new NotReadable(at.line, at.file, `${callee || 'a call'}(…)`);
}

/** f'sqlite:///{BASE_DIR / "db.sqlite3"}': each {…} is read as an expression. */
function evaluateFString(template: string, evaluate: (expr: PyExpr) => string): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, inner: string | undefined) => {
    if (inner === undefined) return match[0]!;
    const tokens = pythonStatements(inner.replace(/![rsa]$/, ''))[0]?.tokens ?? [];
    return evaluate(parsePython(tokens));
  });
}
