/**
 * Everything dbsafe writes into a file it does not own sits between these two
 * lines, so uninstall removes exactly that block and nothing else. Two note
 * lines inside the block record what else the install changed, so uninstall
 * restores the file byte for byte: that dbsafe created the file (delete it
 * again), or that the file lacked a final newline (take the one added away).
 */
export const BEGIN_LINE = '# >>> dbsafe >>>';
export const END_LINE = '# <<< dbsafe <<<';

/**
 * Markers of a second, named block in the same file (`# >>> dbsafe login-bash >>>`):
 * two pieces of dbsafe (the PATH shims and the login-bash shell functions)
 * may both need ~/.profile, and each is installed and removed on its own.
 */
function markers(id?: string): { begin: string; end: string } {
  return id ? { begin: `# >>> dbsafe ${id} >>>`, end: `# <<< dbsafe ${id} <<<` } : { begin: BEGIN_LINE, end: END_LINE };
}
export const CREATED_NOTE = '# (dbsafe created this file; `dbsafe uninstall` removes it)';
export const NEWLINE_NOTE = '# (dbsafe added the newline before this block)';

interface BlockSpan {
  start: number;
  end: number;
  created: boolean;
  newlineAdded: boolean;
}

function renderBlock(body: string, notes: { created: boolean; newlineAdded: boolean }, id?: string): string {
  const { begin, end } = markers(id);
  const lines = [begin];
  if (notes.created) lines.push(CREATED_NOTE);
  if (notes.newlineAdded) lines.push(NEWLINE_NOTE);
  lines.push(body.replace(/\n+$/, ''), end);
  return `${lines.join('\n')}\n`;
}

/** Where dbsafe's block sits in `text`, or null. A begin line without an end line counts as no block. */
export function findBlock(text: string, id?: string): BlockSpan | null {
  const { begin, end: endLine } = markers(id);
  const start = text.startsWith(`${begin}\n`) ? 0 : text.indexOf(`\n${begin}\n`) + 1;
  if (start === 0 && !text.startsWith(`${begin}\n`)) return null;
  const endMarker = text.indexOf(`\n${endLine}`, start);
  if (endMarker === -1) return null;
  let end = endMarker + 1 + endLine.length;
  if (text[end] === '\n') end += 1;
  const block = text.slice(start, end);
  return { start, end, created: block.includes(`\n${CREATED_NOTE}\n`), newlineAdded: block.includes(`\n${NEWLINE_NOTE}\n`) };
}

/** The body between the markers (notes excluded), or null when there is no block. */
export function blockBody(text: string, id?: string): string | null {
  const span = findBlock(text, id);
  if (!span) return null;
  const lines = text.slice(span.start, span.end).replace(/\n$/, '').split('\n');
  return lines
    .slice(1, -1)
    .filter((line) => line !== CREATED_NOTE && line !== NEWLINE_NOTE)
    .join('\n');
}

/**
 * The file's new text with dbsafe's block holding `body`: replaced in place
 * when present, else appended. `existing` null means the file does not
 * exist; `header` (a shebang) then goes before the block.
 */
export function upsertBlock(existing: string | null, body: string, header = '', id?: string): string {
  if (existing === null) return `${header}${renderBlock(body, { created: true, newlineAdded: false }, id)}`;
  const span = findBlock(existing, id);
  if (span) return existing.slice(0, span.start) + renderBlock(body, span, id) + existing.slice(span.end);
  const newlineAdded = existing !== '' && !existing.endsWith('\n');
  return `${existing}${newlineAdded ? '\n' : ''}${renderBlock(body, { created: false, newlineAdded }, id)}`;
}

/**
 * The file's text without dbsafe's block: null when dbsafe created the file
 * and nothing but its `header` is left (delete the file); the text unchanged
 * when there is no block.
 */
export function removeBlock(text: string, header = '', id?: string): string | null {
  const span = findBlock(text, id);
  if (!span) return text;
  let before = text.slice(0, span.start);
  const after = text.slice(span.end);
  if (span.created && after === '' && (before === '' || before === header)) return null;
  if (span.newlineAdded && before.endsWith('\n')) before = before.slice(0, -1);
  return before + after;
}
