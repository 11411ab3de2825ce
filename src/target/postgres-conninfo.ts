import { UrlProblem } from './url-problem.js';

export interface ConninfoPair {
  keyword: string;
  value: string;
}

/** `host=localhost dbname=app`: a libpq key/value string rather than a URL. */
export function looksLikeConninfo(text: string): boolean {
  return /^\s*[A-Za-z_][A-Za-z0-9_]*\s*=/.test(text) && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text.trim());
}

/**
 * Split a libpq key/value connection string the way libpq's conninfo_parse
 * does: `keyword = value` pairs separated by white space; a value is either
 * unquoted (up to white space) or in single quotes; a backslash escapes the
 * next character in both. Pure; the order is kept (libpq: the last wins).
 */
export function parseConninfo(text: string): ConninfoPair[] {
  const pairs: ConninfoPair[] = [];
  let i = 0;
  const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
  while (i < text.length) {
    while (isSpace(text[i])) i++;
    if (i >= text.length) break;
    const keywordStart = i;
    while (i < text.length && text[i] !== '=' && !isSpace(text[i])) i++;
    const keyword = text.slice(keywordStart, i);
    while (isSpace(text[i])) i++;
    if (text[i] !== '=') throw new UrlProblem('malformed-url', `"${keyword}" has no "=" after it (write keyword=value, quoting values with spaces: dbname='my db')`);
    i++;
    while (isSpace(text[i])) i++;
    let value = '';
    if (text[i] === "'") {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i]!;
        if (c === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (c === "'") {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) throw new UrlProblem('malformed-url', `the quoted value of "${keyword}" has no closing quote`);
    } else {
      while (i < text.length && !isSpace(text[i])) {
        if (text[i] === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else {
          value += text[i];
          i++;
        }
      }
    }
    pairs.push({ keyword, value });
  }
  if (pairs.length === 0) throw new UrlProblem('malformed-url', 'it is empty');
  return pairs;
}
