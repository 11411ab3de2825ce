import path from 'node:path';
import { parseModule, type JsModule } from './js-module.js';
import { TokenizeError } from './js-tokens.js';
import { jsFrameworkMessages } from './js-messages.js';
import type { FrameworkId, FrameworkInput, FrameworkProblem } from './types.js';

export type ConfigRead<T> = { found: false } | { found: true; file: string; value: T } | { found: true; file: string; problem: FrameworkProblem };

function readText(input: FrameworkInput, framework: FrameworkId, file: string): ConfigRead<string> {
  const text = input.readFile(file);
  if (text === undefined) return { found: false };
  if (typeof text !== 'string') return { found: true, file, problem: { framework, file, message: jsFrameworkMessages.unreadable(file, input.root, text.unreadable) } };
  return { found: true, file, value: text };
}

/** The first of `names` (relative to `dir`) that exists. */
export function findFile(input: FrameworkInput, dir: string, names: readonly string[]): string | undefined {
  return names.map((name) => path.resolve(dir, name)).find((file) => input.readFile(file) !== undefined);
}

export function readJsModule(input: FrameworkInput, framework: FrameworkId, file: string): ConfigRead<JsModule> {
  const text = readText(input, framework, file);
  if (!text.found || !('value' in text)) return text;
  if (file.endsWith('.json')) {
    const json = readJson(input, framework, file);
    if (!json.found || !('value' in json)) return json;
    return { found: true, file, value: { bindings: new Map(), defaultExport: jsonToValue(json.value), constructions: [], source: text.value } };
  }
  try {
    return { found: true, file, value: parseModule(text.value) };
  } catch (error) {
    if (!(error instanceof TokenizeError)) throw error;
    return { found: true, file, problem: { framework, file, message: jsFrameworkMessages.notParsable(file, input.root, error.message) } };
  }
}

export function readJson(input: FrameworkInput, framework: FrameworkId, file: string): ConfigRead<unknown> {
  const text = readText(input, framework, file);
  if (!text.found || !('value' in text)) return text;
  try {
    return { found: true, file, value: JSON.parse(text.value) as unknown };
  } catch (error) {
    return { found: true, file, problem: { framework, file, message: jsFrameworkMessages.notJson(file, input.root, (error as Error).message) } };
  }
}

/** A JSON document as the same values a JavaScript file gives, so one reader serves both. */
export function jsonToValue(json: unknown): import('./js-expression.js').JsValue {
  if (typeof json === 'string') return { kind: 'string', value: json };
  if (typeof json === 'number') return { kind: 'number', value: String(json) };
  if (typeof json === 'boolean') return { kind: 'boolean', value: json };
  if (json === null || json === undefined) return { kind: 'nothing' };
  if (Array.isArray(json)) return { kind: 'array', items: json.map(jsonToValue) };
  const entries = new Map(Object.entries(json as Record<string, unknown>).map(([key, value]) => [key, jsonToValue(value)]));
  return { kind: 'object', entries, spread: false };
}
