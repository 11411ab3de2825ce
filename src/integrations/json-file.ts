import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { readTextOrNull, removeOwnedFile, writeIfChanged, type FileChange } from './files.js';

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

/**
 * JSON.stringify cannot reproduce every hand-made layout (an inline array,
 * aligned values). When a file dbsafe edits does not round-trip, its original
 * text is kept in `journalDir`; uninstall puts it back as long as nobody
 * changed the file since, and removes dbsafe's entries by value otherwise.
 */
interface JournalEntry {
  original: string;
  written: string;
}

function journalFile(journalDir: string, file: string): string {
  return path.join(journalDir, `${createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 32)}.json`);
}

function readJournal(journalDir: string, file: string): JournalEntry | null {
  const text = readTextOrNull(journalFile(journalDir, file));
  if (text === null) return null;
  try {
    return JSON.parse(text) as JournalEntry;
  } catch {
    return null;
  }
}

/** editJsonFile for install: remembers the original text when a rewrite would not reproduce its layout. */
export function installJsonEdit(file: string, edit: (value: JsonObject) => void, journalDir: string): FileChange {
  const before = readTextOrNull(file);
  const change = editJsonFile(file, edit);
  const after = readTextOrNull(file);
  if (before === null || after === null || change.action === 'unchanged') return change;
  const roundTrips = serialize(parseObject(file, before), layoutOf(before)) === before;
  const previous = readJournal(journalDir, file);
  const original = previous && previous.written === before ? previous.original : before;
  if (!roundTrips || (previous && previous.written === before)) {
    writeIfChanged(journalFile(journalDir, file), `${JSON.stringify({ original, written: after })}\n`, 0o600);
  }
  return change;
}

/** editJsonFile for uninstall: the exact original text when the file is still as dbsafe left it. */
export function uninstallJsonEdit(file: string, edit: (value: JsonObject) => void, journalDir: string, options: { deleteWhenEmpty?: boolean } = {}): FileChange {
  const journal = readJournal(journalDir, file);
  removeOwnedFile(journalFile(journalDir, file));
  const current = readTextOrNull(file);
  if (journal && current === journal.written) return writeIfChanged(file, journal.original);
  return editJsonFile(file, edit, options);
}
