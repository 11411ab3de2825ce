import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Target } from '../../target/types.js';

export interface PassfileKey {
  host: string;
  port: string;
  database: string;
  user: string;
}

/** The fields of one password file line: ":" separates them, "\" escapes the next character. */
function splitPassfileLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) current += line[++i];
    else if (c === ':' && fields.length < 4) {
      fields.push(current);
      current = '';
    } else current += c;
  }
  return [...fields, current];
}

/** The password libpq would take from a password file's text for `key`: the first matching line, `*` matching anything. Pure. */
export function passwordFromPassfileText(text: string, key: PassfileKey): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = splitPassfileLine(line);
    if (fields.length < 5) continue;
    const wanted = [key.host, key.port, key.database, key.user];
    if (wanted.every((value, i) => fields[i] === '*' || fields[i] === value)) return fields[4] || undefined;
  }
  return undefined;
}

/**
 * The password the user's own password file (PGPASSFILE, else ~/.pgpass)
 * holds for this connection, read as libpq reads it: a file others can read
 * is ignored, a socket connection matches "localhost". dbsafe looks it up
 * itself so that the driver connects as pg_dump will (the driver's own
 * lookup is deprecated and prints a warning).
 */
export function passwordFromUserPassfile(target: Target, database: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.PGPASSFILE || path.join(env.HOME || os.homedir(), '.pgpass');
  try {
    const stat = statSync(file);
    if (!stat.isFile() || (stat.mode & 0o077) !== 0) return undefined;
    return passwordFromPassfileText(readFileSync(file, 'utf8'), {
      host: target.host ?? 'localhost',
      port: String(target.port ?? 5432),
      database,
      user: target.user ?? env.PGUSER ?? env.USER ?? os.userInfo().username,
    });
  } catch {
    return undefined;
  }
}
