import { readFileSync, rmSync } from 'node:fs';
import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { readTextOrNull, writeIfChanged, type FileChange } from './files.js';

export type JsonObject = Record<string, unknown>;

/** How a JSON file was laid out, so a rewrite keeps its indentation and final newline. */
interface JsonLayout {
  indent: string | number;
  finalNewline: boolean;
}

function layoutOf(text: string): JsonLayout {
  const indent = /^\{\s*\n([ \t]+)"/.exec(text)?.[1];
  return { indent: indent === undefined ? 2 : indent.includes('\t') ? '\t' : indent.length, finalNewline: text.endsWith('\n') || text === '' };
}

function serialize(value: JsonObject, layout: JsonLayout): string {
  return JSON.stringify(value, null, layout.indent) + (layout.finalNewline ? '\n' : '');
}

function parseObject(file: string, text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DbsafeError(
      'install-json-invalid',
      `${file} is not valid JSON (${(error as Error).message}), so dbsafe will not edit it. Fix the syntax, then run the command again.`,
      ExitCode.usage,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DbsafeError('install-json-invalid', `${file} does not hold a JSON object, so dbsafe will not edit it. Fix the file, then run the command again.`, ExitCode.usage);
  }
  return value as JsonObject;
}

export function readJsonObject(file: string): JsonObject | null {
  const text = readTextOrNull(file);
  return text === null ? null : parseObject(file, text);
}

/**
 * Apply `edit` to a JSON file and write it back in its own layout. A file
 * that did not exist is created; when the edit leaves a file dbsafe created
 * empty (`{}`), it is deleted again.
 */
export function editJsonFile(file: string, edit: (value: JsonObject) => void, options: { deleteWhenEmpty?: boolean } = {}): FileChange {
  const text = readTextOrNull(file);
  const value = text === null ? {} : parseObject(file, text);
  edit(value);
  if (options.deleteWhenEmpty && Object.keys(value).length === 0) {
    if (text === null) return { file, action: 'unchanged' };
    rmSync(file);
    return { file, action: 'removed' };
  }
  return writeIfChanged(file, serialize(value, text === null ? { indent: 2, finalNewline: true } : layoutOf(text)));
}

export function jsonFileText(file: string): string {
  return readFileSync(file, 'utf8');
}
