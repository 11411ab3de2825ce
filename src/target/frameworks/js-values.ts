import path from 'node:path';
import type { JsValue } from './js-expression.js';
import type { JsModule } from './js-module.js';
import type { FrameworkField, FrameworkSource } from './types.js';

/** A scalar read from a configuration file: its text and where it came from, or why it could not be read. */
export interface ResolvedValue {
  value?: string;
  /** The variable that set the value, or that would have set it when a written default was used. */
  variable?: string;
  /** A default written in the file was used (`process.env.DB_HOST ?? 'localhost'` with DB_HOST unset). */
  isDefault?: boolean;
  /** Variables the value depends on that are not set. */
  unset: string[];
  /** The source text of an expression only running the code could evaluate. */
  computed?: string;
}

export interface ValueContext {
  variable: (name: string) => string | undefined;
  module: JsModule;
  /** The file's directory (`__dirname`) and the directory the tool runs in (`process.cwd()`), for `path.join(__dirname, 'dev.sqlite3')`. */
  dir?: string;
  cwd?: string;
}

const PATH_CALLS = new Set(['path.join', 'path.resolve', 'join', 'resolve']);

/** `path.join(__dirname, 'db', 'dev.sqlite3')`, `path.resolve('config', 'database.json')`: the path, when every part is known. */
export function pathCall(value: JsValue, context: Pick<ValueContext, 'dir' | 'cwd'>): string | undefined {
  if (value.kind !== 'call' || !PATH_CALLS.has(value.callee) || value.args.length === 0) return undefined;
  const parts: string[] = [];
  for (const [index, arg] of value.args.entries()) {
    if (arg.kind === 'string') parts.push(arg.value);
    else if (index === 0 && arg.kind === 'identifier' && arg.name === '__dirname' && context.dir) parts.push(context.dir);
    else if (index === 0 && arg.kind === 'call' && arg.callee === 'process.cwd' && arg.args.length === 0 && context.cwd) parts.push(context.cwd);
    else return undefined;
  }
  const joined = value.callee.endsWith('join') ? path.join(...parts) : path.resolve(context.cwd ?? '/', ...parts);
  return value.callee.endsWith('join') && !path.isAbsolute(joined) && context.cwd ? path.resolve(context.cwd, joined) : joined;
}

/** Calls that wrap a configuration object without changing it. */
const CONFIG_WRAPPERS = new Set(['defineConfig']);

/** Follow `const config = …; export default config` and `defineConfig({…})` to the value itself. */
export function followValue(value: JsValue | undefined, module: JsModule, depth = 0): JsValue | undefined {
  if (!value || depth > 8) return value;
  if (value.kind === 'identifier' && module.bindings.has(value.name)) return followValue(module.bindings.get(value.name), module, depth + 1);
  if (value.kind === 'call' && CONFIG_WRAPPERS.has(value.callee) && value.args.length === 1) return followValue(value.args[0], module, depth + 1);
  return value;
}

export function objectEntry(value: JsValue | undefined, key: string, module: JsModule): JsValue | undefined {
  const object = followValue(value, module);
  return object?.kind === 'object' ? object.entries.get(key) : undefined;
}

export function resolveScalar(value: JsValue | undefined, context: ValueContext, depth = 0): ResolvedValue {
  const followed = followValue(value, context.module, depth);
  if (!followed) return { unset: [] };
  switch (followed.kind) {
    case 'string':
    case 'number':
      return { value: followed.value, unset: [] };
    case 'boolean':
      return { value: String(followed.value), unset: [] };
    case 'nothing':
      return { unset: [] };
    case 'env': {
      const set = context.variable(followed.name);
      return set === undefined ? { variable: followed.name, unset: [followed.name] } : { value: set, variable: followed.name, unset: [] };
    }
    case 'either': {
      const unset: string[] = [];
      let firstVariable: string | undefined;
      for (const [index, option] of followed.options.entries()) {
        const read = resolveScalar(option, context, depth + 1);
        if (read.computed !== undefined) return { ...read, unset: [...unset, ...read.unset] };
        firstVariable ??= read.variable;
        unset.push(...read.unset);
        if (read.value !== undefined && (followed.operator === '??' || read.value !== '')) {
          const isDefault = index > 0 && read.variable === undefined;
          // `process.env.DATABASE_URL ?? ""`: an empty default names no database; the variable is what is missing.
          if (isDefault && read.value === '') return { variable: firstVariable, unset };
          return { value: read.value, variable: read.variable ?? firstVariable, isDefault: isDefault || undefined, unset: [] };
        }
      }
      return { variable: firstVariable, unset };
    }
    case 'template': {
      let text = followed.quasis[0] ?? '';
      const unset: string[] = [];
      let variable: string | undefined;
      for (const [index, expression] of followed.expressions.entries()) {
        const read = resolveScalar(expression, context, depth + 1);
        if (read.computed !== undefined) return { computed: `\`…\${${read.computed}}…\``, unset: [] };
        unset.push(...read.unset);
        variable ??= read.variable;
        text += (read.value ?? '') + (followed.quasis[index + 1] ?? '');
      }
      return unset.length > 0 ? { variable, unset } : { value: text, variable, unset: [] };
    }
    case 'identifier':
      return { computed: followed.name, unset: [] };
    case 'call': {
      const file = pathCall(followed, context);
      return file === undefined ? { computed: `${followed.callee}(…)`, unset: [] } : { value: file, unset: [] };
    }
    case 'object':
      return { computed: '{…}', unset: [] };
    case 'array':
      return { computed: '[…]', unset: [] };
    case 'computed':
      return { computed: followed.text, unset: [] };
  }
}

export function sourceOf(read: ResolvedValue, file: string, key: string): FrameworkSource {
  const source: FrameworkSource = { file, key };
  if (read.variable) source.variable = read.variable;
  if (read.isDefault) source.isDefault = true;
  return source;
}

export type ConnectionField = Exclude<FrameworkField, 'engine'>;

export interface ReadFields {
  fields: Partial<Record<ConnectionField, string>>;
  fieldSources: Partial<Record<FrameworkField, FrameworkSource>>;
  /** Variables a field depends on that are not set. */
  unset: { field: FrameworkField; key: string; variable: string }[];
  computed: { key: string; text: string }[];
}

/** Read a connection object's fields (`{ host, port, user, database }`), each by the keys the framework uses for it. */
export function readFields(
  object: JsValue | undefined,
  keys: Readonly<Record<string, ConnectionField>>,
  context: ValueContext,
  file: string,
  keyPrefix: string,
): ReadFields {
  const read: ReadFields = { fields: {}, fieldSources: {}, unset: [], computed: [] };
  const followed = followValue(object, context.module);
  if (followed?.kind !== 'object') return read;
  for (const [key, field] of Object.entries(keys)) {
    if (!followed.entries.has(key)) continue;
    const value = resolveScalar(followed.entries.get(key), context);
    const fullKey = `${keyPrefix}.${key}`;
    if (value.computed !== undefined) read.computed.push({ key: fullKey, text: value.computed });
    read.unset.push(...value.unset.map((variable) => ({ field, key: fullKey, variable })));
    if (value.value !== undefined && value.value !== '') {
      read.fields[field] = value.value;
      read.fieldSources[field] = sourceOf(value, file, fullKey);
    }
  }
  return read;
}
